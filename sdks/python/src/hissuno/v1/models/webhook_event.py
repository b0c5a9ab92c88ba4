from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.event_type import EventType, check_event_type

if TYPE_CHECKING:
    from ..models.customer import Customer
    from ..models.issue import Issue
    from ..models.knowledge_source import KnowledgeSource
    from ..models.session import Session


T = TypeVar("T", bound="WebhookEvent")


@_attrs_define
class WebhookEvent:
    """The envelope of every webhook delivery. `data` is the resource the event is about, as the API returns it (a session,
    an issue, a customer or a knowledge source).

        Attributes:
            id (str):
            type_ (EventType):
            created_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
            data (Customer | Issue | KnowledgeSource | Session):
    """

    id: str
    type_: EventType
    created_at: datetime.datetime
    data: Customer | Issue | KnowledgeSource | Session
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.customer import Customer  # noqa: PLC0415
        from ..models.issue import Issue  # noqa: PLC0415
        from ..models.session import Session  # noqa: PLC0415

        id = self.id

        type_: str = self.type_

        created_at = self.created_at.isoformat()

        data: dict[str, Any]
        if isinstance(self.data, Session):
            data = self.data.to_dict()
        elif isinstance(self.data, Issue):
            data = self.data.to_dict()
        elif isinstance(self.data, Customer):
            data = self.data.to_dict()
        else:
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "created_at": created_at,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer import Customer  # noqa: PLC0415
        from ..models.issue import Issue  # noqa: PLC0415
        from ..models.knowledge_source import KnowledgeSource  # noqa: PLC0415
        from ..models.session import Session  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_event_type(d.pop("type"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_data(data: object) -> Customer | Issue | KnowledgeSource | Session:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = Session.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_1 = Issue.from_dict(data)

                return data_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_2 = Customer.from_dict(data)

                return data_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            data_type_3 = KnowledgeSource.from_dict(data)

            return data_type_3

        data = _parse_data(d.pop("data"))

        webhook_event = cls(
            id=id,
            type_=type_,
            created_at=created_at,
            data=data,
        )

        webhook_event.additional_properties = d
        return webhook_event

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
