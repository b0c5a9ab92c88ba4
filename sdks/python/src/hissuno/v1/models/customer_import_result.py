from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.customer_import_result_errors_item import CustomerImportResultErrorsItem


T = TypeVar("T", bound="CustomerImportResult")


@_attrs_define
class CustomerImportResult:
    """
    Attributes:
        created (int):
        updated (int):
        errors (list[CustomerImportResultErrorsItem]):
        total (int): Number of items received.
    """

    created: int
    updated: int
    errors: list[CustomerImportResultErrorsItem]
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created = self.created

        updated = self.updated

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created": created,
                "updated": updated,
                "errors": errors,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.customer_import_result_errors_item import (
            CustomerImportResultErrorsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        created = d.pop("created")

        updated = d.pop("updated")

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = CustomerImportResultErrorsItem.from_dict(errors_item_data)

            errors.append(errors_item)

        total = d.pop("total")

        customer_import_result = cls(
            created=created,
            updated=updated,
            errors=errors,
            total=total,
        )

        customer_import_result.additional_properties = d
        return customer_import_result

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
