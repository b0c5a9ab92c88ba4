from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.session_create_user_metadata import SessionCreateUserMetadata


T = TypeVar("T", bound="SessionCreate")


@_attrs_define
class SessionCreate:
    """A new session from the API. `customer_email` and `message` are required (as in the seed's example); the session
    starts `active`, with `source` `api` and the message as its first `user` message.

        Attributes:
            customer_email (str):
            message (str): The first message; must not be blank.
            name (str | Unset):
            tags (list[str] | Unset):
            page_url (str | Unset):
            page_title (str | Unset):
            user_metadata (SessionCreateUserMetadata | Unset):
    """

    customer_email: str
    message: str
    name: str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    page_url: str | Unset = UNSET
    page_title: str | Unset = UNSET
    user_metadata: SessionCreateUserMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_email = self.customer_email

        message = self.message

        name = self.name

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        page_url = self.page_url

        page_title = self.page_title

        user_metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user_metadata, Unset):
            user_metadata = self.user_metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_email": customer_email,
                "message": message,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if tags is not UNSET:
            field_dict["tags"] = tags
        if page_url is not UNSET:
            field_dict["page_url"] = page_url
        if page_title is not UNSET:
            field_dict["page_title"] = page_title
        if user_metadata is not UNSET:
            field_dict["user_metadata"] = user_metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.session_create_user_metadata import SessionCreateUserMetadata  # noqa: PLC0415

        d = dict(src_dict)
        customer_email = d.pop("customer_email")

        message = d.pop("message")

        name = d.pop("name", UNSET)

        tags = cast(list[str], d.pop("tags", UNSET))

        page_url = d.pop("page_url", UNSET)

        page_title = d.pop("page_title", UNSET)

        _user_metadata = d.pop("user_metadata", UNSET)
        user_metadata: SessionCreateUserMetadata | Unset
        if isinstance(_user_metadata, Unset):
            user_metadata = UNSET
        else:
            user_metadata = SessionCreateUserMetadata.from_dict(_user_metadata)

        session_create = cls(
            customer_email=customer_email,
            message=message,
            name=name,
            tags=tags,
            page_url=page_url,
            page_title=page_title,
            user_metadata=user_metadata,
        )

        session_create.additional_properties = d
        return session_create

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
