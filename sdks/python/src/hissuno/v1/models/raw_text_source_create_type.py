from typing import Literal

RawTextSourceCreateType = Literal["raw_text"]

RAW_TEXT_SOURCE_CREATE_TYPE_VALUES: set[RawTextSourceCreateType] = {
    "raw_text",
}


def check_raw_text_source_create_type(value: str) -> RawTextSourceCreateType:
    if value in RAW_TEXT_SOURCE_CREATE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RAW_TEXT_SOURCE_CREATE_TYPE_VALUES!r}")
