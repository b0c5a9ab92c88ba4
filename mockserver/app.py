"""Builds the mock: settings, fixture, store, keys and limiter wired into one Connexion app.

Every operation of the contract is answered by the operation pipeline (:mod:`mockserver.pipeline`), everything
else (the Swagger UI, the ``/__mock/`` controls) by Connexion's stack (:mod:`mockserver.host.connexion_app`).
Routes, parameters and schemas come from ``openapi/``, never from here.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connexion.exceptions import ProblemException
from connexion.options import SwaggerUIOptions
from starlette.exceptions import HTTPException

from contract.spec import DOCUMENTS
from mockserver import api_keys
from mockserver.control import MockControls
from mockserver.data.fixture import Fixture, load_fixture
from mockserver.data.seed import build_dataset
from mockserver.event_trigger import EventTrigger
from mockserver.handlers import operation_table
from mockserver.host import documents
from mockserver.host.connexion_app import ApiCors, MockApp, build_stack, make_resolver, middleware_stack
from mockserver.host.control_guard import ControlPolicy
from mockserver.made_up_lists import MadeUpLists
from mockserver.pipeline.admit import Gate
from mockserver.pipeline.authenticate import Authenticator, KeyRegistry
from mockserver.pipeline.errors import ErrorRenderer
from mockserver.pipeline.middleware import PipelineConfig
from mockserver.pipeline.prefer import Preferences
from mockserver.pipeline.validate.schemas import ValidatorCache
from mockserver.presentation import Views
from mockserver.processing import Processing
from mockserver.ratelimit import RateLimiter, build_policies
from mockserver.ratelimit_storage import WindowStorage
from mockserver.settings import Settings, SettingsError
from mockserver.sign_ins import Members, SignIns, cookie_name
from mockserver.stores.base import Store, StoreError
from mockserver.stores.factory import open_store
from mockserver.webhook_targets import TargetPolicy
from mockserver.webhooks import DeliveryPolicy, WebhookDispatcher, WebhookRelay


@dataclass(frozen=True)
class MockRuntime:
    """The live parts of one app, for the CLI, the control routes and tests."""

    settings: Settings
    fixture: Fixture
    registry: KeyRegistry
    sign_ins: SignIns
    store: Store
    limiter: RateLimiter
    controls: MockControls
    webhooks: WebhookDispatcher
    processing: Processing


def create_app(settings: Settings | None = None, *, webhooks: WebhookDispatcher | None = None,
               limiter_storage: WindowStorage | None = None) -> MockApp:
    """The mock as an ASGI app (a Connexion ``AsyncApp``); ``app.mock`` holds its :class:`MockRuntime`.

    ``webhooks`` replaces the dispatcher that sends deliveries (its policy, its HTTP client, where it may send:
    by default ``settings.webhook_allow`` and never ``settings.port``);
    ``limiter_storage`` replaces the storage ``settings.rate_limit_storage`` names (a test's broken one, a
    benchmark's alternative).
    """
    settings = settings or Settings.from_env()
    fixture = load_fixture(settings.fixtures_path)
    bundled = functools.partial(documents.bundled, cache_dir=settings.cache_path)
    views = Views(bundled("v1"))
    limiter = RateLimiter(build_policies(fixture.plans, settings.rate_limits),
                          limiter_storage or settings.rate_limit_storage)
    try:
        store = open_store(settings.state, seeded_data(fixture, settings.seed), seed=settings.seed,
                           present=views.summary, max_created=settings.max_created)
    except StoreError as error:
        raise SettingsError(str(error)) from None
    webhooks = webhooks or WebhookDispatcher(delivery_policy(settings), targets=webhook_targets(settings))
    relay = WebhookRelay(store, webhooks)
    store.subscribe(relay)
    registry = KeyRegistry(store, fixture.keys, {project.id: project.plan for project in fixture.projects})
    sign_ins = SignIns(store, Members(fixture.members))
    authenticator = Authenticator(registry, sign_ins, cookie_name(bundled("internal")))
    processing = Processing(store, settings.processing_delay)
    store.subscribe(processing)
    mounted = {name: documents.mounted_document(name, settings.cache_path) for name in DOCUMENTS}
    renderer = ErrorRenderer()
    controls_policy = ControlPolicy(settings.cors_origins, settings.allowed_hosts, settings.host,
                                    settings.control_token)
    projects = [project.id for project in fixture.projects]
    controls = MockControls(store, authenticator, limiter, {name: base for name, (base, _) in mounted.items()},
                            webhooks, projects=projects,
                            trigger=EventTrigger(bundled("v1"), store, views.summary, relay, projects),
                            on_reset=[processing.cancel])
    pipeline = PipelineConfig(
        authenticator=authenticator,
        gate=Gate(limiter, _project_param(bundled("internal")), controls_policy),
        preferences=Preferences({base: bundled(name) for name, (base, _) in mounted.items()}),
        cors=ApiCors(controls_policy),
        cache=ValidatorCache(),
        made_up={**MadeUpLists(bundled("internal"), settings.seed, now=fixture.anchor, views=views).handlers(),
                 **MadeUpLists(bundled("v1"), settings.seed, now=fixture.anchor, views=views).handlers()},
        run=store.run,
    )
    app = MockApp(__name__, middlewares=middleware_stack(renderer, [base for base, _ in mounted.values()], pipeline,
                                                         controls_policy))
    resolver = make_resolver(operation_table(store, views, webhooks.targets, settings.processing_delay))
    for name, (base, document) in mounted.items():
        app.add_specification(
            documents.specification(document, settings.cache_path, published=bundled(name)),
            base_path=base,
            name=name,
            resolver=resolver,
            validate_responses=settings.validate_responses,
            swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/ui"),
        )
    for exception in (Exception, HTTPException, ProblemException):
        app.add_error_handler(exception, renderer)
    for path, endpoint_name, endpoint, methods in controls.routes():
        app.add_url_rule(path, endpoint_name, endpoint, methods=methods)
    app.mock = MockRuntime(settings, fixture, registry, sign_ins, store, limiter, controls, webhooks, processing)  # type: ignore[attr-defined]
    build_stack(app)
    return app


def seeded_data(fixture: Fixture, seed: int) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every project's generated documents, and the fixture's API keys in the store's access namespace."""
    return {**build_dataset(fixture, seed), api_keys.ACCESS: {api_keys.KIND: api_keys.fixture_documents(fixture)}}


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    """How deliveries are attempted: ``--webhook-timeout`` per attempt, retries on ``--webhook-retry-schedule``."""
    return DeliveryPolicy(timeout_seconds=settings.webhook_timeout, retry_schedule=settings.webhook_retry_schedule)


def webhook_targets(settings: Settings) -> TargetPolicy:
    """Where deliveries may go: loopback and ``--webhook-allow``, never the port the mock listens on."""
    return TargetPolicy(settings.webhook_allow, own_port=settings.port)


def _project_param(document: Mapping[str, Any]) -> str:
    """The name of the path parameter that carries the project (``projectId``)."""
    return document["components"].get("parameters", {}).get("ProjectId", {}).get("name", "projectId")
