from typing import Literal

KnowledgeSourceType = Literal["codebase", "docs_portal", "raw_text", "uploaded_doc", "website"]

KNOWLEDGE_SOURCE_TYPE_VALUES: set[KnowledgeSourceType] = {
    "codebase",
    "docs_portal",
    "raw_text",
    "uploaded_doc",
    "website",
}


def check_knowledge_source_type(value: str) -> KnowledgeSourceType:
    if value in KNOWLEDGE_SOURCE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {KNOWLEDGE_SOURCE_TYPE_VALUES!r}")
