"""The string formats the contract uses (email, uri, date, hostname), checked as Schemathesis checks them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from jsonschema import Draft4Validator, FormatChecker

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL = re.compile(rf'{_ATEXT}+(?:\.{_ATEXT}+)*|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
_ADDRESS_LITERAL = re.compile(r"\[[\x21-\x5a\x5e-\x7e]+\]")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(\.{_LABEL})*")
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})"
_URI = re.compile(rf"""^[A-Za-z][A-Za-z0-9+.\-]*:                      # scheme
    (?://(?:(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{{2}})*@)?     # //userinfo@
         (?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]
           |(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{{2}})*)       # host
         (?::[0-9]*)?                                                 # :port
         (?:/{_PCHAR}*)*                                              # path-abempty
      |(?:/?{_PCHAR}+(?:/{_PCHAR}*)*)?                                 # path-absolute, -rootless, -empty
    )
    (?:\?(?:{_PCHAR}|[/?])*)?                                         # ?query
    (?:\#(?:{_PCHAR}|[/?])*)?$                                        # #fragment
""", re.VERBOSE)


def is_email(value: str) -> bool:
    """An RFC 5321 mailbox (dot-atom or quoted local part, host name or address literal).

    Punycode labels must start with a lowercase ``xn--`` and decode to letters, marks and digits: the same
    verdicts as the Rust validator Schemathesis checks responses with.
    """
    local, at, domain = value.rpartition("@")
    if not at or len(local) > 64 or not _LOCAL.fullmatch(local):
        return False
    if _ADDRESS_LITERAL.fullmatch(domain):
        return True
    return is_hostname(domain) and all(_valid_a_label(label) for label in domain.split("."))


def _valid_a_label(label: str) -> bool:
    """IDNA: hyphens in the third and fourth places are reserved for ``xn--`` (punycode) labels."""
    if label[:4].lower() != "xn--":
        return label[2:4] != "--"
    if not label.startswith("xn--"):
        return False
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    return bool(decoded) and all(c == "-" or unicodedata.category(c)[0] in "LMN" for c in decoded)


def is_hostname(value: str) -> bool:
    """RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, at most 253 long."""
    return bool(_HOSTNAME.fullmatch(value))


def format_checker() -> FormatChecker:
    """Draft 4's checks plus the formats the contract uses that jsonschema leaves unchecked without extras."""
    checker = FormatChecker()
    for name, function in Draft4Validator.FORMAT_CHECKER.checkers.items():
        checker.checkers[name] = function

    checker.checks("email")(lambda value: not isinstance(value, str) or is_email(value))

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        """RFC 3986: ASCII only, percent-encoded where needed, brackets only around an IP literal."""
        return not isinstance(value, str) or bool(_URI.fullmatch(value))

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return len(value) == 10 and date.fromisoformat(value) is not None

    checker.checks("hostname")(lambda value: not isinstance(value, str) or is_hostname(value))

    return checker
