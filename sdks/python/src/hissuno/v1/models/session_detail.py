from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.session_source import SessionSource, check_session_source
from ..models.session_status import SessionStatus, check_session_status
from ..models.session_type import SessionType, check_session_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.linked_issue import LinkedIssue
    from ..models.message import Message
    from ..models.session_detail_user_metadata import SessionDetailUserMetadata


T = TypeVar("T", bound="SessionDetail")


@_attrs_define
class SessionDetail:
    """One session with its messages (oldest first) and the issues it is linked to.

    Attributes:
        id (str):  Example: sess_abc123.
        status (SessionStatus):
        source (SessionSource):
        session_type (SessionType):
        user_metadata (SessionDetailUserMetadata):
        tags (list[str]):
        message_count (int):
        last_activity_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example:
            2026-01-15T10:30:00Z.
        is_archived (bool):
        is_human_takeover (bool):
        created_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        updated_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        messages (list[Message]):
        linked_issues (list[LinkedIssue]):
        name (None | str | Unset):
        customer_email (None | str | Unset):
        customer_id (None | str | Unset):
        user_id (None | str | Unset):
        page_url (None | str | Unset):
        page_title (None | str | Unset):
        first_message_at (datetime.datetime | None | Unset):  Example: 2026-01-15T10:30:00Z.
        pm_reviewed_at (datetime.datetime | None | Unset):  Example: 2026-01-15T10:30:00Z.
    """

    id: str
    status: SessionStatus
    source: SessionSource
    session_type: SessionType
    user_metadata: SessionDetailUserMetadata
    tags: list[str]
    message_count: int
    last_activity_at: datetime.datetime
    is_archived: bool
    is_human_takeover: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    messages: list[Message]
    linked_issues: list[LinkedIssue]
    name: None | str | Unset = UNSET
    customer_email: None | str | Unset = UNSET
    customer_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    page_url: None | str | Unset = UNSET
    page_title: None | str | Unset = UNSET
    first_message_at: datetime.datetime | None | Unset = UNSET
    pm_reviewed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        status: str = self.status

        source: str = self.source

        session_type: str = self.session_type

        user_metadata = self.user_metadata.to_dict()

        tags = self.tags

        message_count = self.message_count

        last_activity_at = self.last_activity_at.isoformat()

        is_archived = self.is_archived

        is_human_takeover = self.is_human_takeover

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        linked_issues = []
        for linked_issues_item_data in self.linked_issues:
            linked_issues_item = linked_issues_item_data.to_dict()
            linked_issues.append(linked_issues_item)

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        customer_email: None | str | Unset
        if isinstance(self.customer_email, Unset):
            customer_email = UNSET
        else:
            customer_email = self.customer_email

        customer_id: None | str | Unset
        if isinstance(self.customer_id, Unset):
            customer_id = UNSET
        else:
            customer_id = self.customer_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        page_url: None | str | Unset
        if isinstance(self.page_url, Unset):
            page_url = UNSET
        else:
            page_url = self.page_url

        page_title: None | str | Unset
        if isinstance(self.page_title, Unset):
            page_title = UNSET
        else:
            page_title = self.page_title

        first_message_at: None | str | Unset
        if isinstance(self.first_message_at, Unset):
            first_message_at = UNSET
        elif isinstance(self.first_message_at, datetime.datetime):
            first_message_at = self.first_message_at.isoformat()
        else:
            first_message_at = self.first_message_at

        pm_reviewed_at: None | str | Unset
        if isinstance(self.pm_reviewed_at, Unset):
            pm_reviewed_at = UNSET
        elif isinstance(self.pm_reviewed_at, datetime.datetime):
            pm_reviewed_at = self.pm_reviewed_at.isoformat()
        else:
            pm_reviewed_at = self.pm_reviewed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "source": source,
                "session_type": session_type,
                "user_metadata": user_metadata,
                "tags": tags,
                "message_count": message_count,
                "last_activity_at": last_activity_at,
                "is_archived": is_archived,
                "is_human_takeover": is_human_takeover,
                "created_at": created_at,
                "updated_at": updated_at,
                "messages": messages,
                "linked_issues": linked_issues,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if customer_email is not UNSET:
            field_dict["customer_email"] = customer_email
        if customer_id is not UNSET:
            field_dict["customer_id"] = customer_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if page_url is not UNSET:
            field_dict["page_url"] = page_url
        if page_title is not UNSET:
            field_dict["page_title"] = page_title
        if first_message_at is not UNSET:
            field_dict["first_message_at"] = first_message_at
        if pm_reviewed_at is not UNSET:
            field_dict["pm_reviewed_at"] = pm_reviewed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.linked_issue import LinkedIssue  # noqa: PLC0415
        from ..models.message import Message  # noqa: PLC0415
        from ..models.session_detail_user_metadata import SessionDetailUserMetadata  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        status = check_session_status(d.pop("status"))

        source = check_session_source(d.pop("source"))

        session_type = check_session_type(d.pop("session_type"))

        user_metadata = SessionDetailUserMetadata.from_dict(d.pop("user_metadata"))

        tags = cast(list[str], d.pop("tags"))

        message_count = d.pop("message_count")

        last_activity_at = datetime.datetime.fromisoformat(d.pop("last_activity_at"))

        is_archived = d.pop("is_archived")

        is_human_takeover = d.pop("is_human_takeover")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = Message.from_dict(messages_item_data)

            messages.append(messages_item)

        linked_issues = []
        _linked_issues = d.pop("linked_issues")
        for linked_issues_item_data in _linked_issues:
            linked_issues_item = LinkedIssue.from_dict(linked_issues_item_data)

            linked_issues.append(linked_issues_item)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_customer_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_email = _parse_customer_email(d.pop("customer_email", UNSET))

        def _parse_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        customer_id = _parse_customer_id(d.pop("customer_id", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_page_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        page_url = _parse_page_url(d.pop("page_url", UNSET))

        def _parse_page_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        page_title = _parse_page_title(d.pop("page_title", UNSET))

        def _parse_first_message_at(data: object) -> datetime.datetime | None | Unset:
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

        first_message_at = _parse_first_message_at(d.pop("first_message_at", UNSET))

        def _parse_pm_reviewed_at(data: object) -> datetime.datetime | None | Unset:
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

        pm_reviewed_at = _parse_pm_reviewed_at(d.pop("pm_reviewed_at", UNSET))

        session_detail = cls(
            id=id,
            status=status,
            source=source,
            session_type=session_type,
            user_metadata=user_metadata,
            tags=tags,
            message_count=message_count,
            last_activity_at=last_activity_at,
            is_archived=is_archived,
            is_human_takeover=is_human_takeover,
            created_at=created_at,
            updated_at=updated_at,
            messages=messages,
            linked_issues=linked_issues,
            name=name,
            customer_email=customer_email,
            customer_id=customer_id,
            user_id=user_id,
            page_url=page_url,
            page_title=page_title,
            first_message_at=first_message_at,
            pm_reviewed_at=pm_reviewed_at,
        )

        session_detail.additional_properties = d
        return session_detail

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
