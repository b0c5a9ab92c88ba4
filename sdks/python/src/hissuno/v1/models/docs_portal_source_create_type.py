from typing import Literal

DocsPortalSourceCreateType = Literal["docs_portal"]

DOCS_PORTAL_SOURCE_CREATE_TYPE_VALUES: set[DocsPortalSourceCreateType] = {
    "docs_portal",
}


def check_docs_portal_source_create_type(value: str) -> DocsPortalSourceCreateType:
    if value in DOCS_PORTAL_SOURCE_CREATE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DOCS_PORTAL_SOURCE_CREATE_TYPE_VALUES!r}")
