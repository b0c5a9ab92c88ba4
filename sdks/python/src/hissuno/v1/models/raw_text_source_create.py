from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.raw_text_source_create_type import (
    RawTextSourceCreateType,
    check_raw_text_source_create_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="RawTextSourceCreate")


@_attrs_define
class RawTextSourceCreate:
    """
    Attributes:
        type_ (RawTextSourceCreateType):
        content (str): Only the first 50,000 characters are analysed.
        name (str | Unset):
        enabled (bool | Unset):  Default: True.
    """

    type_: RawTextSourceCreateType
    content: str
    name: str | Unset = UNSET
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        content = self.content

        name = self.name

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "content": content,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_raw_text_source_create_type(d.pop("type"))

        content = d.pop("content")

        name = d.pop("name", UNSET)

        enabled = d.pop("enabled", UNSET)

        raw_text_source_create = cls(
            type_=type_,
            content=content,
            name=name,
            enabled=enabled,
        )

        raw_text_source_create.additional_properties = d
        return raw_text_source_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
