"""The string formats the contract uses, checked by jsonschema-rs: the validator Schemathesis checks responses with.

The mock must accept exactly what the contract's response checks accept, or it would store a value and later
answer with a response that violates the spec; asking the same library for each verdict keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable

import jsonschema_rs
from jsonschema import Draft4Validator, FormatChecker

CONTRACT_FORMATS = ("date", "date-time", "email", "hostname", "uri")


def _rust_check(name: str) -> Callable[[object], bool]:
    """jsonschema-rs's verdict on one format (anything but a string conforms, as JSON Schema says).

    A string that cannot be encoded as UTF-8 (a lone surrogate) does not conform rather than raising.
    """
    is_valid = jsonschema_rs.Draft4Validator({"format": name}, validate_formats=True).is_valid

    def conforms(value: object) -> bool:
        try:
            return is_valid(value)
        except ValueError:
            return False

    return conforms


is_email = _rust_check("email")
is_hostname = _rust_check("hostname")


def format_checker() -> FormatChecker:
    """Draft 4's checks, with every format the contract uses decided by jsonschema-rs."""
    checker = FormatChecker()
    for name, function in Draft4Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = function
    for name in CONTRACT_FORMATS:
        checker.checks(name)(_rust_check(name))
    return checker
