"""What every subcommand's command line shares: its parser, the common flags and the error edge.

AWS errors are caught only here, in ``run_guarded``, and printed as
``ERROR [<Code>]: <what failed, and the permission or fix needed>``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from enum import IntEnum

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from bedrock_costs.aws import Target, connect, error_code, make_session, require_region
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.permissions import iam_actions
from bedrock_costs.results import Result, any_failed, print_results

PROG = "bedrock-costs"


class ExitCode(IntEnum):
    """Exit codes shared by all subcommands."""

    OK = 0
    FAILED = 1  # an AWS call failed, or a check did
    USAGE = 2  # bad input (argparse uses 2 as well)
    NO_CREDENTIALS = 3  # no credentials, unknown profile or no region
    INTERRUPTED = 130


_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403", "Forbidden"}
_HINTS = {
    "ExpiredToken": "the credentials have expired: refresh them (for example `aws sso login`)",
    "ExpiredTokenException": "the credentials have expired: refresh them (for example `aws sso login`)",
    "InvalidClientTokenId": "the access key is not valid in this account or partition",
    "UnrecognizedClientException": "the access key is not valid in this account or partition",
    "BucketAlreadyExists": "the bucket name is taken by another account: choose another --bucket",
}
_DENIED_HINTS = {"HeadBucket": " (or the bucket belongs to another account: choose another --bucket)"}


def common_parser() -> argparse.ArgumentParser:
    """A parent parser with --region, --profile and --dry-run."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--region", help="AWS region (default: the profile's or AWS_REGION)")
    parser.add_argument("--profile", help="AWS named profile (default: the usual credential chain)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    return parser


def command_parser(command: str, description: str | None, with_common: bool = True) -> argparse.ArgumentParser:
    """The parser of ``bedrock-costs <command>``: its module docstring as help text, and (unless the command
    makes no AWS call, or its own subcommands carry them) the common flags."""
    parents = [common_parser()] if with_common else []
    return argparse.ArgumentParser(prog=f"{PROG} {command}", description=description, parents=parents,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def open_target(args: argparse.Namespace, check_region: Callable[[str], object] | None = None) -> Target:
    """Session, region and account from --profile/--region; ``check_region`` runs before any call."""
    session = make_session(args.profile, args.region)
    region = require_region(session)
    if check_region:
        check_region(region)
    return connect(session, region)


def describe_client_error(error: ClientError) -> tuple[str, str]:
    """The code and a one-line message: what failed, and the permission or fix it needs."""
    code = error_code(error)
    operation = error.operation_name
    aws_message = str(error.response.get("Error", {}).get("Message", "")).strip()
    if code in _DENIED:
        actions = " and ".join(iam_actions(operation)) or f"the IAM action for {operation}"
        detail = f"; AWS said: {aws_message}" if aws_message else ""
        hint = _DENIED_HINTS.get(operation, "")
        return "AccessDenied", f"{operation} was denied: grant the operator {actions}{hint}{detail}"
    fix = _HINTS.get(code)
    return code, f"{operation} failed: {aws_message}" + (f" ({fix})" if fix else "")


def print_error(code: str, message: str) -> None:
    """Print the one ERROR line to stderr."""
    print(f"ERROR [{code}]: {message}", file=sys.stderr)


def run_guarded(body: Callable[[], int]) -> int:
    """Run a command's body; turn every expected failure into an ERROR line and an exit code."""
    try:
        return body()
    except InputError as error:
        print_error("InvalidInput", str(error))
        return ExitCode.USAGE
    except SetupError as error:
        print_error(error.code, str(error))
        return ExitCode.FAILED
    except NoCredentialsError:
        print_error(
            "NoCredentials",
            "no AWS credentials found: pass --profile NAME, set AWS_PROFILE, or run `aws sso login`",
        )
        return ExitCode.NO_CREDENTIALS
    except ProfileNotFound as error:
        print_error("ProfileNotFound", f"{error}: check --profile against ~/.aws/config")
        return ExitCode.NO_CREDENTIALS
    except NoRegionError:
        print_error("NoRegion", "no AWS region: pass --region, or set AWS_REGION")
        return ExitCode.NO_CREDENTIALS
    except ClientError as error:
        print_error(*describe_client_error(error))
        return ExitCode.FAILED
    except BotoCoreError as error:
        print_error(type(error).__name__, str(error))
        return ExitCode.FAILED
    except KeyboardInterrupt:
        print_error("Interrupted", "stopped part-way; every step is idempotent, so rerun to finish")
        return ExitCode.INTERRUPTED


def finish(results: Sequence[Result], dry_run: bool) -> int:
    """Print the summary table; exit non-zero when any line failed."""
    print_results(results, dry_run)
    return ExitCode.FAILED if any_failed(results) else ExitCode.OK


def check_or_fail(item: str, check: Callable[[], Sequence[Result]]) -> list[Result]:
    """Run one read-only check; an AWS error becomes a FAIL line instead of ending the run."""
    try:
        return list(check())
    except ClientError as error:
        code, message = describe_client_error(error)
        return [Result(item, "FAIL", f"[{code}] {message}", failed=True)]
