"""What every subcommand's command line shares: its parser, the common flags, the exit codes and the error edge.

AWS errors are caught only here, in ``run_guarded``, and printed as one line,
``ERROR [<Code>]: <what failed, and the permission or fix needed>`` (an HTML error page, as a proxy or an
emulator may send, is reduced to its text).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum, unique
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

from bedrock_costs.aws import Target, connect, error_code, make_session, require_region
from bedrock_costs.errors import DeliveryError, InputError, SetupError
from bedrock_costs.permissions import iam_actions
from bedrock_costs.results import Result, any_failed, print_results
from bedrock_costs.terminal import printable

PROG = "bedrock-costs"


@unique
class ExitCode(IntEnum):
    """Exit codes shared by all subcommands: one per outcome (docs/onboarding.md has the table)."""

    OK = 0  # done: nothing failed, no check failed, no app over a threshold
    FAILED = 1  # a check FAILed, an app is over a threshold, or a step failed (then an ERROR line says which)
    USAGE = 2  # bad input, found before any call (argparse uses 2 as well)
    NO_CREDENTIALS = 3  # no credentials, unknown profile or no region
    DELIVERY_FAILED = 4  # the result was printed but could not be delivered (budget-alerts: SNS publish)
    INTERRUPTED = 130


# What each code means in a command's --help; a command passes its own wording for the codes it gives.
EXIT_CODES: dict[int, str] = {
    ExitCode.OK: "success",
    ExitCode.FAILED: "a step failed (an ERROR line says which and why)",
    ExitCode.USAGE: "bad input: nothing was called",
    ExitCode.NO_CREDENTIALS: "no AWS credentials, unknown --profile, or no region",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}
_AWS_ONLY = (ExitCode.NO_CREDENTIALS,)
MESSAGE_LIMIT = 200  # characters of an AWS error message printed; the rest is cut


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


def target_arguments(parser: argparse.ArgumentParser) -> None:
    """--target, --database and --profiles-dir: which warehouse a reading command reads
    (bedrock_costs/warehouse.py, open_warehouse)."""
    parser.add_argument("--target", help="the dbt target to read: local (the DuckDB file, the default), trino or "
                                         "athena, as profiles.yml defines it (default $DBT_TARGET, else local)")
    parser.add_argument("--database", type=Path, default=None,
                        help="read this DuckDB file instead (default for the local target: $DBT_DUCKDB_PATH, else "
                             "derived from $BEDROCK_LOGS_PATH, else bedrock_costs.duckdb)")
    parser.add_argument("--profiles-dir", type=Path, default=None,
                        help="the folder holding profiles.yml (default $DBT_PROFILES_DIR, the current folder, ~/.dbt)")


def exit_codes_epilog(codes: Mapping[int, str]) -> str:
    """The ``exit codes:`` block of a --help text, one code a line (wrapped under its meaning)."""
    width = max(len(str(code)) for code in codes)
    indent = " " * (width + 4)
    return "exit codes:\n" + "\n".join(
        textwrap.fill(meaning, 100, initial_indent=f"  {str(code).rjust(width)}  ", subsequent_indent=indent)
        for code, meaning in sorted(codes.items()))


def command_parser(command: str, description: str | None, with_common: bool = True,
                   exit_codes: Mapping[int, str] | None = None) -> argparse.ArgumentParser:
    """The parser of ``bedrock-costs <command>``: its module docstring as help text, (unless the command
    makes no AWS call, or its own subcommands carry them) the common flags, and its exit codes as the
    epilog: the shared meanings, with ``exit_codes`` adding or rewording the command's own."""
    parents = [common_parser()] if with_common else []
    codes = {code: meaning for code, meaning in EXIT_CODES.items() if with_common or code not in _AWS_ONLY}
    return argparse.ArgumentParser(prog=f"{PROG} {command}", description=description, parents=parents,
                                   epilog=exit_codes_epilog(codes | dict(exit_codes or {})),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def open_target(args: argparse.Namespace, check_region: Callable[[str], object] | None = None) -> Target:
    """Session, region and account from --profile/--region; ``check_region`` runs before any call."""
    session = make_session(args.profile, args.region)
    if not session.region_name:  # exit 3, as for missing credentials: the environment lacks it, not the input
        raise NoRegionError()
    region = require_region(session)
    if check_region:
        check_region(region)
    return connect(session, region)


_INVISIBLE = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` as one readable line: HTML comments, scripts, styles and tags dropped, entities decoded,
    whitespace collapsed, and cut to ``limit`` characters (ending in ``...``)."""
    plain = " ".join(html.unescape(_TAG.sub(" ", _INVISIBLE.sub(" ", text))).split())
    return plain if len(plain) <= limit else plain[: limit - 3].rstrip() + "..."


def describe_client_error(error: ClientError) -> tuple[str, str]:
    """The code and a one-line message: what failed, and the permission or fix it needs."""
    code = one_line(error_code(error), 60)
    operation = error.operation_name
    aws_message = one_line(str(error.response.get("Error", {}).get("Message", "")))
    if code in _DENIED:
        actions = " and ".join(iam_actions(operation)) or f"the IAM action for {operation}"
        detail = f"; AWS said: {aws_message}" if aws_message else ""
        hint = _DENIED_HINTS.get(operation, "")
        return "AccessDenied", f"{operation} was denied: grant the operator {actions}{hint}{detail}"
    fix = _HINTS.get(code)
    return code, f"{operation} failed: {aws_message}" + (f" ({fix})" if fix else "")


def describe_error(error: BaseException) -> tuple[str, str]:
    """The code and one-line message of an AWS error, from botocore (a ClientError) or not."""
    if isinstance(error, ClientError):
        return describe_client_error(error)
    return type(error).__name__, str(error)


def print_error(code: str, message: str) -> None:
    """Print the one ERROR line to stderr, with any control character from log data or AWS escaped
    (AWS's own text is also cleaned by ``describe_client_error``)."""
    print(f"ERROR [{printable(code)}]: {printable(message)}", file=sys.stderr)


def run_guarded(body: Callable[[], int]) -> int:
    """Run a command's body; turn every expected failure into an ERROR line and an exit code."""
    try:
        return body()
    except InputError as error:
        print_error("InvalidInput", str(error))
        return ExitCode.USAGE
    except DeliveryError as error:
        code, message = describe_error(error.__cause__ or error)
        print_error(code, f"{message} ({error})")
        return ExitCode.DELIVERY_FAILED
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
        print_error("NoRegion", "no AWS region: pass --region, or set AWS_REGION or the profile's region")
        return ExitCode.NO_CREDENTIALS
    except ClientError as error:
        print_error(*describe_client_error(error))
        return ExitCode.FAILED
    except BotoCoreError as error:
        print_error(*describe_error(error))
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
