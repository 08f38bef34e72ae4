"""bedrock-costs finops: Stubber for Cost Explorer tags and the Budgets calls moto lacks, moto for budget creation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bedrock_costs import finops

from .conftest import ACCOUNT, CallLog

ROOT = Path(__file__).resolve().parents[2]
BUDGETS_HEADER = "app,monthly_usd,alert_thresholds_pct,subscriber_emails\n"
SAMPLE_APPS = ["support-chat", "code-review", "doc-search", "eu-assistant", "legal-drafting", "analytics"]


def tag(key: str, status: str) -> dict[str, str]:
    return {"TagKey": key, "Type": "UserDefined", "Status": status}


def expect_tags(ce: Stubber, *found: dict[str, str]) -> None:
    ce.add_response("list_cost_allocation_tags", {"CostAllocationTags": list(found)},
                    {"TagKeys": ["app", "team", "cost_center"], "Type": "UserDefined"})


def test_tags_activates_only_inactive_ones(stubs: dict[str, Stubber], capsys: pytest.CaptureFixture[str]) -> None:
    expect_tags(stubs["ce"], tag("app", "Active"), tag("team", "Inactive"))
    stubs["ce"].add_response(
        "update_cost_allocation_tags_status",
        {"Errors": [{"TagKey": "cost_center", "Code": "TagKeysNotFoundException", "Message": "not found"}]},
        {"CostAllocationTagsStatus": [{"TagKey": "team", "Status": "Active"}, {"TagKey": "cost_center",
                                                                                "Status": "Active"}]})
    assert finops.main(["tags"]) == 0
    out = capsys.readouterr().out
    assert "cost-allocation tag team         activated" in out
    assert "cost-allocation tag cost_center  not activated" in out and "up to 24 h" in out


def test_tags_second_run_makes_no_write(stubs: dict[str, Stubber], api_calls: CallLog,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    expect_tags(stubs["ce"], tag("app", "Active"), tag("team", "Active"), tag("cost_center", "Active"))
    assert finops.main(["tags"]) == 0
    assert api_calls.writes() == []
    assert "Nothing to do: already configured." in capsys.readouterr().out


def test_tags_dry_run_makes_no_write(stubs: dict[str, Stubber], api_calls: CallLog) -> None:
    expect_tags(stubs["ce"], tag("app", "Inactive"))
    assert finops.main(["tags", "--dry-run"]) == 0
    assert api_calls.writes() == []


def test_tags_access_denied_names_the_action(stubs: dict[str, Stubber], capsys: pytest.CaptureFixture[str]) -> None:
    expect_tags(stubs["ce"], tag("app", "Inactive"), tag("team", "Active"), tag("cost_center", "Active"))
    stubs["ce"].add_client_error("update_cost_allocation_tags_status", "AccessDeniedException", "nope")
    assert finops.main(["tags"]) == 1
    assert "grant the operator ce:UpdateCostAllocationTagsStatus" in capsys.readouterr().err


def write_budgets(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "app_budgets.csv"
    path.write_text(BUDGETS_HEADER + "".join(rows))
    return path


def test_seed_file_has_every_sample_app() -> None:
    budgets = finops.read_budgets(ROOT / "seeds" / "app_budgets.csv")
    assert [b.app for b in budgets] == SAMPLE_APPS


def test_budgets_are_created_with_tag_and_service_filters(aws: boto3.Session, tmp_path: Path) -> None:
    path = write_budgets(tmp_path, "support-chat,5000,80;100,a@example.com;b@example.com\n", "analytics,800,,\n")
    assert finops.main(["budgets", "--budgets-csv", str(path)]) == 0
    client = aws.client("budgets")
    budget = client.describe_budget(AccountId=ACCOUNT, BudgetName="bedrock-support-chat")["Budget"]
    assert budget["CostFilters"] == {"Service": ["Amazon Bedrock"], "TagKeyValue": ["user:app$support-chat"]}
    assert (budget["BudgetLimit"], budget["TimeUnit"], budget["BudgetType"]) == (
        {"Amount": "5000", "Unit": "USD"}, "MONTHLY", "COST")
    alerts = client.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="bedrock-support-chat")
    assert [(n["Threshold"], n["ThresholdType"], n["NotificationType"]) for n in alerts["Notifications"]] == [
        (80.0, "PERCENTAGE", "ACTUAL"), (100.0, "PERCENTAGE", "ACTUAL")]
    assert client.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="bedrock-analytics")[
        "Notifications"] == []


def test_budgets_dry_run_makes_no_write(aws: boto3.Session, api_calls: CallLog,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert finops.main(["budgets", "--budgets-csv", str(ROOT / "seeds" / "app_budgets.csv"), "--dry-run"]) == 0
    assert api_calls.writes() == []
    assert capsys.readouterr().out.count("would create") == len(SAMPLE_APPS)


def existing_budget(amount: str) -> dict[str, Any]:
    return {"Budget": {"BudgetName": "bedrock-support-chat", "BudgetLimit": {"Amount": amount, "Unit": "USD"},
                       "TimeUnit": "MONTHLY", "BudgetType": "COST",
                       "CostFilters": {"TagKeyValue": ["user:app$support-chat"], "Service": ["Amazon Bedrock"]},
                       "CalculatedSpend": {"ActualSpend": {"Amount": "12.5", "Unit": "USD"}}}}


def alert(threshold: float) -> dict[str, Any]:
    return {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": threshold,
            "ThresholdType": "PERCENTAGE"}


def email(address: str) -> dict[str, str]:
    return {"SubscriptionType": "EMAIL", "Address": address}


IDS = {"AccountId": ACCOUNT, "BudgetName": "bedrock-support-chat"}


def test_budgets_second_run_makes_no_write(stubs: dict[str, Stubber], tmp_path: Path, api_calls: CallLog,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    budgets = stubs["budgets"]
    budgets.add_response("describe_budget", existing_budget("5000.0"), IDS)
    budgets.add_response("describe_notifications_for_budget", {"Notifications": [alert(80.0), alert(100.0)]}, IDS)
    for threshold in (80.0, 100.0):
        budgets.add_response("describe_subscribers_for_notification", {"Subscribers": [email("a@example.com")]},
                             {**IDS, "Notification": alert(threshold)})
    path = write_budgets(tmp_path, "support-chat,5000,80;100,a@example.com\n")
    assert finops.main(["budgets", "--budgets-csv", str(path)]) == 0
    assert api_calls.writes() == []
    assert "Nothing to do: already configured." in capsys.readouterr().out


def test_budgets_update_limit_alerts_and_subscribers(stubs: dict[str, Stubber], tmp_path: Path) -> None:
    budgets = stubs["budgets"]
    budgets.add_response("describe_budget", existing_budget("4000"), IDS)
    new_budget = {k: v for k, v in existing_budget("6000")["Budget"].items() if k != "CalculatedSpend"}
    new_budget["CostFilters"] = {"Service": ["Amazon Bedrock"], "TagKeyValue": ["user:app$support-chat"]}
    budgets.add_response("update_budget", {}, {"AccountId": ACCOUNT, "NewBudget": new_budget})
    budgets.add_response("describe_notifications_for_budget", {"Notifications": [alert(50.0), alert(100.0)]}, IDS)
    budgets.add_response("describe_subscribers_for_notification",
                         {"Subscribers": [email("old@example.com"), email("a@example.com")]},
                         {**IDS, "Notification": alert(100.0)})
    budgets.add_response("delete_notification", {}, {**IDS, "Notification": alert(50.0)})
    budgets.add_response("create_subscriber", {}, {**IDS, "Notification": alert(100.0),
                                                   "Subscriber": email("b@example.com")})
    budgets.add_response("delete_subscriber", {}, {**IDS, "Notification": alert(100.0),
                                                   "Subscriber": email("old@example.com")})
    budgets.add_response("create_notification", {}, {**IDS, "Notification": alert(80.0),
                                                     "Subscribers": [email("a@example.com"), email("b@example.com")]})
    path = write_budgets(tmp_path, "support-chat,6000,80;100,a@example.com;b@example.com\n")
    assert finops.main(["budgets", "--budgets-csv", str(path)]) == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [("x,-5,80,a@example.com", "must be above 0"), ("x,10,80,not-an-email", "is not an e-mail address"),
     ("x,10,80;100,", "need at least one subscriber"), ("x,ten,,", "must be numbers"),
     ("x,10,0,a@example.com", "above 0 and at most 1000"), ("x,10,,\nx,20,,", "appears more than once")],
)
def test_bad_budget_rows_fail_before_any_call(aws: boto3.Session, api_calls: CallLog, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str], row: str, message: str) -> None:
    path = write_budgets(tmp_path, row + "\n")
    assert finops.main(["budgets", "--budgets-csv", str(path)]) == 2
    assert api_calls.calls == []
    assert message in capsys.readouterr().err


def test_budgets_access_denied_names_the_action(aws: boto3.Session, api_calls: CallLog, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    api_calls.fail_once("CreateBudget", "AccessDeniedException", "not authorized")
    path = write_budgets(tmp_path, "analytics,800,,\n")
    assert finops.main(["budgets", "--budgets-csv", str(path)]) == 1
    assert "CreateBudget was denied: grant the operator budgets:ModifyBudget" in capsys.readouterr().err
