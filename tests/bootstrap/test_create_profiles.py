"""bedrock-costs create-profiles: Stubber for the inference-profile APIs (moto lacks them), moto for STS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from bedrock_costs import create_profiles

from .conftest import ACCOUNT, REGION, CallLog

HEADER = "profile_name,profile_arn,app,team,cost_center,environment,model_source,tag_owner,notes\n"
DONE_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/aaaaaaaaaaaa"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
TITAN = "amazon.titan-embed-text-v2:0"
ROWS = (
    f'done,{DONE_ARN},billing,fin,CC-9,prod,amazon.nova-pro-v1:0,,"kept, exactly"\n'
    f"chat-prod,,support-chat,cx,CC-1001,prod,us.{SONNET},alice,\n"
    f"embed_prod,,doc-search,knowledge,CC-3001,prod,arn:aws:bedrock:{REGION}::foundation-model/{TITAN},,\n"
)
CHAT_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/cccccccccccc"
EMBED_ARN = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/eeeeeeeeeeee"
CHAT_TAGS = [{"key": "app", "value": "support-chat"}, {"key": "cost_center", "value": "CC-1001"},
             {"key": "environment", "value": "prod"}, {"key": "owner", "value": "alice"},
             {"key": "team", "value": "cx"}]
EMBED_TAGS = [{"key": "app", "value": "doc-search"}, {"key": "cost_center", "value": "CC-3001"},
              {"key": "environment", "value": "prod"}, {"key": "team", "value": "knowledge"}]


def fm_arn(model_id: str, region: str = REGION) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def summary(name: str, arn: str, model_arns: list[str]) -> dict[str, Any]:
    return {"inferenceProfileName": name, "inferenceProfileArn": arn, "inferenceProfileId": arn[-12:],
            "models": [{"modelArn": m} for m in model_arns], "status": "ACTIVE", "type": "APPLICATION"}


SONNET_US = [fm_arn(SONNET, r) for r in ("us-east-1", "us-east-2", "us-west-2")]


@pytest.fixture
def profile_map(tmp_path: Path) -> Path:
    path = tmp_path / "profile_map.csv"
    path.write_text(HEADER + ROWS)
    return path


def expect_list(bedrock: Stubber, *profiles: dict[str, Any]) -> None:
    bedrock.add_response("list_inference_profiles", {"inferenceProfileSummaries": list(profiles)},
                         {"typeEquals": "APPLICATION"})


def expect_on_demand(bedrock: Stubber, model_id: str, inference_types: list[str]) -> None:
    bedrock.add_response("get_foundation_model", {"modelDetails": {
        "modelArn": fm_arn(model_id), "modelId": model_id, "inferenceTypesSupported": inference_types}},
        {"modelIdentifier": model_id})


def expect_create(bedrock: Stubber, name: str, copy_from: str, tags: list[dict[str, str]], arn: str) -> None:
    bedrock.add_response("create_inference_profile", {"inferenceProfileArn": arn, "status": "ACTIVE"}, {
        "inferenceProfileName": name, "description": ANY, "modelSource": {"copyFrom": copy_from}, "tags": tags})


def expect_both_created(bedrock: Stubber) -> None:
    expect_list(bedrock)
    expect_create(bedrock, "chat-prod", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.{SONNET}",
                  CHAT_TAGS, CHAT_ARN)
    expect_on_demand(bedrock, TITAN, ["ON_DEMAND"])
    expect_create(bedrock, "embed_prod", fm_arn(TITAN), EMBED_TAGS, EMBED_ARN)


def run(path: Path, *extra: str) -> int:
    return create_profiles.main(["--profile-map", str(path), "--region", REGION, *extra])


def test_creates_tagged_profiles_and_writes_back_only_their_arns(
        stubs: dict[str, Stubber], profile_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expect_both_created(stubs["bedrock"])
    assert run(profile_map) == 0
    expected = HEADER + ROWS.replace("chat-prod,,", f"chat-prod,{CHAT_ARN},").replace(
        "embed_prod,,", f"embed_prod,{EMBED_ARN},")
    assert profile_map.read_text() == expected
    assert "2 change(s) made" in capsys.readouterr().out


def test_second_run_makes_no_call_and_says_already_configured(
        stubs: dict[str, Stubber], profile_map: Path, api_calls: CallLog, capsys: pytest.CaptureFixture[str]) -> None:
    expect_both_created(stubs["bedrock"])
    assert run(profile_map) == 0
    capsys.readouterr()
    api_calls.clear()
    assert run(profile_map) == 0
    assert api_calls.writes() == []
    assert "already configured" in capsys.readouterr().out


def test_dry_run_makes_no_write_and_leaves_the_csv(
        stubs: dict[str, Stubber], profile_map: Path, api_calls: CallLog, capsys: pytest.CaptureFixture[str]) -> None:
    expect_list(stubs["bedrock"])
    expect_on_demand(stubs["bedrock"], TITAN, ["ON_DEMAND"])
    before = profile_map.read_bytes()
    assert run(profile_map, "--dry-run") == 0
    assert api_calls.writes() == []
    assert profile_map.read_bytes() == before
    assert "would create" in capsys.readouterr().out


def test_existing_profile_of_that_name_is_reused_and_retagged(stubs: dict[str, Stubber], profile_map: Path) -> None:
    bedrock = stubs["bedrock"]
    expect_list(bedrock, summary("chat-prod", CHAT_ARN, SONNET_US))
    bedrock.add_response("list_tags_for_resource", {"tags": [{"key": "app", "value": "old"}]},
                         {"resourceARN": CHAT_ARN})
    bedrock.add_response("tag_resource", {}, {"resourceARN": CHAT_ARN, "tags": CHAT_TAGS})
    expect_on_demand(bedrock, TITAN, ["ON_DEMAND"])
    expect_create(bedrock, "embed_prod", fm_arn(TITAN), EMBED_TAGS, EMBED_ARN)
    assert run(profile_map) == 0
    assert f"chat-prod,{CHAT_ARN}," in profile_map.read_text()


def test_existing_profile_with_another_model_is_not_linked(
        stubs: dict[str, Stubber], profile_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bedrock = stubs["bedrock"]
    expect_list(bedrock, summary("chat-prod", CHAT_ARN, [fm_arn("amazon.nova-pro-v1:0")]))
    expect_on_demand(bedrock, TITAN, ["ON_DEMAND"])
    expect_create(bedrock, "embed_prod", fm_arn(TITAN), EMBED_TAGS, EMBED_ARN)
    assert run(profile_map) == 1
    assert "chat-prod,," in profile_map.read_text()
    assert "exists with another model" in capsys.readouterr().out


def test_foundation_model_without_on_demand_asks_for_a_system_profile(
        stubs: dict[str, Stubber], tmp_path: Path, api_calls: CallLog, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "map.csv"
    path.write_text(HEADER + "opus,,legal,legal,CC-5,prod,anthropic.claude-opus-4-1-20250805-v1:0,,\n")
    expect_list(stubs["bedrock"])
    stubs["bedrock"].add_response("get_foundation_model", {"modelDetails": {
        "modelArn": fm_arn("anthropic.claude-opus-4-1-20250805-v1:0"),
        "modelId": "anthropic.claude-opus-4-1-20250805-v1:0",
        "inferenceTypesSupported": ["INFERENCE_PROFILE"]}})
    assert run(path) == 1
    assert "CreateInferenceProfile" not in api_calls.operations()
    assert "such as us.anthropic.claude-opus-4-1-20250805-v1:0" in capsys.readouterr().out


def test_rows_for_another_region_are_skipped(stubs: dict[str, Stubber], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "map.csv"
    path.write_text(HEADER + f"eu-bot,,eu,emea,CC-4,prod,eu.{SONNET},,\n")
    expect_list(stubs["bedrock"])
    assert run(path) == 0
    assert "eu. profiles are not served from us-east-1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "message"),
    [(f"{'n' * 65},,a,t,c,prod,us.{SONNET},,", "at most 64"),
     (f"bad.name,,a,t,c,prod,us.{SONNET},,", "profile_name 'bad.name'"),
     ("ok,,a,t,c,prod,gpt-4o,,", "unknown model_source 'gpt-4o'"),
     ("ok,,a,t,c,prod,zz.anthropic.claude-x-v1:0,,", "prefix 'zz'"),
     (f"ok,,,t,c,prod,us.{SONNET},,", "app is empty")],
)
def test_bad_rows_fail_before_any_call(aws: object, api_calls: CallLog, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], row: str, message: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(HEADER + row + "\n")
    assert run(path) == 2
    assert api_calls.calls == []
    err = capsys.readouterr().err
    assert err.startswith("ERROR [InvalidInput]:") and message in err


def test_run_stopped_after_a_create_finishes_on_rerun(
        stubs: dict[str, Stubber], profile_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bedrock = stubs["bedrock"]
    expect_list(bedrock)
    expect_create(bedrock, "chat-prod", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.{SONNET}",
                  CHAT_TAGS, CHAT_ARN)
    expect_on_demand(bedrock, TITAN, ["ON_DEMAND"])
    bedrock.add_client_error("create_inference_profile", "ThrottlingException", "Too many requests")
    assert run(profile_map) == 1
    assert capsys.readouterr().err.splitlines()[-1].startswith("ERROR [ThrottlingException]: CreateInferenceProfile")
    assert f"chat-prod,{CHAT_ARN}," in profile_map.read_text()
    assert "embed_prod,," in profile_map.read_text()

    expect_list(bedrock, summary("chat-prod", CHAT_ARN, SONNET_US))
    expect_on_demand(bedrock, TITAN, ["ON_DEMAND"])
    expect_create(bedrock, "embed_prod", fm_arn(TITAN), EMBED_TAGS, EMBED_ARN)
    assert run(profile_map) == 0
    assert f"embed_prod,{EMBED_ARN}," in profile_map.read_text()


def test_profile_created_but_not_written_is_linked_on_rerun(
        stubs: dict[str, Stubber], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "map.csv"
    path.write_text(HEADER + f"chat-prod,,support-chat,cx,CC-1001,prod,us.{SONNET},alice,\n")
    bedrock = stubs["bedrock"]
    expect_list(bedrock)
    expect_create(bedrock, "chat-prod", f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.{SONNET}",
                  CHAT_TAGS, CHAT_ARN)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(create_profiles, "write_profile_arn", interrupted)
        assert run(path) == 130
    expect_list(bedrock, summary("chat-prod", CHAT_ARN, SONNET_US))
    bedrock.add_response("list_tags_for_resource", {"tags": CHAT_TAGS}, {"resourceARN": CHAT_ARN})
    assert run(path) == 0
    assert f"chat-prod,{CHAT_ARN}," in path.read_text()


def test_sync_reports_and_writes_unmapped_profiles(
        stubs: dict[str, Stubber], profile_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stray = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/ssssssssssss"
    bedrock = stubs["bedrock"]
    tags = [{"key": "app", "value": "shadow"}, {"key": "team", "value": "growth"}, {"key": "owner", "value": "dan"}]
    for _ in range(2):
        expect_list(bedrock, summary("done", DONE_ARN, [fm_arn("amazon.nova-pro-v1:0")]),
                    summary("shadow-it", stray, SONNET_US))
        bedrock.add_response("list_tags_for_resource", {"tags": tags}, {"resourceARN": stray})
    before = profile_map.read_text()
    assert run(profile_map, "--sync") == 0
    assert "shadow-it  not in map" in capsys.readouterr().out
    assert profile_map.read_text() == before
    assert run(profile_map, "--sync", "--write") == 0
    assert profile_map.read_text() == before + f"shadow-it,{stray},shadow,growth,,,us.{SONNET},dan,\n"


def test_write_without_sync_is_refused(aws: object, profile_map: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(profile_map, "--write") == 2
    assert "--write goes with --sync" in capsys.readouterr().err
