from typing import Literal

CodebaseSourceCreateType = Literal["codebase"]

CODEBASE_SOURCE_CREATE_TYPE_VALUES: set[CodebaseSourceCreateType] = {
    "codebase",
}


def check_codebase_source_create_type(value: str) -> CodebaseSourceCreateType:
    if value in CODEBASE_SOURCE_CREATE_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CODEBASE_SOURCE_CREATE_TYPE_VALUES!r}")
