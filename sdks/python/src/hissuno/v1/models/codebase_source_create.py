from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.codebase_source_create_type import (
    CodebaseSourceCreateType,
    check_codebase_source_create_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="CodebaseSourceCreate")


@_attrs_define
class CodebaseSourceCreate:
    """
    Attributes:
        type_ (CodebaseSourceCreateType):
        repository_url (str):
        repository_branch (str):
        name (str | Unset):
        analysis_scope (str | Unset): Subpath of the repository to analyse.
        enabled (bool | Unset):  Default: True.
    """

    type_: CodebaseSourceCreateType
    repository_url: str
    repository_branch: str
    name: str | Unset = UNSET
    analysis_scope: str | Unset = UNSET
    enabled: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        repository_url = self.repository_url

        repository_branch = self.repository_branch

        name = self.name

        analysis_scope = self.analysis_scope

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "repository_url": repository_url,
                "repository_branch": repository_branch,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if analysis_scope is not UNSET:
            field_dict["analysis_scope"] = analysis_scope
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_codebase_source_create_type(d.pop("type"))

        repository_url = d.pop("repository_url")

        repository_branch = d.pop("repository_branch")

        name = d.pop("name", UNSET)

        analysis_scope = d.pop("analysis_scope", UNSET)

        enabled = d.pop("enabled", UNSET)

        codebase_source_create = cls(
            type_=type_,
            repository_url=repository_url,
            repository_branch=repository_branch,
            name=name,
            analysis_scope=analysis_scope,
            enabled=enabled,
        )

        codebase_source_create.additional_properties = d
        return codebase_source_create

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
