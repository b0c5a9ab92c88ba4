from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.effort_estimate import EffortEstimate, check_effort_estimate
from ..models.issue_priority import IssuePriority, check_issue_priority
from ..models.issue_status import IssueStatus, check_issue_status
from ..models.issue_type import IssueType, check_issue_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.issue_session import IssueSession


T = TypeVar("T", bound="IssueDetail")


@_attrs_define
class IssueDetail:
    """One issue with the sessions that raised it.

    Attributes:
        id (str):  Example: iss_7fk2m9.
        type_ (IssueType):
        title (str):
        description (str):
        priority (IssuePriority):
        priority_manual_override (bool):
        status (IssueStatus):
        upvote_count (int):
        affected_areas (list[str]):
        is_archived (bool):
        created_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        updated_at (datetime.datetime): RFC 3339 date-time in UTC with a `Z` suffix. Example: 2026-01-15T10:30:00Z.
        sessions (list[IssueSession]):
        impact_score (int | None | Unset):
        effort_score (int | None | Unset):
        velocity_score (int | None | Unset):
        effort_estimate (EffortEstimate | Unset):
        impact_reasoning (None | str | Unset):
        effort_reasoning (None | str | Unset):
        velocity_reasoning (None | str | Unset):
        product_spec (None | str | Unset):
        analysis_computed_at (datetime.datetime | None | Unset):  Example: 2026-01-15T10:30:00Z.
    """

    id: str
    type_: IssueType
    title: str
    description: str
    priority: IssuePriority
    priority_manual_override: bool
    status: IssueStatus
    upvote_count: int
    affected_areas: list[str]
    is_archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    sessions: list[IssueSession]
    impact_score: int | None | Unset = UNSET
    effort_score: int | None | Unset = UNSET
    velocity_score: int | None | Unset = UNSET
    effort_estimate: EffortEstimate | Unset = UNSET
    impact_reasoning: None | str | Unset = UNSET
    effort_reasoning: None | str | Unset = UNSET
    velocity_reasoning: None | str | Unset = UNSET
    product_spec: None | str | Unset = UNSET
    analysis_computed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str = self.type_

        title = self.title

        description = self.description

        priority: str = self.priority

        priority_manual_override = self.priority_manual_override

        status: str = self.status

        upvote_count = self.upvote_count

        affected_areas = self.affected_areas

        is_archived = self.is_archived

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        sessions = []
        for sessions_item_data in self.sessions:
            sessions_item = sessions_item_data.to_dict()
            sessions.append(sessions_item)

        impact_score: int | None | Unset
        if isinstance(self.impact_score, Unset):
            impact_score = UNSET
        else:
            impact_score = self.impact_score

        effort_score: int | None | Unset
        if isinstance(self.effort_score, Unset):
            effort_score = UNSET
        else:
            effort_score = self.effort_score

        velocity_score: int | None | Unset
        if isinstance(self.velocity_score, Unset):
            velocity_score = UNSET
        else:
            velocity_score = self.velocity_score

        effort_estimate: str | Unset = UNSET
        if not isinstance(self.effort_estimate, Unset):
            effort_estimate = self.effort_estimate

        impact_reasoning: None | str | Unset
        if isinstance(self.impact_reasoning, Unset):
            impact_reasoning = UNSET
        else:
            impact_reasoning = self.impact_reasoning

        effort_reasoning: None | str | Unset
        if isinstance(self.effort_reasoning, Unset):
            effort_reasoning = UNSET
        else:
            effort_reasoning = self.effort_reasoning

        velocity_reasoning: None | str | Unset
        if isinstance(self.velocity_reasoning, Unset):
            velocity_reasoning = UNSET
        else:
            velocity_reasoning = self.velocity_reasoning

        product_spec: None | str | Unset
        if isinstance(self.product_spec, Unset):
            product_spec = UNSET
        else:
            product_spec = self.product_spec

        analysis_computed_at: None | str | Unset
        if isinstance(self.analysis_computed_at, Unset):
            analysis_computed_at = UNSET
        elif isinstance(self.analysis_computed_at, datetime.datetime):
            analysis_computed_at = self.analysis_computed_at.isoformat()
        else:
            analysis_computed_at = self.analysis_computed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "title": title,
                "description": description,
                "priority": priority,
                "priority_manual_override": priority_manual_override,
                "status": status,
                "upvote_count": upvote_count,
                "affected_areas": affected_areas,
                "is_archived": is_archived,
                "created_at": created_at,
                "updated_at": updated_at,
                "sessions": sessions,
            }
        )
        if impact_score is not UNSET:
            field_dict["impact_score"] = impact_score
        if effort_score is not UNSET:
            field_dict["effort_score"] = effort_score
        if velocity_score is not UNSET:
            field_dict["velocity_score"] = velocity_score
        if effort_estimate is not UNSET:
            field_dict["effort_estimate"] = effort_estimate
        if impact_reasoning is not UNSET:
            field_dict["impact_reasoning"] = impact_reasoning
        if effort_reasoning is not UNSET:
            field_dict["effort_reasoning"] = effort_reasoning
        if velocity_reasoning is not UNSET:
            field_dict["velocity_reasoning"] = velocity_reasoning
        if product_spec is not UNSET:
            field_dict["product_spec"] = product_spec
        if analysis_computed_at is not UNSET:
            field_dict["analysis_computed_at"] = analysis_computed_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.issue_session import IssueSession  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        type_ = check_issue_type(d.pop("type"))

        title = d.pop("title")

        description = d.pop("description")

        priority = check_issue_priority(d.pop("priority"))

        priority_manual_override = d.pop("priority_manual_override")

        status = check_issue_status(d.pop("status"))

        upvote_count = d.pop("upvote_count")

        affected_areas = cast(list[str], d.pop("affected_areas"))

        is_archived = d.pop("is_archived")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        sessions = []
        _sessions = d.pop("sessions")
        for sessions_item_data in _sessions:
            sessions_item = IssueSession.from_dict(sessions_item_data)

            sessions.append(sessions_item)

        def _parse_impact_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        impact_score = _parse_impact_score(d.pop("impact_score", UNSET))

        def _parse_effort_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        effort_score = _parse_effort_score(d.pop("effort_score", UNSET))

        def _parse_velocity_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        velocity_score = _parse_velocity_score(d.pop("velocity_score", UNSET))

        _effort_estimate = d.pop("effort_estimate", UNSET)
        effort_estimate: EffortEstimate | Unset
        if isinstance(_effort_estimate, Unset):
            effort_estimate = UNSET
        else:
            effort_estimate = check_effort_estimate(_effort_estimate)

        def _parse_impact_reasoning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        impact_reasoning = _parse_impact_reasoning(d.pop("impact_reasoning", UNSET))

        def _parse_effort_reasoning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        effort_reasoning = _parse_effort_reasoning(d.pop("effort_reasoning", UNSET))

        def _parse_velocity_reasoning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        velocity_reasoning = _parse_velocity_reasoning(d.pop("velocity_reasoning", UNSET))

        def _parse_product_spec(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        product_spec = _parse_product_spec(d.pop("product_spec", UNSET))

        def _parse_analysis_computed_at(data: object) -> datetime.datetime | None | Unset:
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

        analysis_computed_at = _parse_analysis_computed_at(d.pop("analysis_computed_at", UNSET))

        issue_detail = cls(
            id=id,
            type_=type_,
            title=title,
            description=description,
            priority=priority,
            priority_manual_override=priority_manual_override,
            status=status,
            upvote_count=upvote_count,
            affected_areas=affected_areas,
            is_archived=is_archived,
            created_at=created_at,
            updated_at=updated_at,
            sessions=sessions,
            impact_score=impact_score,
            effort_score=effort_score,
            velocity_score=velocity_score,
            effort_estimate=effort_estimate,
            impact_reasoning=impact_reasoning,
            effort_reasoning=effort_reasoning,
            velocity_reasoning=velocity_reasoning,
            product_spec=product_spec,
            analysis_computed_at=analysis_computed_at,
        )

        issue_detail.additional_properties = d
        return issue_detail

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
