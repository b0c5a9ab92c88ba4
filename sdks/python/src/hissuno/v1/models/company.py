from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.company_stage import CompanyStage, check_company_stage
from ..types import UNSET, Unset

T = TypeVar("T", bound="Company")


@_attrs_define
class Company:
    """Summary of the customer's company; `domain` identifies it within the project.

    Attributes:
        name (str):
        domain (str):
        stage (CompanyStage):
        arr (float | None | Unset):
        industry (None | str | Unset):
        plan_tier (None | str | Unset):
        product_used (None | str | Unset):
        country (None | str | Unset):
        employee_count (int | None | Unset):
        health_score (float | None | Unset):
        renewal_date (datetime.date | None | Unset):
    """

    name: str
    domain: str
    stage: CompanyStage
    arr: float | None | Unset = UNSET
    industry: None | str | Unset = UNSET
    plan_tier: None | str | Unset = UNSET
    product_used: None | str | Unset = UNSET
    country: None | str | Unset = UNSET
    employee_count: int | None | Unset = UNSET
    health_score: float | None | Unset = UNSET
    renewal_date: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        domain = self.domain

        stage: str = self.stage

        arr: float | None | Unset
        if isinstance(self.arr, Unset):
            arr = UNSET
        else:
            arr = self.arr

        industry: None | str | Unset
        if isinstance(self.industry, Unset):
            industry = UNSET
        else:
            industry = self.industry

        plan_tier: None | str | Unset
        if isinstance(self.plan_tier, Unset):
            plan_tier = UNSET
        else:
            plan_tier = self.plan_tier

        product_used: None | str | Unset
        if isinstance(self.product_used, Unset):
            product_used = UNSET
        else:
            product_used = self.product_used

        country: None | str | Unset
        if isinstance(self.country, Unset):
            country = UNSET
        else:
            country = self.country

        employee_count: int | None | Unset
        if isinstance(self.employee_count, Unset):
            employee_count = UNSET
        else:
            employee_count = self.employee_count

        health_score: float | None | Unset
        if isinstance(self.health_score, Unset):
            health_score = UNSET
        else:
            health_score = self.health_score

        renewal_date: None | str | Unset
        if isinstance(self.renewal_date, Unset):
            renewal_date = UNSET
        elif isinstance(self.renewal_date, datetime.date):
            renewal_date = self.renewal_date.isoformat()
        else:
            renewal_date = self.renewal_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "domain": domain,
                "stage": stage,
            }
        )
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
        name = d.pop("name")

        domain = d.pop("domain")

        stage = check_company_stage(d.pop("stage"))

        def _parse_arr(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        arr = _parse_arr(d.pop("arr", UNSET))

        def _parse_industry(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        industry = _parse_industry(d.pop("industry", UNSET))

        def _parse_plan_tier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_tier = _parse_plan_tier(d.pop("plan_tier", UNSET))

        def _parse_product_used(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        product_used = _parse_product_used(d.pop("product_used", UNSET))

        def _parse_country(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        country = _parse_country(d.pop("country", UNSET))

        def _parse_employee_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        employee_count = _parse_employee_count(d.pop("employee_count", UNSET))

        def _parse_health_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        health_score = _parse_health_score(d.pop("health_score", UNSET))

        def _parse_renewal_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                renewal_date_type_0 = datetime.date.fromisoformat(data)

                return renewal_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        renewal_date = _parse_renewal_date(d.pop("renewal_date", UNSET))

        company = cls(
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

        company.additional_properties = d
        return company

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
