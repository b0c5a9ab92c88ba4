from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.website_source_create_type import (
    WebsiteSourceCreateType,
    check_website_source_create_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebsiteSourceCreate")


@_attrs_define
class WebsiteSourceCreate:
    """
    Attributes:
        type_ (WebsiteSourceCreateType):
        url (str):
        name (str | Unset):
        enabled (bool | Unset):  Default: True.
    """

    type_: WebsiteSourceCreateType
    url: str
    name: str | Unset = UNSET
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        url = self.url

        name = self.name

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "url": url,
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
        type_ = check_website_source_create_type(d.pop("type"))

        url = d.pop("url")

        name = d.pop("name", UNSET)

        enabled = d.pop("enabled", UNSET)

        website_source_create = cls(
            type_=type_,
            url=url,
            name=name,
            enabled=enabled,
        )

        website_source_create.additional_properties = d
        return website_source_create

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
