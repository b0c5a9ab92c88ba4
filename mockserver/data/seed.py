"""Fixture definition + seed -> the mock's documents, deterministically: the same fixture and seed give
byte-identical answers.

The data follows the domain notes: sessions mostly from the widget, issues linked to the sessions that raised
them, priority derived from scores or upvotes, customers with work emails on their company's domain. Documents
carry a few fields the API does not show (a session's ``messages``, links between sessions and issues); the
handlers render the public ones.
"""

from __future__ import annotations

import gc
import math
import random
import re
from bisect import bisect
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar

from mockserver.data import vocabulary
from mockserver.data.fixture import Fixture, ProjectFixture
from mockserver.data.vocabulary import FIRST_NAMES, LAST_NAMES, Topic
from mockserver.stores.ids import random_id
from mockserver.stores.timestamps import format_timestamp

Doc = dict[str, Any]
T = TypeVar("T")
DAY = 86_400
MAX_LINKED_SESSIONS = 25  # the domain's "a few issues have 5-25 upvotes"; a big project does not link thousands


def build_dataset(fixture: Fixture, seed: int) -> dict[str, dict[str, list[Doc]]]:
    """Every project's documents by kind: sessions, issues, customers, companies, knowledge_sources.

    The cyclic garbage collector is paused meanwhile: the seeder only adds live, acyclic documents, and
    with 100,000 sessions (a million dicts) the collections it would trigger cost a third of the time.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return {project.id: ProjectSeeder(project, fixture.anchor, seed).build() for project in fixture.projects}
    finally:
        if collecting:
            gc.enable()


class Weighted(Generic[T]):
    """Items with weights, summed once (``random.choices`` sums them again on every call)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))


class Dice(random.Random):
    """A seeded generator with the cheap draws the seeder makes hundreds of thousands of times.

    ``randint`` and ``choice`` go through rejection sampling in Python (about 0.5 us each); an index from
    one ``random()`` costs a fifth of that and is as deterministic.
    """

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def chance(self, probability: float) -> bool:
        return self.random() < probability

    def weighted(self, table: Weighted[T]) -> T:
        return table.items[bisect(table.cumulative, self.random() * table.cumulative[-1])]


_HOURS_MINUTES = tuple(f"{hour:02d}:{minute:02d}:" for hour in range(24) for minute in range(60))
_SECONDS = tuple(f"{second:02d}Z" for second in range(60))


class Stamps:
    """RFC 3339 strings for whole seconds since the epoch; the date part is formatted once per day."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def __call__(self, seconds: int) -> str:
        day, rest = divmod(seconds, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")
        return prefix + _HOURS_MINUTES[rest // 60] + _SECONDS[rest % 60]


def priority_from_scores(impact: int, effort: int | None, velocity: int) -> str:
    """The domain's formula: 0.3·velocity + 0.5·impact + 0.2·(6 - effort), or 0.35·v + 0.65·i without effort."""
    with_effort = effort is not None
    score = 0.3 * velocity + 0.5 * impact + 0.2 * (6 - effort) if with_effort else 0.35 * velocity + 0.65 * impact
    return "high" if score >= 3.5 else "medium" if score >= 2.0 else "low"


def priority_from_upvotes(upvotes: int) -> str:
    return "high" if upvotes >= 5 else "medium" if upvotes >= 3 else "low"


SESSION_SOURCES = Weighted(("widget", "slack", "intercom", "manual", "gong", "api"), (45, 18, 15, 10, 4, 8))
NATIVE_TAGS = {"bug": "bug", "feature_request": "feature_request", "change_request": "change_request",
               "win": "wins", "loss": "losses", "question": "general_feedback"}
EFFORT_ESTIMATES = {1: "trivial", 2: "small", 3: "medium", 4: "large", 5: "xlarge"}
FAILURES = {
    "uploaded_doc": "The file could not be parsed (encrypted PDF).",
    "codebase": "The repository could not be cloned: the GitHub connection has expired.",
    "website": "The site answered 403 to the crawler.",
    "docs_portal": "The site answered 403 to the crawler.",
}


def phone_number(rng: Dice) -> str:
    """A US number in one of the common notations (the contract only asks for a string)."""
    area, exchange, line = rng.between(201, 989), rng.between(200, 999), rng.between(0, 9999)
    return rng.pick((f"({area}) {exchange}-{line:04d}", f"+1-{area}-{exchange}-{line:04d}",
                     f"{area}.{exchange}.{line:04d}", f"{area}-{exchange}-{line:04d}"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower()) or "user"


class ProjectSeeder:
    """Generates one project's documents; each resource kind draws from its own seeded generator."""

    def __init__(self, project: ProjectFixture, anchor: datetime, seed: int) -> None:
        self.project = project
        self.anchor = anchor
        self.anchor_s = int(anchor.timestamp())
        self.seed = seed
        self.short_name = project.name.split()[0]
        self.used_ids: set[str] = set()
        self.stamp = Stamps()

    def rng(self, purpose: str) -> Dice:
        return Dice(f"{self.seed}:{self.project.id}:{purpose}")

    def new_id(self, prefix: str, rng: random.Random) -> str:
        while True:
            candidate = prefix + random_id(rng, 8)
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate

    def build(self) -> dict[str, list[Doc]]:
        counts = self.project.counts
        companies = self.companies(counts.companies if counts.customers else 0)
        customers = self.customers(counts.customers, companies)
        issue_topics = self.issue_topics(counts.issues)
        sessions = self.sessions(counts.sessions, customers, issue_topics)
        issues = self.issues(issue_topics, sessions, customers)
        return {
            "sessions": sessions,
            "issues": issues,
            "customers": customers,
            "companies": companies,
            "knowledge_sources": self.knowledge_sources(counts.knowledge_sources),
        }

    # -- companies and customers ----------------------------------------------------------------------

    def companies(self, count: int) -> list[Doc]:
        rng = self.rng("companies")
        words = rng.sample(vocabulary.COMPANY_WORDS, k=min(count, len(vocabulary.COMPANY_WORDS)))
        companies: list[Doc] = []
        for index in range(count):
            word = words[index % len(words)] + ("" if index < len(words) else str(index))
            suffix, industry = rng.choice(vocabulary.COMPANY_KINDS)
            stage = rng.choices(("active", "onboarding", "expansion", "prospect", "churned"),
                                weights=(45, 15, 15, 15, 10))[0]
            domain = f"{word.lower()}{suffix.lower()}.{rng.choice(vocabulary.TLDS)}"
            arr_band = rng.choices(((200_000, 900_000), (50_000, 200_000), (10_000, 50_000), (1_000, 10_000)),
                                   weights=(10, 30, 35, 25))[0]
            renewal = None
            if stage in ("active", "expansion", "onboarding"):
                renewal = (self.anchor + timedelta(days=rng.randint(20, 360))).date().isoformat()
            companies.append({
                "id": domain,
                "name": f"{word} {suffix}",
                "domain": domain,
                "stage": stage,
                "arr": None if stage == "prospect" else float(round(rng.uniform(*arr_band), -2)),
                "industry": industry,
                "plan_tier": None if stage == "prospect" else rng.choice(vocabulary.PLAN_TIERS),
                "product_used": rng.choice(vocabulary.PRODUCTS_USED),
                "country": rng.choice(("US", "GB", "DE", "FR", "NL", "CA", "AU", "ES", "SE", "BR")),
                "employee_count": int(math.exp(rng.uniform(math.log(5), math.log(5000)))),
                "health_score": float(rng.randint(10, 45) if stage == "churned" else rng.randint(55, 98)),
                "renewal_date": renewal,
            })
        return companies

    def customers(self, count: int, companies: Sequence[Doc]) -> list[Doc]:
        rng = self.rng("customers")
        people = self.rng("people")
        customers: list[Doc] = []
        emails: set[str] = set()
        for _ in range(count):
            company = rng.choice(companies)
            first, last = people.pick(FIRST_NAMES), people.pick(LAST_NAMES)
            local = f"{_slug(first)}.{_slug(last)}"
            email = f"{local}@{company['domain']}"
            while email in emails:
                email = f"{local}{rng.randint(2, 999)}@{company['domain']}"
            emails.add(email)
            created = self.anchor - timedelta(days=rng.randint(30, 400), minutes=rng.randint(0, 1439))
            contacted = created + timedelta(days=rng.randint(1, 25)) if rng.random() < 0.7 else None
            updated = max(created + timedelta(days=rng.randint(0, 20)), contacted or created)
            customers.append({
                "id": self.new_id("cus_", rng),
                "name": f"{first} {last}",
                "email": email,
                "title": rng.choice(vocabulary.JOB_TITLES),
                "role": rng.choice(vocabulary.ROLES) if rng.random() < 0.8 else None,
                "phone": phone_number(people) if rng.random() < 0.5 else None,
                "company_url": f"https://{company['domain']}",
                "notes": rng.choice(vocabulary.CUSTOMER_NOTES) if rng.random() < 0.3 else None,
                "is_champion": rng.random() < 0.15,
                "last_contacted_at": format_timestamp(contacted) if contacted else None,
                "custom_fields": {"region": rng.choice(vocabulary.REGIONS), "nps_score": rng.randint(0, 10) * 10,
                                  "contract_type": rng.choice(("annual", "monthly"))},
                "company": {k: v for k, v in company.items() if k != "id"},
                "is_archived": rng.random() < 0.05,
                "created_at": format_timestamp(created),
                "updated_at": format_timestamp(min(updated, self.anchor)),
            })
        return customers

    # -- sessions -------------------------------------------------------------------------------------

    def issue_topics(self, count: int) -> list[Topic]:
        rng = self.rng("issue-topics")
        candidates = [t for t in vocabulary.TOPICS if t.kind in vocabulary.ISSUE_KINDS]
        return rng.sample(candidates, k=min(count, len(candidates)))

    def sessions(self, count: int, customers: Sequence[Doc], issue_topics: Sequence[Topic]) -> list[Doc]:
        rng = self.rng("sessions")
        other_topics = [t for t in vocabulary.TOPICS if t.kind not in vocabulary.ISSUE_KINDS]
        popular = Weighted(issue_topics, [1.0 / (rank + 1) ** 0.7 for rank in range(len(issue_topics))])
        recent_count = max(1, count // 10)
        sessions = []
        for index in range(count):
            topic = rng.weighted(popular) if issue_topics and rng.chance(0.7) else rng.pick(other_topics)
            sessions.append(self.session(topic, rng, customers, index < recent_count))
        return sessions

    def session(self, topic: Topic, rng: Dice, customers: Sequence[Doc], recent: bool) -> Doc:
        stamp, anchor = self.stamp, self.anchor_s
        if topic.kind in ("win", "loss"):
            source = rng.pick(("gong", "gong", "slack", "manual"))
        else:
            source = rng.weighted(SESSION_SOURCES)
        session_type = "meeting" if source == "gong" else ("behavioral" if rng.chance(0.03) else "chat")
        takeover = source == "gong" or (source in ("widget", "intercom") and rng.chance(0.12))
        customer = rng.pick(customers) if customers and (source != "widget" or rng.chance(0.6)) else None
        lines = self.messages(topic, rng, source, takeover)
        if recent:
            created = anchor - 60 * rng.between(5, 600)
        else:
            created = anchor - DAY * rng.between(1, 90) - 60 * rng.between(0, 1439)
        messages, last = self.stamped(lines, created + rng.between(1, 20), rng)
        last_activity = messages[-1]["created_at"]
        if recent:
            status = rng.pick(("active", "active", "closing_soon", "awaiting_idle_response", "closed"))
        else:
            status = "closed"
        reviewed = None
        if status == "closed" and not recent:
            reviewed = stamp(min(last + 60 * rng.between(2, 30), anchor))
        if source == "manual":
            when = datetime.fromtimestamp(created, UTC)
            day = f"{when:%b} {when.day}"
            name = f"Anonymous - {day}" if rng.chance(0.5) else f"User {rng.getrandbits(48):012x}... - {day}"
        else:
            name = topic.session_name
        widget = source == "widget" or (source == "intercom" and rng.chance(0.5))
        tags = self.tags(topic, rng)
        metadata: dict[str, str] = {}
        if customer:
            metadata = {"email": customer["email"], "plan": customer["company"].get("plan_tier") or "trial"}
        elif widget:
            metadata = {"browser": rng.pick(("Chrome 131", "Safari 18", "Firefox 133", "Edge 131"))}
        return {
            "id": self.new_id("sess_", rng),
            "name": name,
            "status": status,
            "source": source,
            "session_type": session_type,
            "customer_email": customer["email"] if customer else None,
            "customer_id": customer["id"] if customer else None,
            "user_id": f"usr_{rng.getrandbits(32):08x}" if customer or rng.chance(0.3) else None,
            "user_metadata": metadata,
            "page_url": f"https://app.{self.project.domain}{topic.path}" if widget else None,
            "page_title": f"{topic.page} · {self.short_name}" if widget else None,
            "tags": tags,
            "message_count": len(messages),
            "first_message_at": messages[0]["created_at"],
            "last_activity_at": last_activity,
            "pm_reviewed_at": reviewed,
            "is_archived": not recent and rng.chance(0.05),
            "is_human_takeover": takeover,
            "created_at": stamp(created),
            "updated_at": reviewed or last_activity,
            "messages": messages,
            "issue_ids": [],
            "topic": topic.issue_title,
        }

    def stamped(self, lines: list[tuple[str, str]], start: int, rng: Dice) -> tuple[list[Doc], int]:
        """The lines as messages 15 s to 4 min apart from ``start`` (never after the anchor), and the last time.

        The innermost loop of seeding (a million messages for 100,000 sessions), hence the local names.
        """
        stamp, anchor, draw = self.stamp, self.anchor_s, rng.random
        messages: list[Doc] = []
        moment = last = start
        for sender, content in lines:
            last = moment if moment < anchor else anchor
            messages.append({"sender": sender, "content": content, "created_at": stamp(last)})
            moment += 15 + int(draw() * 226)
        return messages, last

    def tags(self, topic: Topic, rng: Dice) -> list[str]:
        tags = [NATIVE_TAGS[topic.kind]] if rng.chance(0.9) else []
        if rng.chance(0.2):
            extra = rng.pick(("general_feedback", "bug", "feature_request"))
            if extra not in tags:
                tags.append(extra)
        return tags

    def messages(self, topic: Topic, rng: Dice, source: str, takeover: bool) -> list[tuple[str, str]]:
        """``(sender, content)`` lines: a call transcript, or a chat the AI answers until a human takes over."""
        lines = [("user", topic.opening)]
        if source == "gong":
            calls, draw = vocabulary.CALL_LINES, rng.random
            lines.extend(("human_agent" if index % 2 else "user", calls[int(draw() * len(calls))])
                         for index in range(1, rng.between(20, 60)))
            return lines
        total = rng.between(1, 5) if source == "manual" else rng.pick((2, 2, 4, 4, 6, 8, 10, 14, 20))
        handed_over = False
        while len(lines) < total:
            if len(lines) % 2:
                if takeover and not handed_over and len(lines) >= 3:
                    lines.append(("system", vocabulary.SYSTEM_LINES[0]))
                    handed_over = True
                    continue
                if handed_over:
                    lines.append(("human_agent", rng.pick(vocabulary.AGENT_LINES)))
                elif len(lines) == 1:
                    lines.append(("ai", topic.reply))
                else:
                    lines.append(("ai", rng.pick(vocabulary.AI_FOLLOW_UPS)))
            else:
                lines.append(("user", rng.pick(vocabulary.USER_FOLLOW_UPS)))
        return lines[:total]

    # -- issues ---------------------------------------------------------------------------------------

    def issues(self, topics: Sequence[Topic], sessions: list[Doc], customers: Sequence[Doc]) -> list[Doc]:
        """One issue per topic, linked to (at most :data:`MAX_LINKED_SESSIONS` of) the reviewed sessions on it."""
        rng = self.rng("issues")
        reviewed: dict[str, list[Doc]] = {}
        for session in sessions:
            if session["pm_reviewed_at"]:
                reviewed.setdefault(session["topic"], []).append(session)
        issues = [self.issue(topic, rng, reviewed.get(topic.issue_title, [])) for topic in topics]
        by_id = {session["id"]: session for session in sessions}
        for session in sessions:
            del session["topic"]
        for issue in issues:
            for session_id in issue["session_ids"]:
                by_id[session_id]["issue_ids"].append(issue["id"])
        assert all(len(issue["session_ids"]) <= issue["upvote_count"] for issue in issues)
        return issues

    def issue(self, topic: Topic, rng: random.Random, linked: list[Doc]) -> Doc:
        linked = sorted(linked, key=lambda s: (s["created_at"], s["id"]))[:MAX_LINKED_SESSIONS]
        extra = rng.choices((0, 1, 2, 4, 10), weights=(50, 25, 12, 8, 5))[0]
        upvotes = max(1, len(linked) + extra)
        if linked:
            created = datetime.fromisoformat(linked[0]["pm_reviewed_at"].replace("Z", "+00:00"))
        else:
            created = self.anchor - timedelta(days=rng.randint(5, 120), minutes=rng.randint(0, 1439))
        analysed = rng.random() < 0.8
        impact = effort = velocity = None
        reasons: dict[str, str | None] = {"impact": None, "effort": None, "velocity": None}
        if analysed:
            impact, effort, velocity = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
            picks = {"impact": 0 if impact >= 4 else 1, "effort": 0 if effort <= 2 else 1 if effort <= 4 else 2,
                     "velocity": 0 if velocity >= 4 else 1 if velocity >= 2 else 2}
            for name, pick in picks.items():
                reasons[name] = vocabulary.SCORE_REASONS[name][pick].format(n=max(2, len(linked)))
        manual = rng.random() < 0.1
        if manual:
            priority = rng.choice(("low", "medium", "high"))
        elif analysed:
            priority = priority_from_scores(impact or 1, effort, velocity or 1)
        else:
            priority = priority_from_upvotes(upvotes)
        age_days = (self.anchor - created).days
        status = rng.choices(("open", "ready", "in_progress", "resolved", "closed"),
                             weights=(55, 15, 15, 10, 5) if age_days > 30 else (75, 10, 15, 0, 0))[0]
        last = max(s["updated_at"] for s in linked) if linked else format_timestamp(created)
        analysed_at = None
        if analysed:
            analysed_at = min(datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(hours=rng.randint(1, 20)),
                              self.anchor)
        updated = max(last, format_timestamp(analysed_at) if analysed_at else last, format_timestamp(created))
        spec = None
        if status in ("ready", "in_progress"):
            spec = (f"## Problem\n\n{topic.description}\n\n## Proposal\n\nAddress the {topic.area} flow first "
                    f"and measure the number of related sessions over the next two weeks.\n")
        return {
            "id": self.new_id("iss_", rng),
            "type": topic.kind,
            "title": topic.issue_title,
            "description": topic.description,
            "priority": priority,
            "priority_manual_override": manual,
            "status": status,
            "upvote_count": upvotes,
            "impact_score": impact,
            "effort_score": effort,
            "velocity_score": velocity,
            "effort_estimate": EFFORT_ESTIMATES[effort] if effort else None,
            "impact_reasoning": reasons["impact"],
            "effort_reasoning": reasons["effort"],
            "velocity_reasoning": reasons["velocity"],
            "affected_areas": [topic.area],
            "product_spec": spec,
            "is_archived": status == "closed" and rng.random() < 0.5,
            "analysis_computed_at": format_timestamp(analysed_at) if analysed_at else None,
            "created_at": format_timestamp(created),
            "updated_at": updated,
            "session_ids": [s["id"] for s in linked],
        }

    # -- knowledge sources ----------------------------------------------------------------------------

    def knowledge_sources(self, count: int) -> list[Doc]:
        rng = self.rng("knowledge")
        domain = self.project.domain
        repo = re.sub(r"[^a-z0-9]", "", self.short_name.lower())
        sources = []
        created = self.anchor - timedelta(days=rng.randint(150, 300))
        templates = [vocabulary.KNOWLEDGE_SOURCES[i % len(vocabulary.KNOWLEDGE_SOURCES)] for i in range(count)]
        for index, (kind, name) in enumerate(templates):
            created += timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 1439))
            newest = index == count - 1 and count > 2
            status = rng.choice(("pending", "failed")) if newest else "completed"
            analysed = created + timedelta(minutes=rng.randint(2, 45)) if status == "completed" else None
            failed = status == "failed"
            sources.append({
                "id": self.new_id("ks_", rng),
                "type": kind,
                "name": name,
                "url": {"website": f"https://www.{domain}", "docs_portal": f"https://docs.{domain}"}.get(kind),
                "content": vocabulary.RAW_TEXT if kind == "raw_text" else None,
                "repository_url": f"https://github.com/{repo}/app" if kind == "codebase" else None,
                "repository_branch": "main" if kind == "codebase" else None,
                "analysis_scope": "packages/web" if kind == "codebase" else None,
                "status": status,
                "error_message": FAILURES.get(kind, "The source could not be reached.") if failed else None,
                "enabled": True,
                "analyzed_at": format_timestamp(analysed) if analysed else None,
                "created_at": format_timestamp(created),
                "updated_at": format_timestamp(analysed or created),
            })
        return sources
