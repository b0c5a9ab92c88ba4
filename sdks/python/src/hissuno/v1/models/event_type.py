from typing import Literal

EventType = Literal[
    "customer.created",
    "customer.updated",
    "issue.created",
    "issue.updated",
    "issue.upvoted",
    "knowledge_source.completed",
    "knowledge_source.created",
    "knowledge_source.failed",
    "session.closed",
    "session.created",
    "session.reviewed",
]

EVENT_TYPE_VALUES: set[EventType] = {
    "customer.created",
    "customer.updated",
    "issue.created",
    "issue.updated",
    "issue.upvoted",
    "knowledge_source.completed",
    "knowledge_source.created",
    "knowledge_source.failed",
    "session.closed",
    "session.created",
    "session.reviewed",
}


def check_event_type(value: str) -> EventType:
    if value in EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EVENT_TYPE_VALUES!r}")
