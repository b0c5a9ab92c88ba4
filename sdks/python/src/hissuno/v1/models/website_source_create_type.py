from typing import Literal

WebsiteSourceCreateType = Literal["website"]

WEBSITE_SOURCE_CREATE_TYPE_VALUES: set[WebsiteSourceCreateType] = {
    "website",
}


def check_website_source_create_type(value: str) -> WebsiteSourceCreateType:
    if value in WEBSITE_SOURCE_CREATE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBSITE_SOURCE_CREATE_TYPE_VALUES!r}")
