"""Sessions, the caller's account and the small read helpers every command shares.

boto3 honours ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) itself, so a local
emulator such as moto_server works without any code here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import boto3
from botocore.exceptions import ClientError

from bedrock_costs.arns import partition_for
from bedrock_costs.errors import InputError

if TYPE_CHECKING:  # the boto3-stubs service packages: dev-only, for mypy
    from mypy_boto3_bedrock import BedrockClient
    from mypy_boto3_bedrock_runtime import BedrockRuntimeClient
    from mypy_boto3_budgets import BudgetsClient
    from mypy_boto3_ce import CostExplorerClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_s3 import S3Client

T = TypeVar("T")

# Cost Explorer and Budgets have one endpoint per partition.
_BILLING_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1"}


@dataclass(frozen=True)
class Target:
    """Where a command works: a session, its region and the caller's account."""

    session: boto3.Session
    region: str
    account_id: str
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, compare=False, repr=False)

    @overload
    def client(self, service: Literal["bedrock"]) -> BedrockClient: ...
    @overload
    def client(self, service: Literal["bedrock-runtime"]) -> BedrockRuntimeClient: ...
    @overload
    def client(self, service: Literal["iam"]) -> IAMClient: ...
    @overload
    def client(self, service: Literal["kms"]) -> KMSClient: ...
    @overload
    def client(self, service: Literal["logs"]) -> CloudWatchLogsClient: ...
    @overload
    def client(self, service: Literal["s3"]) -> S3Client: ...

    def client(self, service: str) -> Any:
        """A client for ``service`` in the target region (one per service, reused)."""
        return self._client(service, self.region)

    @overload
    def billing_client(self, service: Literal["budgets"]) -> BudgetsClient: ...
    @overload
    def billing_client(self, service: Literal["ce"]) -> CostExplorerClient: ...

    def billing_client(self, service: str) -> Any:
        """A Cost Explorer or Budgets client (their endpoint is fixed per partition)."""
        return self._client(service, _BILLING_REGIONS[partition_for(self.region)])

    def _client(self, service: str, region: str) -> Any:
        if (service, region) not in self._clients:
            # a service named at run time: no single overload of the stubs' Session.client applies
            make: Callable[..., Any] = self.session.client
            self._clients[service, region] = make(service, region_name=region)
        return self._clients[service, region]


def make_session(profile: str | None, region: str | None) -> boto3.Session:
    """A session from a named profile and region (both optional: the usual chain applies)."""
    return boto3.Session(profile_name=profile, region_name=region)


def require_region(session: boto3.Session) -> str:
    """The session's region, or an InputError saying how to set one."""
    if not session.region_name:
        raise InputError("no AWS region: pass --region, or set AWS_REGION or the profile's region")
    return session.region_name


def account_id(session: boto3.Session) -> str:
    """The caller's account id (sts:GetCallerIdentity needs no permission)."""
    return session.client("sts").get_caller_identity()["Account"]


def connect(session: boto3.Session, region: str) -> Target:
    """The target for ``session`` in ``region``; the first call to AWS a script makes."""
    return Target(session, region, account_id(session))


def error_code(error: ClientError) -> str:
    """The AWS error code of a ClientError."""
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def get_or_none(call: Callable[..., T], not_found: tuple[str, ...], **kwargs: Any) -> T | None:
    """``call(**kwargs)``, or None when AWS answers with one of the ``not_found`` error codes."""
    try:
        return call(**kwargs)
    except ClientError as error:
        if error_code(error) in not_found:
            return None
        raise


def retry_on(
    call: Callable[[], T],
    codes: tuple[str, ...],
    attempts: int = 6,
    delay_seconds: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``call()``, retried while AWS answers with ``codes`` (IAM changes take seconds to propagate)."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except ClientError as error:
            if error_code(error) not in codes or attempt == attempts:
                raise
            sleep(delay_seconds)
    raise AssertionError("unreachable")


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item under ``key`` across the pages of a list operation."""
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items
