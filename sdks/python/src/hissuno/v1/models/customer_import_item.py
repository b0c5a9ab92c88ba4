from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_import_item_company import CustomerImportItemCompany
    from ..models.customer_import_item_custom_fields import CustomerImportItemCustomFields


T = TypeVar("T", bound="CustomerImportItem")


@_attrs_define
class CustomerImportItem:
    """One customer to upsert, matched on `email`. Items are checked one by one: a missing or malformed email, or a company
    `stage` outside the enum, is reported in the result's `errors` and does not fail the request.

        Attributes:
            email (str | Unset):
            name (str | Unset):
            title (str | Unset):
            role (str | Unset):
            phone (str | Unset):
            company_url (str | Unset):
            notes (str | Unset):
            is_champion (bool | Unset):
            custom_fields (CustomerImportItemCustomFields | Unset):
            company (CustomerImportItemCompany | Unset):
    """

    email: str | Unset = UNSET
    name: str | Unset = UNSET
    title: str | Unset = UNSET
    role: str | Unset = UNSET
    phone: str | Unset = UNSET
    company_url: str | Unset = UNSET
    notes: str | Unset = UNSET
    is_champion: bool | Unset = UNSET
    custom_fields: CustomerImportItemCustomFields | Unset = UNSET
    company: CustomerImportItemCompany | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        name = self.name

        title = self.title

        role = self.role

        phone = self.phone

        company_url = self.company_url

        notes = self.notes

        is_champion = self.is_champion

        custom_fields: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_fields, Unset):
            custom_fields = self.custom_fields.to_dict()

        company: dict[str, Any] | Unset = UNSET
        if not isinstance(self.company, Unset):
            company = self.company.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
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
        if is_champion is not UNSET:
            field_dict["is_champion"] = is_champion
        if custom_fields is not UNSET:
            field_dict["custom_fields"] = custom_fields
        if company is not UNSET:
            field_dict["company"] = company

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_import_item_company import CustomerImportItemCompany  # noqa: PLC0415
        from ..models.customer_import_item_custom_fields import (
            CustomerImportItemCustomFields,  # noqa: PLC0415
        )

        d = dict(src_dict)
        email = d.pop("email", UNSET)

        name = d.pop("name", UNSET)

        title = d.pop("title", UNSET)

        role = d.pop("role", UNSET)

        phone = d.pop("phone", UNSET)

        company_url = d.pop("company_url", UNSET)

        notes = d.pop("notes", UNSET)

        is_champion = d.pop("is_champion", UNSET)

        _custom_fields = d.pop("custom_fields", UNSET)
        custom_fields: CustomerImportItemCustomFields | Unset
        if isinstance(_custom_fields, Unset):
            custom_fields = UNSET
        else:
            custom_fields = CustomerImportItemCustomFields.from_dict(_custom_fields)

        _company = d.pop("company", UNSET)
        company: CustomerImportItemCompany | Unset
        if isinstance(_company, Unset):
            company = UNSET
        else:
            company = CustomerImportItemCompany.from_dict(_company)

        customer_import_item = cls(
            email=email,
            name=name,
            title=title,
            role=role,
            phone=phone,
            company_url=company_url,
            notes=notes,
            is_champion=is_champion,
            custom_fields=custom_fields,
            company=company,
        )

        customer_import_item.additional_properties = d
        return customer_import_item

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
