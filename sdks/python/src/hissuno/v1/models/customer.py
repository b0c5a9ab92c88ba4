from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.company import Company
    from ..models.customer_custom_fields import CustomerCustomFields


T = TypeVar("T", bound="Customer")


@_attrs_define
class Customer:
    """
    Attributes:
        id (str):  Example: cus_q81znb.
        name (str):
        email (str):
        is_champion (bool):
        custom_fields (CustomerCustomFields):
        is_archived (bool):
        created_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        updated_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        title (None | str | Unset):
        role (None | str | Unset):
        phone (None | str | Unset):
        company_url (None | str | Unset):
        notes (None | str | Unset):
        last_contacted_at (datetime.datetime | None | Unset):  Example: 2026-01-15T10:30:00Z.
        company (Company | None | Unset): The customer's company, or null when it is not known.
    """

    id: str
    name: str
    email: str
    is_champion: bool
    custom_fields: CustomerCustomFields
    is_archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    title: None | str | Unset = UNSET
    role: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    company_url: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    last_contacted_at: datetime.datetime | None | Unset = UNSET
    company: Company | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.company import Company  # noqa: PLC0415

        id = self.id

        name = self.name

        email = self.email

        is_champion = self.is_champion

        custom_fields = self.custom_fields.to_dict()

        is_archived = self.is_archived

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        company_url: None | str | Unset
        if isinstance(self.company_url, Unset):
            company_url = UNSET
        else:
            company_url = self.company_url

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        last_contacted_at: None | str | Unset
        if isinstance(self.last_contacted_at, Unset):
            last_contacted_at = UNSET
        elif isinstance(self.last_contacted_at, datetime.datetime):
            last_contacted_at = self.last_contacted_at.isoformat()
        else:
            last_contacted_at = self.last_contacted_at

        company: dict[str, Any] | None | Unset
        if isinstance(self.company, Unset):
            company = UNSET
        elif isinstance(self.company, Company):
            company = self.company.to_dict()
        else:
            company = self.company

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "email": email,
                "is_champion": is_champion,
                "custom_fields": custom_fields,
                "is_archived": is_archived,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title
        if role is not UNSET:
            field_dict["role"] = role
        if phone is not UNSET:
            field_dict["phone"] = phone
        if company_url is not UNSET:
            field_dict["company_url"] = company_url
        if notes is not UNSET:
            field_dict["notes"] = notes
        if last_contacted_at is not UNSET:
            field_dict["last_contacted_at"] = last_contacted_at
        if company is not UNSET:
            field_dict["company"] = company

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.company import Company  # noqa: PLC0415
        from ..models.customer_custom_fields import CustomerCustomFields  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        email = d.pop("email")

        is_champion = d.pop("is_champion")

        custom_fields = CustomerCustomFields.from_dict(d.pop("custom_fields"))

        is_archived = d.pop("is_archived")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_company_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        company_url = _parse_company_url(d.pop("company_url", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_last_contacted_at(data: object) -> datetime.datetime | None | Unset:
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

        last_contacted_at = _parse_last_contacted_at(d.pop("last_contacted_at", UNSET))

        def _parse_company(data: object) -> Company | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                company_type_0 = Company.from_dict(data)

                return company_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Company | None | Unset, data)

        company = _parse_company(d.pop("company", UNSET))

        customer = cls(
            id=id,
            name=name,
            email=email,
            is_champion=is_champion,
            custom_fields=custom_fields,
            is_archived=is_archived,
            created_at=created_at,
            updated_at=updated_at,
            title=title,
            role=role,
            phone=phone,
            company_url=company_url,
            notes=notes,
            last_contacted_at=last_contacted_at,
            company=company,
        )

        customer.additional_properties = d
        return customer

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
