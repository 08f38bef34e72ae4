"""Data-driven unit tests of the two parsers, run through the real dbt macros on DuckDB:
every modelId form (macros/model_id.sql) and every identity ARN form (macros/caller.sql)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Project, make_project

HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"

# modelId as passed -> (canonical model_id, price_scope, routing prefix, is application profile)
MODEL_IDS = {
    HAIKU_45: (HAIKU_45, "in_region", None, False),
    "amazon.nova-lite-v1:0": ("amazon.nova-lite-v1:0", "in_region", None, False),
    "meta.llama3-3-70b-instruct-v1:0": ("meta.llama3-3-70b-instruct-v1:0", "in_region", None, False),
    f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU_45}": (HAIKU_45, "in_region", None, False),
    f"arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{HAIKU_45}": (HAIKU_45, "in_region", None, False),
    f"us.{HAIKU_45}": (HAIKU_45, "geo", "us", False),
    f"eu.{HAIKU_45}": (HAIKU_45, "geo", "eu", False),
    f"apac.{SONNET_4}": (SONNET_4, "geo", "apac", False),
    f"jp.{HAIKU_45}": (HAIKU_45, "geo", "jp", False),
    f"au.{HAIKU_45}": (HAIKU_45, "geo", "au", False),
    f"us-gov.{HAIKU_45}": (HAIKU_45, "geo", "us-gov", False),
    f"global.{HAIKU_45}": (HAIKU_45, "global", "global", False),
    f"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.{HAIKU_45}": (HAIKU_45, "geo", "us", False),
    f"arn:aws:bedrock:eu-west-1:111122223333:inference-profile/global.{HAIKU_45}":
        (HAIKU_45, "global", "global", False),
    f"arn:aws:bedrock:ap-southeast-2:111122223333:inference-profile/apac.{SONNET_4}": (SONNET_4, "geo", "apac", False),
    "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/k8x2m4p9q1w3":
        ("k8x2m4p9q1w3", "in_region", None, True),
}

# identity.arn -> (caller_type, caller_name, caller_role)
IDENTITIES = {
    "arn:aws:iam::111122223333:user/alex.kim": ("iam_user", "alex.kim", None),
    "arn:aws:iam::444455556666:user/ci/jenkins-bot": ("iam_user", "jenkins-bot", None),
    "arn:aws:sts::111122223333:assumed-role/support-chat-lambda-role/support-chat-handler":
        ("assumed_role", "support-chat-handler", "support-chat-lambda-role"),
    "arn:aws:sts::111122223333:assumed-role/code-review-ecs-task/8f14e45fceea167a":
        ("assumed_role", "8f14e45fceea167a", "code-review-ecs-task"),
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataScientist_3f9c2a1b7e5d4c60/maria.garcia@example.com":
        ("sso_user", "maria.garcia@example.com", "AWSReservedSSO_DataScientist_3f9c2a1b7e5d4c60"),
    "arn:aws:iam::444455556666:root": ("root", "root", None),
    "arn:aws:sts::111122223333:federated-user/partner-bob": ("federated", "partner-bob", None),
    "arn:aws-cn:sts::111122223333:assumed-role/cn-role/session-1": ("assumed_role", "session-1", "cn-role"),
    "arn:aws:iam::111122223333:role/not-a-caller-form":
        ("unknown", "arn:aws:iam::111122223333:role/not-a-caller-form", None),
}


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("parsing")
    return make_project(root, root / "no-logs")


def show(project: Project, values: list[str], column: str, expressions: dict[str, str]) -> dict[str, tuple]:
    rows = " union all ".join(f"select {sql_string(v)} as {column}" for v in values)
    selected = ", ".join(f"{{{{ {expression} }}}} as {name}" for name, expression in expressions.items())
    run = project.dbt("show", "--inline", f"with cases as ({rows}) select {column}, {selected} from cases",
                      "--limit", "-1")
    assert run.success, run.messages[-5:]
    table = run.result.result.results[0].agate_table
    return {row[0]: tuple(row[1:]) for row in table.rows}


def test_every_model_id_form(project: Project) -> None:
    got = show(project, list(MODEL_IDS), "model_id_raw", {
        "model_id": "bedrock_costs.canonical_model_id('model_id_raw')",
        "price_scope": "bedrock_costs.model_price_scope('model_id_raw')",
        "routing_prefix": "bedrock_costs.model_routing_prefix('model_id_raw')",
        "is_application_profile": "bedrock_costs.is_application_profile('model_id_raw')",
    })
    assert got == MODEL_IDS


def test_every_identity_form(project: Project) -> None:
    got = show(project, list(IDENTITIES), "caller_arn", {
        "caller_type": "bedrock_costs.caller_type('caller_arn')",
        "caller_name": "bedrock_costs.caller_name('caller_arn')",
        "caller_role": "bedrock_costs.caller_role('caller_arn')",
    })
    assert got == IDENTITIES


def test_missing_identity_is_unknown(project: Project) -> None:
    run = project.dbt("show", "--inline",
                      "select {{ bedrock_costs.caller_type('cast(null as varchar)') }} as t, "
                      "{{ bedrock_costs.caller_name('cast(null as varchar)') }} as n")
    assert run.success
    assert tuple(run.result.result.results[0].agate_table.rows[0]) == ("unknown", None)


def test_profile_map_model_sources_resolve(project: Project, tmp_path: Path) -> None:
    """Every model_source in the bundled profile map resolves to a model that has a price row."""
    import csv

    from conftest import REPO

    with (REPO / "seeds" / "profile_map.csv").open() as handle:
        sources = [row["model_source"] for row in csv.DictReader(handle)]
    with (REPO / "seeds" / "model_pricing.csv").open() as handle:
        priced = {(row["model_id"], row["price_scope"]) for row in csv.DictReader(handle)}
    got = show(project, sources, "model_source", {
        "model_id": "bedrock_costs.canonical_model_id('model_source')",
        "price_scope": "bedrock_costs.model_price_scope('model_source')",
    })
    assert all(pair in priced for pair in got.values()), got
