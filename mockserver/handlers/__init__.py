"""One module per resource; :func:`operation_table` maps every operationId of the spec to its handler."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.handlers.customers import CustomerHandlers
from mockserver.handlers.issues import IssueHandlers
from mockserver.handlers.keys import KeyHandlers
from mockserver.handlers.knowledge_sources import KnowledgeSourceHandlers
from mockserver.handlers.sessions import SessionHandlers
from mockserver.handlers.webhooks import WebhookHandlers
from mockserver.pipeline.reply import Call, Reply
from mockserver.presentation import Views
from mockserver.stores.base import Store
from mockserver.webhook_targets import TargetPolicy


def operation_table(store: Store, views: Views, webhook_targets: TargetPolicy | None = None,
                    review_seconds: float = 0.0) -> dict[str, Callable[[Call], Reply]]:
    """``review_seconds``: how long a session review runs (the mock's ``--processing-delay``)."""
    table: dict[str, Callable[[Call], Reply]] = {}
    for handlers in (IssueHandlers, CustomerHandlers, KnowledgeSourceHandlers, KeyHandlers):
        table.update(handlers(store, views).operations())
    table.update(SessionHandlers(store, views, review_seconds=review_seconds).operations())
    table.update(WebhookHandlers(store, views, targets=webhook_targets).operations())
    return table
