"""Request-metadata attribution: a gateway role that names its users, apps and tenants in
requestMetadata, profile calls whose metadata agrees or conflicts with the profile's tags, the key
variants (userId, applicationId, lower-case keys as Athena's SerDe delivers them), empty values,
calls without metadata, and a custom key mapping through the var."""

from __future__ import annotations

import pytest

from conftest import DbtRun, Project
from test_finops_logs import (
    CODE_REVIEW,
    GATEWAY_ROLE,
    HAIKU_45,
    SUPPORT_CHAT,
    Call,
    at,
    build,
    failures,
    rows,
    write_logs,
)

HANDLER = "arn:aws:sts::111122223333:assumed-role/support-chat-lambda-role/support-chat-handler"
M = 1_000_000

CALLS = [
    # global. Haiku 4.5: $1 per 1M input tokens
    Call("gw-user-app-tenant", at(5, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=M,
         metadata={"user": "u-1", "app": "sales-copilot", "tenant": "acme"}),
    Call("gw-alternate-keys", at(5, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=2 * M,
         metadata={"userId": "u-2", "applicationId": "hr-bot", "team": "people", "costCenter": "CC-9",
                   "environment": "prod"}),
    Call("gw-no-metadata", at(5, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=3 * M),
    Call("gw-empty-values", at(5, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=4 * M,
         metadata={"user": "", "app": ""}),
    Call("gw-lowercase-keys", at(5, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=5 * M,
         metadata={"userid": "u-9", "applicationid": "hr-bot"}),
    # support-chat-prod (us. Sonnet 4.5, $3.30 per 1M input): its tags win over the metadata
    # (100K tokens a call: below the long-context tier)
    Call("profile-conflict", at(5, 10), SUPPORT_CHAT, HANDLER, input_tokens=M // 10,
         metadata={"app": "other-app", "team": "other-team", "user": "alice", "tenant": "t1"}),
    Call("profile-agrees", at(5, 10), SUPPORT_CHAT, HANDLER, input_tokens=M // 10,
         metadata={"app": "support-chat", "user": "bob"}),
    Call("profile-ticket-queue", at(5, 10), SUPPORT_CHAT, HANDLER, input_tokens=M // 10,
         metadata={"ticketQueue": "tier1"}),
    # code-review-bot: the same conflict on a second profile, counted separately
    Call("profile-conflict-2", at(5, 11), CODE_REVIEW, GATEWAY_ROLE, input_tokens=M,
         metadata={"app": "other-app"}),
]

ATTRIBUTION_COLUMNS = ("app, team, cost_center, environment, attribution_source, tenant, end_user, end_user_source, "
                       "metadata_conflict_count")


# requestMetadata attributes only the calls of trusted callers: here the gateway and support-chat's
# own Lambda role (tests/test_trusted_metadata.py shows what an untrusted caller's metadata does)
TRUSTED = {"bedrock_costs_trusted_metadata_callers": [
    "arn:aws:iam::111122223333:role/llm-gateway", "arn:aws:iam::111122223333:role/support-chat-lambda-role"]}


@pytest.fixture(scope="module")
def attributed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    project, run = build(tmp_path_factory.mktemp("attribution"), CALLS, ["fct_daily_end_user_cost"], vars=TRUSTED)
    assert run.success, failures(run)
    project.default_vars = TRUSTED
    return project, run


def by_request(project: Project, columns: str = ATTRIBUTION_COLUMNS) -> dict[str, tuple]:
    found = rows(project, f"select request_id, {columns} from main_staging.int_invocations_attributed")
    return {row.pop("request_id"): tuple(row.values()) for row in found}


def test_precedence_profile_tags_then_metadata_then_identity(attributed: tuple[Project, DbtRun]) -> None:
    project, _ = attributed
    got = by_request(project)
    assert got == {
        # metadata fills every gap of a direct (gateway) call
        "gw-user-app-tenant": ("sales-copilot", "unattributed", "unattributed", "unattributed", "request_metadata",
                               "acme", "u-1", "request_metadata", 0),
        "gw-alternate-keys": ("hr-bot", "people", "CC-9", "prod", "request_metadata", None, "u-2",
                              "request_metadata", 0),
        # the IAM identity is the fallback
        "gw-no-metadata": ("unattributed", "unattributed", "unattributed", "unattributed", "unattributed", None,
                           "litellm-proxy", "iam_identity", 0),
        "gw-empty-values": ("unattributed", "unattributed", "unattributed", "unattributed", "unattributed", None,
                            "litellm-proxy", "iam_identity", 0),
        "gw-lowercase-keys": ("hr-bot", "unattributed", "unattributed", "unattributed", "request_metadata", None,
                              "u-9", "request_metadata", 0),
        # a mapped profile's tags win; metadata still names the end user and the tenant
        "profile-conflict": ("support-chat", "customer-experience", "CC-1001", "prod", "profile", "t1", "alice",
                             "request_metadata", 2),
        "profile-agrees": ("support-chat", "customer-experience", "CC-1001", "prod", "profile", None, "bob",
                           "request_metadata", 0),
        "profile-ticket-queue": ("support-chat", "customer-experience", "CC-1001", "prod", "profile", None,
                                 "support-chat-handler", "iam_identity", 0),
        "profile-conflict-2": ("code-review", "platform", "CC-2001", "prod", "profile", None, "litellm-proxy",
                               "iam_identity", 1),
    }


def test_conflicts_are_counted_by_a_warning_test(attributed: tuple[Project, DbtRun]) -> None:
    _, run = attributed
    name = "int_hourly_usage_metadata_conflicts"
    assert run.statuses()[name] == "warn"
    # (support-chat-prod, app), (support-chat-prod, team), (code-review-bot, app)
    assert any("Got 3 results, configured to warn" in m for m in run.messages), failures(run)


def test_end_user_mart_grain_and_costs(attributed: tuple[Project, DbtRun]) -> None:
    project, run = attributed
    assert all(status in ("success", "pass", "warn") for status in run.statuses().values()), run.statuses()
    got = rows(project, "select app, tenant, end_user, end_user_source, caller_name, request_count, input_tokens, "
                        "cost_usd, usage_date from main.fct_daily_end_user_cost")
    key = {(r["app"], r["tenant"], r["end_user"]): r for r in got}
    assert len(got) == 8  # the two fallback gateway calls share one row
    assert key["sales-copilot", "acme", "u-1"]["cost_usd"] == pytest.approx(1.0)
    assert key["hr-bot", None, "u-2"]["cost_usd"] == pytest.approx(2.0)
    assert key["hr-bot", None, "u-9"]["cost_usd"] == pytest.approx(5.0)
    fallback = key["unattributed", None, "litellm-proxy"]
    assert (fallback["request_count"], fallback["input_tokens"], fallback["end_user_source"]) == (
        2, 7 * M, "iam_identity")
    assert fallback["cost_usd"] == pytest.approx(7.0)
    assert key["support-chat", "t1", "alice"]["cost_usd"] == pytest.approx(0.33)
    assert sum(r["request_count"] for r in got) == len(CALLS)
    assert {str(r["usage_date"]) for r in got} == {"2026-11-05"}


def test_key_mapping_var_overrides_only_the_fields_it_names(attributed: tuple[Project, DbtRun]) -> None:
    project, _ = attributed
    mapping = {"bedrock_costs_metadata_keys": {"end_user": ["ticketQueue"], "app": []}}
    run = project.dbt("run", "--full-refresh", "--select", "int_invocations_attributed", vars=mapping)
    assert run.success, failures(run)
    got = by_request(project, "app, end_user, tenant, team")
    assert got["profile-ticket-queue"] == ("support-chat", "tier1", None, "customer-experience")
    assert got["gw-user-app-tenant"] == ("unattributed", "litellm-proxy", "acme", "unattributed")  # app unmapped
    assert got["gw-alternate-keys"] == ("unattributed", "litellm-proxy", None, "people")  # team keeps its default
    bad = project.dbt("run", "--full-refresh", "--select", "int_invocations_attributed",
                      vars={"bedrock_costs_metadata_keys": {"department": ["dept"]}})
    assert not bad.success and any("unknown field department" in m for m in bad.messages)
    restored = project.dbt("run", "--full-refresh", "--select", "int_invocations_attributed")
    assert restored.success


def test_incremental_run_equals_a_full_refresh(attributed: tuple[Project, DbtRun]) -> None:
    """A later day arrives: the incremental run adds it, keeps the earlier day, and gives the same
    int_invocations_attributed and fct_daily_end_user_cost as a full refresh (runs last: it adds logs)."""
    project, _ = attributed
    write_logs(project.logs, [Call("next-day", at(6, 9), f"global.{HAIKU_45}", GATEWAY_ROLE, input_tokens=M,
                                   metadata={"user": "u-1", "app": "sales-copilot", "tenant": "acme"})])
    selection = ["--select", "+fct_daily_end_user_cost", "--indirect-selection", "cautious"]
    # loaded_at and summed_at are when a line was read and a day summed, so they differ between the
    # two builds by design
    snapshot = ("select * exclude (loaded_at) from main_staging.int_invocations_attributed order by request_id",
                "select * exclude (summed_at) from main.fct_daily_end_user_cost order by all")
    incremental = project.dbt("build", *selection)
    assert incremental.success, failures(incremental)
    after_increment = [rows(project, sql) for sql in snapshot]
    assert len(after_increment[0]) == len(CALLS) + 1
    full = project.dbt("build", "--full-refresh", *selection)
    assert full.success, failures(full)
    assert [rows(project, sql) for sql in snapshot] == after_increment
