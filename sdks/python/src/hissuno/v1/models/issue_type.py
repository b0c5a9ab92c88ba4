from typing import Literal

IssueType = Literal["bug", "change_request", "feature_request"]

ISSUE_TYPE_VALUES: set[IssueType] = {
    "bug",
    "change_request",
    "feature_request",
}


def check_issue_type(value: str) -> IssueType:
    if value in ISSUE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ISSUE_TYPE_VALUES!r}")
