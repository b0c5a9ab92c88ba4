from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.issue_status import IssueStatus, check_issue_status
from ..models.issue_type import IssueType, check_issue_type

T = TypeVar("T", bound="LinkedIssue")


@_attrs_define
class LinkedIssue:
    """
    Attributes:
        id (str):
        title (str):
        type_ (IssueType):
        status (IssueStatus):
        upvote_count (int):
    """

    id: str
    title: str
    type_: IssueType
    status: IssueStatus
    upvote_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        title = self.title

        type_: str = self.type_

        status: str = self.status

        upvote_count = self.upvote_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "title": title,
                "type": type_,
                "status": status,
                "upvote_count": upvote_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        title = d.pop("title")

        type_ = check_issue_type(d.pop("type"))

        status = check_issue_status(d.pop("status"))

        upvote_count = d.pop("upvote_count")

        linked_issue = cls(
            id=id,
            title=title,
            type_=type_,
            status=status,
            upvote_count=upvote_count,
        )

        linked_issue.additional_properties = d
        return linked_issue

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
