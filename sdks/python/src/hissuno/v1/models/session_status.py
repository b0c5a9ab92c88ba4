from typing import Literal

SessionStatus = Literal["active", "awaiting_idle_response", "closed", "closing_soon"]

SESSION_STATUS_VALUES: set[SessionStatus] = {
    "active",
    "awaiting_idle_response",
    "closed",
    "closing_soon",
}


def check_session_status(value: str) -> SessionStatus:
    if value in SESSION_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_STATUS_VALUES!r}")
