from typing import Literal

KnowledgeSourceStatus = Literal["completed", "failed", "pending", "processing"]

KNOWLEDGE_SOURCE_STATUS_VALUES: set[KnowledgeSourceStatus] = {
    "completed",
    "failed",
    "pending",
    "processing",
}


def check_knowledge_source_status(value: str) -> KnowledgeSourceStatus:
    if value in KNOWLEDGE_SOURCE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {KNOWLEDGE_SOURCE_STATUS_VALUES!r}")
