from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.knowledge_source_status import (
    KnowledgeSourceStatus,
    check_knowledge_source_status,
)
from ..models.knowledge_source_type import (
    KnowledgeSourceType,
    check_knowledge_source_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="KnowledgeSource")


@_attrs_define
class KnowledgeSource:
    """
    Attributes:
        id (str):  Example: ks_4hd0ra.
        type_ (KnowledgeSourceType):
        status (KnowledgeSourceStatus): A new source is `pending`, then `processing` while it is analysed, then
            `completed` (`analyzed_at` set) or `failed` (`error_message` set), firing `knowledge_source.completed` or
            `knowledge_source.failed`. The mock takes `--processing-delay` seconds per step; a source fails when its URL's
            host ends in `.invalid` or its text holds only white space.
        enabled (bool):
        created_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        updated_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        name (None | str | Unset):
        url (None | str | Unset):
        content (None | str | Unset):
        repository_url (None | str | Unset):
        repository_branch (None | str | Unset):
        analysis_scope (None | str | Unset):
        error_message (None | str | Unset):
        analyzed_at (datetime.datetime | None | Unset):  Example: 2026-01-15T10:30:00Z.
    """

    id: str
    type_: KnowledgeSourceType
    status: KnowledgeSourceStatus
    enabled: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    name: None | str | Unset = UNSET
    url: None | str | Unset = UNSET
    content: None | str | Unset = UNSET
    repository_url: None | str | Unset = UNSET
    repository_branch: None | str | Unset = UNSET
    analysis_scope: None | str | Unset = UNSET
    error_message: None | str | Unset = UNSET
    analyzed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str = self.type_

        status: str = self.status

        enabled = self.enabled

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        content: None | str | Unset
        if isinstance(self.content, Unset):
            content = UNSET
        else:
            content = self.content

        repository_url: None | str | Unset
        if isinstance(self.repository_url, Unset):
            repository_url = UNSET
        else:
            repository_url = self.repository_url

        repository_branch: None | str | Unset
        if isinstance(self.repository_branch, Unset):
            repository_branch = UNSET
        else:
            repository_branch = self.repository_branch

        analysis_scope: None | str | Unset
        if isinstance(self.analysis_scope, Unset):
            analysis_scope = UNSET
        else:
            analysis_scope = self.analysis_scope

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        analyzed_at: None | str | Unset
        if isinstance(self.analyzed_at, Unset):
            analyzed_at = UNSET
        elif isinstance(self.analyzed_at, datetime.datetime):
            analyzed_at = self.analyzed_at.isoformat()
        else:
            analyzed_at = self.analyzed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "status": status,
                "enabled": enabled,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if url is not UNSET:
            field_dict["url"] = url
        if content is not UNSET:
            field_dict["content"] = content
        if repository_url is not UNSET:
            field_dict["repository_url"] = repository_url
        if repository_branch is not UNSET:
            field_dict["repository_branch"] = repository_branch
        if analysis_scope is not UNSET:
            field_dict["analysis_scope"] = analysis_scope
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if analyzed_at is not UNSET:
            field_dict["analyzed_at"] = analyzed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_knowledge_source_type(d.pop("type"))

        status = check_knowledge_source_status(d.pop("status"))

        enabled = d.pop("enabled")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        def _parse_content(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content = _parse_content(d.pop("content", UNSET))

        def _parse_repository_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        repository_url = _parse_repository_url(d.pop("repository_url", UNSET))

        def _parse_repository_branch(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        repository_branch = _parse_repository_branch(d.pop("repository_branch", UNSET))

        def _parse_analysis_scope(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        analysis_scope = _parse_analysis_scope(d.pop("analysis_scope", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        def _parse_analyzed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_nullable_timestamp_type_0 = datetime.datetime.fromisoformat(data)

                return componentsschemas_nullable_timestamp_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        analyzed_at = _parse_analyzed_at(d.pop("analyzed_at", UNSET))

        knowledge_source = cls(
            id=id,
            type_=type_,
            status=status,
            enabled=enabled,
            created_at=created_at,
            updated_at=updated_at,
            name=name,
            url=url,
            content=content,
            repository_url=repository_url,
            repository_branch=repository_branch,
            analysis_scope=analysis_scope,
            error_message=error_message,
            analyzed_at=analyzed_at,
        )

        knowledge_source.additional_properties = d
        return knowledge_source

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
