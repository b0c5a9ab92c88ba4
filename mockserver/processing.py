"""Work the real service does after a request, done here on a timer: a new knowledge source is analysed
(``pending`` → ``processing`` → ``completed`` | ``failed``) and a session is reviewed once it closes or a review
is asked for, each step ``--processing-delay`` seconds after the one before.

It listens to the store's events, as the webhook relay does, so it starts from what a request announced, on
the event loop whichever thread wrote; each step is a write of its own, announced in turn
(``knowledge_source.completed``, ``knowledge_source.failed``, ``session.reviewed``) and so delivered to webhooks.
Timers live in the worker that answered the request, the documents in the store, so every worker sees each step.
Only what the API starts is processed: seeded data stays as seeded.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mockserver.stores.base import Store
from mockserver.stores.timestamps import format_timestamp

SOURCES = "knowledge_sources"
SESSIONS = "sessions"
REVIEW_STARTED = "review_started"
"""The action a review request announces (``session.review_started``: no webhook event, this module's cue)."""
REVIEW_DUE = "review_due"
"""A session's private field while its review runs: when it finishes (Unix seconds)."""
FAILING_HOST_SUFFIX = ".invalid"
logger = logging.getLogger("mockserver.processing")

Step = Callable[[str, str], "Step | None"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def analysis_failure(source: Mapping[str, Any]) -> str | None:
    """Why the analysis of ``source`` fails, or ``None`` when it completes: its URL's host is under the
    reserved ``.invalid`` top-level domain (RFC 2606), or its text holds only white space."""
    for field in ("url", "repository_url"):
        host = _host(str(source.get(field) or ""))
        if host == FAILING_HOST_SUFFIX[1:] or host.endswith(FAILING_HOST_SUFFIX):
            return f"Could not reach {host}."
    if source.get("type") == "raw_text" and not str(source.get("content") or "").strip():
        return "The text holds nothing to analyse."
    return None


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # not a URL urllib can split: no host to fail on
        return ""


def review_running(session: Mapping[str, Any], now: float) -> bool:
    """Whether a review of ``session`` is still running at ``now`` (one whose worker died ends at its due time)."""
    due = session.get(REVIEW_DUE)
    return isinstance(due, (int, float)) and due > now


class Processing:
    """The store hook that starts background work, and the timers that carry it out."""

    def __init__(self, store: Store, delay: float, clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.delay = delay
        self.clock = clock
        self._first_steps: dict[str, Step] = {
            "knowledge_source.created": self._start_analysis,
            "session.closed": self._finish_review,
            f"session.{REVIEW_STARTED}": self._finish_review,
        }
        self._timers: set[asyncio.TimerHandle] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def __call__(self, project_id: str, event_type: str, data: Mapping[str, Any]) -> None:
        step = self._first_steps.get(event_type)
        if step is not None:
            self._later(step, project_id, str(data["id"]))

    def pending(self) -> int:
        """Steps waiting for their time or running (tests wait for none)."""
        return len(self._timers) + len(self._tasks)

    def cancel(self) -> None:
        """Forget every step still to come (``/__mock/reset``)."""
        for timer in self._timers:
            timer.cancel()
        for task in self._tasks:
            task.cancel()
        self._timers.clear()
        self._tasks.clear()

    def _later(self, step: Step, project_id: str, doc_id: str) -> None:
        loop = asyncio.get_running_loop()  # hooks run on the event loop (a store writing elsewhere hops there)

        def due() -> None:
            self._timers.discard(timer)
            task = loop.create_task(self._advance(step, project_id, doc_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        timer = loop.call_later(self.delay, due)
        self._timers.add(timer)

    async def _advance(self, step: Step, project_id: str, doc_id: str) -> None:
        """One step, where the store does a handler's work; the step it returns comes ``delay`` later."""
        try:
            following = await self.store.run(functools.partial(step, project_id, doc_id))
        except Exception:  # a store outage: the document stays where it was, as after a crash of the real worker
            logger.warning("background %s of %s in %s failed", step.__name__, doc_id, project_id, exc_info=True)
            return
        if following is not None:
            self._later(following, project_id, doc_id)

    # -- steps: each reads the document again, since anything may have happened since it was scheduled ----

    def _start_analysis(self, project_id: str, source_id: str) -> Step | None:
        source = self.store.get(project_id, SOURCES, source_id)
        if source is None or source.get("status") != "pending":
            return None
        self.store.put(project_id, SOURCES, {**source, "status": "processing", "updated_at": self._stamp()},
                       announce=False)
        return self._finish_analysis

    def _finish_analysis(self, project_id: str, source_id: str) -> Step | None:
        source = self.store.get(project_id, SOURCES, source_id)
        if source is None or source.get("status") != "processing":
            return None
        now = self._stamp()
        failure = analysis_failure(source)
        outcome = "failed" if failure else "completed"
        source = {**source, "status": outcome, "error_message": failure,
                  "analyzed_at": None if failure else now, "updated_at": now}
        self.store.put(project_id, SOURCES, source, announce=False)
        self.store.announce(project_id, SOURCES, outcome, source)
        return None

    def _finish_review(self, project_id: str, session_id: str) -> Step | None:
        session = self.store.get(project_id, SESSIONS, session_id)
        if session is None or REVIEW_DUE not in session:
            return None
        now = self._stamp()
        session = {name: value for name, value in session.items() if name != REVIEW_DUE}
        session.update(pm_reviewed_at=now, updated_at=now)
        self.store.put(project_id, SESSIONS, session, announce=False)
        self.store.announce(project_id, SESSIONS, "reviewed", session)
        return None

    def _stamp(self) -> str:
        return format_timestamp(self.clock())
