from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerImportItemCompany")


@_attrs_define
class CustomerImportItemCompany:
    """
    Attributes:
        name (str | Unset):
        domain (str | Unset):
        stage (str | Unset): One of prospect, onboarding, active, churned, expansion; anything else is an item error.
        arr (float | Unset):
        industry (str | Unset):
        plan_tier (str | Unset):
        product_used (str | Unset):
        country (str | Unset):
        employee_count (int | Unset):
        health_score (float | Unset):
        renewal_date (datetime.date | Unset):
    """

    name: str | Unset = UNSET
    domain: str | Unset = UNSET
    stage: str | Unset = UNSET
    arr: float | Unset = UNSET
    industry: str | Unset = UNSET
    plan_tier: str | Unset = UNSET
    product_used: str | Unset = UNSET
    country: str | Unset = UNSET
    employee_count: int | Unset = UNSET
    health_score: float | Unset = UNSET
    renewal_date: datetime.date | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        domain = self.domain

        stage = self.stage

        arr = self.arr

        industry = self.industry

        plan_tier = self.plan_tier

        product_used = self.product_used

        country = self.country

        employee_count = self.employee_count

        health_score = self.health_score

        renewal_date: str | Unset = UNSET
        if not isinstance(self.renewal_date, Unset):
            renewal_date = self.renewal_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if domain is not UNSET:
            field_dict["domain"] = domain
        if stage is not UNSET:
            field_dict["stage"] = stage
        if arr is not UNSET:
            field_dict["arr"] = arr
        if industry is not UNSET:
            field_dict["industry"] = industry
        if plan_tier is not UNSET:
            field_dict["plan_tier"] = plan_tier
        if product_used is not UNSET:
            field_dict["product_used"] = product_used
        if country is not UNSET:
            field_dict["country"] = country
        if employee_count is not UNSET:
            field_dict["employee_count"] = employee_count
        if health_score is not UNSET:
            field_dict["health_score"] = health_score
        if renewal_date is not UNSET:
            field_dict["renewal_date"] = renewal_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        domain = d.pop("domain", UNSET)

        stage = d.pop("stage", UNSET)

        arr = d.pop("arr", UNSET)

        industry = d.pop("industry", UNSET)

        plan_tier = d.pop("plan_tier", UNSET)

        product_used = d.pop("product_used", UNSET)

        country = d.pop("country", UNSET)

        employee_count = d.pop("employee_count", UNSET)

        health_score = d.pop("health_score", UNSET)

        _renewal_date = d.pop("renewal_date", UNSET)
        renewal_date: datetime.date | Unset
        if isinstance(_renewal_date, Unset):
            renewal_date = UNSET
        else:
            renewal_date = datetime.date.fromisoformat(_renewal_date)

        customer_import_item_company = cls(
            name=name,
            domain=domain,
            stage=stage,
            arr=arr,
            industry=industry,
            plan_tier=plan_tier,
            product_used=product_used,
            country=country,
            employee_count=employee_count,
            health_score=health_score,
            renewal_date=renewal_date,
        )

        customer_import_item_company.additional_properties = d
        return customer_import_item_company

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
