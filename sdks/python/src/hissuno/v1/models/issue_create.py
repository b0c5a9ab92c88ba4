from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.issue_priority import IssuePriority, check_issue_priority
from ..models.issue_status import IssueStatus, check_issue_status
from ..models.issue_type import IssueType, check_issue_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="IssueCreate")


@_attrs_define
class IssueCreate:
    """An issue opened by hand. It starts with one vote and `status` `open` unless given; a `priority` given here sets
    `priority_manual_override` (otherwise the priority follows the votes).

        Attributes:
            type_ (IssueType):
            title (str): One line; must not be blank.
            description (str | Unset):
            priority (IssuePriority | Unset):
            status (IssueStatus | Unset):
            affected_areas (list[str] | Unset):
    """

    type_: IssueType
    title: str
    description: str | Unset = UNSET
    priority: IssuePriority | Unset = UNSET
    status: IssueStatus | Unset = UNSET
    affected_areas: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        title = self.title

        description = self.description

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status

        affected_areas: list[str] | Unset = UNSET
        if not isinstance(self.affected_areas, Unset):
            affected_areas = self.affected_areas

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if priority is not UNSET:
            field_dict["priority"] = priority
        if status is not UNSET:
            field_dict["status"] = status
        if affected_areas is not UNSET:
            field_dict["affected_areas"] = affected_areas

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_issue_type(d.pop("type"))

        title = d.pop("title")

        description = d.pop("description", UNSET)

        _priority = d.pop("priority", UNSET)
        priority: IssuePriority | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = check_issue_priority(_priority)

        _status = d.pop("status", UNSET)
        status: IssueStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = check_issue_status(_status)

        affected_areas = cast(list[str], d.pop("affected_areas", UNSET))

        issue_create = cls(
            type_=type_,
            title=title,
            description=description,
            priority=priority,
            status=status,
            affected_areas=affected_areas,
        )

        issue_create.additional_properties = d
        return issue_create

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
