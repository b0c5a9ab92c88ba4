"""``serve --validate-responses``: Connexion checks every answer against the spec (off by default, for speed)."""

from __future__ import annotations

from connexion.middleware.response_validation import ResponseValidationOperation

from mockserver.app import create_app
from mockserver.pipeline.middleware import OperationPipeline
from mockserver.settings import Settings
from tests.support.keys import Keys

NW = "proj_northwind"


def _reply_steps(app) -> list[object]:
    pipeline = next(layer for layer in app.middleware.middleware_stack if isinstance(layer, OperationPipeline))
    return [operation.reply for _, _, operation in pipeline._routes]


def test_response_validation_is_off_by_default_and_on_when_asked(shared_app) -> None:
    default = _reply_steps(shared_app)
    asked = _reply_steps(create_app(Settings(validate_responses=True)))
    assert len(default) == len(asked) == 35  # 16 internal + 19 /v1 operations
    assert not any(isinstance(step, ResponseValidationOperation) for step in default)
    assert all(isinstance(step, ResponseValidationOperation) for step in asked)


def test_valid_answers_pass_response_validation(make_client, keys: Keys) -> None:
    mock = make_client(validate_responses=True)
    standard, full = keys.get(NW, "standard"), keys.get(NW, "full")
    assert mock.get("/v1/sessions", key=standard).status_code == 200
    session = mock.get("/v1/sessions?limit=1", key=standard).json()["data"][0]["id"]
    assert mock.get(f"/v1/sessions/{session}", key=standard).status_code == 200
    created = mock.post("/v1/sessions", key=standard, json={"customer_email": "a@b.io", "message": "hi"})
    assert created.status_code == 201
    webhook = mock.post("/v1/webhooks", key=standard, json={"url": "https://x.io/h", "events": ["issue.created"]})
    assert webhook.status_code == 201
    assert mock.delete(f"/v1/webhooks/{webhook.json()['id']}", key=full).status_code == 204
    assert mock.post("/v1/customers/import", key=standard, json={"customers": [{"email": "x@y.io"}]}).status_code == 200


def test_an_answer_that_breaks_the_spec_becomes_a_500(make_client, keys: Keys) -> None:
    mock = make_client(check=False, validate_responses=True)
    store = mock.app.mock.store
    broken = {**store.get(NW, "issues", store.all(NW, "issues")[0]["id"]), "priority": "urgent"}
    store.put(NW, "issues", broken, announce=False)  # a deliberately invalid document
    response = mock.get(f"/v1/issues/{broken['id']}", key=keys.get(NW, "standard"))
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error."}
