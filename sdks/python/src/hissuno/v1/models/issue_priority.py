from typing import Literal

IssuePriority = Literal["high", "low", "medium"]

ISSUE_PRIORITY_VALUES: set[IssuePriority] = {
    "high",
    "low",
    "medium",
}


def check_issue_priority(value: str) -> IssuePriority:
    if value in ISSUE_PRIORITY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ISSUE_PRIORITY_VALUES!r}")
