from typing import Literal

IssueStatus = Literal["closed", "in_progress", "open", "ready", "resolved"]

ISSUE_STATUS_VALUES: set[IssueStatus] = {
    "closed",
    "in_progress",
    "open",
    "ready",
    "resolved",
}


def check_issue_status(value: str) -> IssueStatus:
    if value in ISSUE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ISSUE_STATUS_VALUES!r}")
