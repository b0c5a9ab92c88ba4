"""Customers: list with filters, and the bulk import that upserts by email (bad items are reported, not fatal).

A customer is listed with its company as the company is now: the import writes a changed company once, and
each customer keeps the copy it was written with (shown only when its company is gone), so an import costs
the same however many customers its companies already have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.handlers.common import NOT_ARCHIVED, Clock, ResourceHandlers, utc_now, when
from mockserver.pipeline.reply import Call, Reply
from mockserver.pipeline.validate.formats import is_email, is_hostname
from mockserver.presentation import Views, pick
from mockserver.stores.base import Store, StoreFull
from mockserver.stores.query import Filter
from mockserver.stores.timestamps import format_timestamp

KIND = "customers"
COMPANIES = "companies"
SEARCHED = ("name", "email")
CONTACT_FIELDS = ("name", "title", "role", "phone", "company_url", "notes", "is_champion", "custom_fields")


class ItemError(ValueError):
    """One import item is unusable; the message goes into the result's ``errors``."""


class CustomerHandlers(ResourceHandlers):
    kind = KIND

    def __init__(self, store: Store, views: Views, clock: Clock = utc_now, stages: tuple[str, ...] = ()) -> None:
        super().__init__(store, views, clock)
        self.stages = stages or views.company_stages
        self._at_stage: dict[tuple[str, str], tuple[object, frozenset[str]]] = {}

    def operations(self) -> dict[str, Callable[[Call], Reply]]:
        return {"listCustomers": self.list, "importCustomers": self.import_customers}

    def list(self, call: Call) -> Reply:
        p, project_id = call.params, call.project_id
        companies: dict[str, dict[str, Any] | None] = {}

        def current_company(doc: Mapping[str, Any]) -> dict[str, Any] | None:
            domain = (doc.get("company") or {}).get("domain")
            if domain is None:
                return None
            if domain not in companies:
                companies[domain] = self.store.get(project_id, COMPANIES, domain)
            return companies[domain]

        return self.list_reply(call, (
            None if p.get("show_archived") else NOT_ARCHIVED,
            when(p.get("search"), lambda v: Filter("", "search", v, SEARCHED)),
            Filter("is_champion", "true") if p.get("is_champion") else None,
            when(p.get("stage"), lambda v: Filter("company.domain", "in", self._domains_at(project_id, v))),
        ), sort="updated_at", encode=lambda doc: self.views.encoded(KIND, doc, current_company(doc)),
            joined=self.store.version(project_id, COMPANIES))

    def _domains_at(self, project_id: str, stage: str) -> frozenset[str]:
        """The domains of the project's companies at ``stage``, found once per version of its companies."""
        version = self.store.version(project_id, COMPANIES)
        cached = self._at_stage.get((project_id, stage))
        if cached is None or cached[0] != version:
            domains = frozenset(doc["domain"] for doc in self.store.all(project_id, COMPANIES)
                                if doc.get("stage") == stage)
            cached = self._at_stage[(project_id, stage)] = (version, domains)
        return cached[1]

    def import_customers(self, call: Call) -> Reply:
        items = call.body["customers"]
        create_companies = call.body.get("create_missing_companies", True)
        created = updated = 0
        errors: list[dict[str, Any]] = []
        with self.store.atomic(call.project_id):  # upserts by email: no other worker writes in between
            for index, item in enumerate(items):
                try:
                    was_created = self._upsert(call.project_id, item, create_companies)
                except (ItemError, StoreFull) as error:  # the store's cap: this item, not the import, fails
                    errors.append({"index": index, "message": str(error)})
                    continue
                created += was_created
                updated += not was_created
        return Reply(200, {"created": created, "updated": updated, "errors": errors, "total": len(items)})

    def summary(self, doc: dict[str, Any]) -> dict[str, Any]:
        return pick(doc, self.views.customer)

    # -- import, one item ----------------------------------------------------------------------------

    def _upsert(self, project_id: str, item: Mapping[str, Any], create_companies: bool) -> bool:
        email = item.get("email")
        if not isinstance(email, str) or not email.strip():
            raise ItemError("Missing email.")
        email = email.strip()
        if not is_email(email):
            raise ItemError("Invalid email format.")
        company = self._company(project_id, item.get("company"), create_companies)
        now = format_timestamp(self.clock())
        existing = self.store.find(project_id, KIND, "email", email)
        given = {name: item[name] for name in CONTACT_FIELDS if item.get(name) is not None}
        if existing is not None:
            doc = {**existing, **given, "updated_at": now}
            if company is not None:
                doc["company"] = company
            self.store.put(project_id, KIND, doc)
            return False
        self.store.create(project_id, KIND, {
            "name": given.get("name") or email,
            "email": email,
            "title": given.get("title"),
            "role": given.get("role"),
            "phone": given.get("phone"),
            "company_url": given.get("company_url"),
            "notes": given.get("notes"),
            "is_champion": bool(given.get("is_champion", False)),
            "last_contacted_at": None,
            "custom_fields": dict(given.get("custom_fields") or {}),
            "company": company,
            "is_archived": False,
            "created_at": now,
            "updated_at": now,
        }, "cus_")
        return True

    def _company(self, project_id: str, given: Mapping[str, Any] | None, create: bool) -> dict[str, Any] | None:
        """The company summary to embed: an existing one updated with the item's fields, or a new one."""
        if not given:
            return None
        domain = given.get("domain")
        if not isinstance(domain, str) or not domain.strip():
            raise ItemError("Company domain is required.")
        domain = domain.strip().lower()
        if not is_hostname(domain):
            raise ItemError(f"Invalid company domain '{domain}'.")
        stage = given.get("stage")
        if stage is not None and stage not in self.stages:
            raise ItemError(f"Invalid company stage '{stage}'.")
        existing = self.store.get(project_id, COMPANIES, domain)
        if existing is None and not create:
            raise ItemError(f"Unknown company domain '{domain}'.")
        fields = {name: value for name, value in given.items() if name in self.views.company and value is not None}
        base = existing or {"id": domain, **dict.fromkeys(self.views.company), "stage": "prospect"}
        company = {**base, **fields, "id": domain, "domain": domain}
        company["name"] = company.get("name") or domain
        if company != existing:  # its other customers show the change when listed (see the module docstring)
            self.store.put(project_id, COMPANIES, company, announce=False)
        return pick(company, self.views.company)
