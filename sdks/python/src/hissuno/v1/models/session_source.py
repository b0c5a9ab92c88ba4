from typing import Literal

SessionSource = Literal["api", "gong", "intercom", "manual", "slack", "widget"]

SESSION_SOURCE_VALUES: set[SessionSource] = {
    "api",
    "gong",
    "intercom",
    "manual",
    "slack",
    "widget",
}


def check_session_source(value: str) -> SessionSource:
    if value in SESSION_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_SOURCE_VALUES!r}")
