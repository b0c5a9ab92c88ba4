from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.customer_import_item import CustomerImportItem


T = TypeVar("T", bound="CustomerImport")


@_attrs_define
class CustomerImport:
    """
    Attributes:
        customers (list[CustomerImportItem]):
        create_missing_companies (bool | Unset): Create a company for an unknown `company.domain` (otherwise the item is
            an error). Default: True.
    """

    customers: list[CustomerImportItem]
    create_missing_companies: bool | Unset = True
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customers = []
        for customers_item_data in self.customers:
            customers_item = customers_item_data.to_dict()
            customers.append(customers_item)

        create_missing_companies = self.create_missing_companies

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customers": customers,
            }
        )
        if create_missing_companies is not UNSET:
            field_dict["create_missing_companies"] = create_missing_companies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_import_item import CustomerImportItem  # noqa: PLC0415

        d = dict(src_dict)
        customers = []
        _customers = d.pop("customers")
        for customers_item_data in _customers:
            customers_item = CustomerImportItem.from_dict(customers_item_data)

            customers.append(customers_item)

        create_missing_companies = d.pop("create_missing_companies", UNSET)

        customer_import = cls(
            customers=customers,
            create_missing_companies=create_missing_companies,
        )

        customer_import.additional_properties = d
        return customer_import

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
