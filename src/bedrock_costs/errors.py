"""Errors the scripts raise themselves (AWS errors stay botocore's own)."""

from __future__ import annotations


class InputError(ValueError):
    """The command line or an input file is wrong; raised before any call to AWS."""


class SetupError(RuntimeError):
    """A step cannot finish without the operator acting; ``code`` goes in ``ERROR [<code>]``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class DeliveryError(RuntimeError):
    """The result was made and printed, but could not be delivered (an SNS publish failed).

    Raised ``from`` the AWS error; the message says what was not delivered."""
