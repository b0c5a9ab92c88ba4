"""The Python SDK's layer without a server: retries and their budget, typed errors, the environment, the user
agent. Each attempt is answered by an ``httpx.MockTransport``; waits go to a recording clock, never to sleep."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import hissuno
import httpx
import pytest
from hissuno import (
    ERRORS_BY_STATUS,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    Hissuno,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    UnprocessableEntityError,
)
from hissuno.v1.api.sessions import create_session, get_session, list_sessions
from hissuno.v1.models.session_create import SessionCreate

from tests.sdks.sdk_files import BUNDLE, declared_error_statuses

Handler = Callable[[httpx.Request], httpx.Response]
SESSION: dict[str, object] = json.loads(BUNDLE.read_text())["components"]["examples"]["SessionCreated"]["value"]


class Recorder:
    """Answers attempts in turn from ``answers`` (the last repeats), remembering every request and every wait."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.waits: list[float] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def client(self, retry: RetryPolicy | None = None, timeout: float = 30.0) -> Hissuno:
        transport = httpx.MockTransport(self.handle)
        return Hissuno("hss_test", base_url="http://api.test", transport=transport, async_transport=transport,
                       sleep=self.sleep, async_sleep=self.async_sleep, retry=retry or RetryPolicy(), timeout=timeout)


def error(status: int, message: str = "Nope.", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": message}, headers=headers)


def ok() -> httpx.Response:
    return httpx.Response(200, json=SESSION)


def get(client: Hissuno) -> object:
    return get_session.sync("sess_1", client=client)


def test_429_is_retried_after_exactly_its_retry_after() -> None:
    recorder = Recorder(error(429, "Rate limit exceeded.", **{"Retry-After": "7"}), ok())
    assert get(recorder.client()).id == SESSION["id"]  # type: ignore[attr-defined]
    assert recorder.waits == [7.0]
    assert len(recorder.requests) == 2


def test_429_on_a_post_is_retried_too() -> None:
    recorder = Recorder(error(429, **{"Retry-After": "2"}), httpx.Response(201, json=SESSION))
    body = SessionCreate(customer_email="a@example.com", message="hi")
    create_session.sync(client=recorder.client(), body=body)
    assert recorder.waits == [2.0]


def test_a_retry_after_beyond_the_budget_surfaces_the_429_at_once() -> None:
    recorder = Recorder(error(429, "Rate limit exceeded.", **{"Retry-After": "120"}), ok())
    with pytest.raises(RateLimitError) as caught:
        get(recorder.client(RetryPolicy(max_wait_seconds=60)))
    assert caught.value.retry_after == 120
    assert recorder.waits == []
    assert len(recorder.requests) == 1


def test_5xx_on_a_get_backs_off_then_raises_after_the_last_retry() -> None:
    recorder = Recorder(error(503, "Unavailable."))
    with pytest.raises(ServerError) as caught:
        get(recorder.client(RetryPolicy(max_retries=3, backoff_seconds=0.5)))
    assert caught.value.status == 503
    assert recorder.waits == [0.5, 1.0, 2.0]
    assert len(recorder.requests) == 4


def test_5xx_on_a_post_is_not_retried() -> None:
    recorder = Recorder(error(500, "Internal server error."))
    with pytest.raises(InternalServerError):
        create_session.sync(client=recorder.client(), body=SessionCreate(customer_email="a@example.com", message="x"))
    assert len(recorder.requests) == 1


def test_the_body_is_sent_again_on_a_retry() -> None:
    recorder = Recorder(error(429, **{"Retry-After": "1"}), httpx.Response(201, json=SESSION))
    create_session.sync(client=recorder.client(), body=SessionCreate(customer_email="a@example.com", message="x"))
    first, second = recorder.requests[:2]
    assert json.loads(first.content) == json.loads(second.content) == {"customer_email": "a@example.com",
                                                                       "message": "x"}


def test_a_lost_connection_on_a_get_is_retried_then_raised_as_a_connection_error() -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        get(recorder.client(RetryPolicy(max_retries=1, backoff_seconds=0.25)))
    assert isinstance(caught.value, httpx.TransportError)
    assert recorder.waits == [0.25]


def test_a_timeout_raises_a_timeout_error_that_is_still_httpx_s() -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        get(recorder.client(RetryPolicy(max_retries=0)))
    assert isinstance(caught.value, httpx.TimeoutException)


def test_the_timeout_reaches_httpx() -> None:
    client = Recorder(ok()).client(timeout=2.5)
    assert client.get_httpx_client().timeout == httpx.Timeout(2.5)


def test_422_details_and_the_error_sentence() -> None:
    body = {"error": "Validation failed.", "details": [{"field": "customer_email", "message": "not an email"}]}
    recorder = Recorder(httpx.Response(422, json=body))
    with pytest.raises(UnprocessableEntityError) as caught:
        create_session.sync(client=recorder.client(), body=SessionCreate(customer_email="x", message="x"))
    assert caught.value.error == "Validation failed."
    assert [(d.field, d.message) for d in caught.value.details] == [("customer_email", "not an email")]


def test_a_body_that_is_not_json_still_raises_the_status_s_error() -> None:
    recorder = Recorder(httpx.Response(404, text="<html>gone</html>"))
    with pytest.raises(NotFoundError) as caught:
        get(recorder.client())
    assert caught.value.error == "HTTP 404: <html>gone</html>"


def test_an_undeclared_status_raises_the_generic_error() -> None:
    recorder = Recorder(error(418, "Teapot."))
    with pytest.raises(APIStatusError) as caught:
        get(recorder.client())
    assert type(caught.value) is APIStatusError and caught.value.status == 418


@pytest.mark.parametrize("status", declared_error_statuses())
def test_every_declared_status_has_an_error_class_of_its_own(status: int) -> None:
    assert status in ERRORS_BY_STATUS, f"the contract declares {status}: map it in hissuno/errors.py"
    assert ERRORS_BY_STATUS[status] is not APIStatusError


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HISSUNO_API_KEY", "hss_fromenv")
    monkeypatch.setenv("HISSUNO_BASE_URL", "http://env.test/")
    recorder = Recorder(httpx.Response(200, json={"data": [], "total": 0, "limit": 50, "offset": 0}))
    transport = httpx.MockTransport(recorder.handle)
    list_sessions.sync(client=Hissuno(transport=transport))
    (request,) = recorder.requests
    assert request.headers["authorization"] == "Bearer hss_fromenv"
    assert str(request.url).startswith("http://env.test/v1/sessions")


def test_no_key_anywhere_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HISSUNO_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="HISSUNO_API_KEY"):
        Hissuno()


def test_the_user_agent_names_the_sdk_version() -> None:
    recorder = Recorder(ok())
    get(recorder.client())
    assert recorder.requests[0].headers["user-agent"].startswith(f"hissuno-python/{hissuno.__version__} ")


def test_with_headers_keeps_the_client_s_retries_and_key() -> None:
    recorder = Recorder(error(429, **{"Retry-After": "3"}), ok())
    client = recorder.client(RetryPolicy(max_retries=1)).with_headers({"Prefer": "code=200"})
    get(client)  # type: ignore[arg-type]
    assert recorder.waits == [3.0]
    assert recorder.requests[-1].headers["prefer"] == "code=200"
    assert recorder.requests[-1].headers["authorization"] == "Bearer hss_test"


def test_the_async_client_retries_the_same_way() -> None:
    recorder = Recorder(error(429, **{"Retry-After": "4"}), error(503), ok())

    async def call() -> object:
        async with recorder.client() as client:
            return await get_session.asyncio("sess_1", client=client)

    assert asyncio.run(call()).id == SESSION["id"]  # type: ignore[attr-defined]
    assert recorder.waits == [4.0, 1.0]  # Retry-After, then the second retry's backoff (0.5 s doubled)
