"""Fixtures for the bootstrap-script tests: fake credentials, moto, Stubber and a call recorder.

Nothing here reads ~/.aws or reaches AWS: every test runs with fake credentials and a config
path that does not exist, under moto (mock_aws) and/or botocore Stubbers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
WRITE_PREFIXES = ("Create", "Put", "Update", "Delete", "Tag", "Untag")


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and region; no shared config, profile, endpoint or instance metadata."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    """moto for every AWS call not answered by a Stubber; yields a session in us-east-1."""
    with mock_aws():
        yield boto3.Session(region_name=REGION)


@dataclass
class CallLog:
    """Every operation any botocore client sent, and failures to inject once per operation."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: dict[str, BaseException] = field(default_factory=dict)

    def operations(self) -> list[str]:
        return [operation for _, operation in self.calls]

    def writes(self) -> list[str]:
        return [op for op in self.operations() if op.startswith(WRITE_PREFIXES)]

    def clear(self) -> None:
        self.calls.clear()

    def fail_once(self, operation: str, code: str = "AccessDenied", message: str = "Access Denied") -> None:
        self.failures[operation] = ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.fixture
def api_calls(monkeypatch: pytest.MonkeyPatch) -> CallLog:
    """Record (service, operation) for every call, stubbed or not; raise injected failures."""
    log = CallLog()
    original = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        log.calls.append((client.meta.service_model.service_name, operation))
        if operation in log.failures:
            raise log.failures.pop(operation)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    return log


class StubbedSession:
    """A boto3 session whose clients for some services are Stubber-backed (the rest go to moto)."""

    def __init__(self, real: boto3.Session, stubbed: dict[str, Any]) -> None:
        self.real = real
        self.stubbed = stubbed

    @property
    def region_name(self) -> str | None:
        return self.real.region_name

    def client(self, service: str, region_name: str | None = None, **kwargs: Any) -> Any:
        if service in self.stubbed:
            return self.stubbed[service]
        return self.real.client(service, region_name=region_name, **kwargs)


@pytest.fixture
def stubs(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Stubber]]:
    """Stubbers for bedrock, bedrock-runtime, ce and budgets; scripts' sessions use them.

    Every queued response must be consumed, and any call not queued fails the test."""
    clients = {name: boto3.client(name, region_name=REGION) for name in ("bedrock", "bedrock-runtime", "ce", "budgets")}
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for stubber in stubbers.values():
        stubber.activate()

    def make_session(profile: str | None, region: str | None) -> StubbedSession:
        return StubbedSession(boto3.Session(profile_name=profile, region_name=region), clients)

    monkeypatch.setattr("bedrock_costs.cli.make_session", make_session)
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
        stubber.deactivate()

