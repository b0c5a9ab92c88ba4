"""Start-up imports what serving needs: the Swagger UI, Jinja, Starlette's test client and the HTTP client's
command line (rich, pygments) wait until something uses them, and then work as before."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx

from tests.support.servers import REPO, live_mock, mock_environment

DEFERRED = ("starlette.testclient", "starlette.templating", "jinja2", "requests", "rich", "pygments",
            "charset_normalizer", "urllib3")

BUILD_AS_SERVE_DOES = f"""
import json, sys
from mockserver.cli import prepare_imports
prepare_imports()
from mockserver.app import create_app
from mockserver.host.lazy_imports import StandIn
from mockserver.settings import Settings
create_app(Settings.from_env({{}}))
deferred = {list(DEFERRED)!r}
print(json.dumps([name for name in deferred if name in sys.modules and not isinstance(sys.modules[name], StandIn)]))
"""

USE_THEM = """
import json
from mockserver.cli import prepare_imports
prepare_imports()
from mockserver.app import create_app
from mockserver.settings import Settings
app = create_app(Settings.from_env({}))
import jinja2
import starlette.testclient
rendered = jinja2.Template("{{ word }}").render(word="loaded")
with app.test_client() as client:
    status = client.get("/v1/openapi.json").status_code
print(json.dumps([rendered, status, type(starlette.testclient.TestClient).__name__]))
"""


def run(code: str) -> object:
    completed = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True,
                               timeout=120, cwd=REPO, env=mock_environment(), check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_building_the_app_as_serve_does_leaves_the_docs_and_the_test_client_unimported() -> None:
    assert run(BUILD_AS_SERVE_DOES) == []


def test_a_deferred_library_works_when_first_used() -> None:
    assert run(USE_THEM) == ["loaded", 200, "type"]


def test_the_swagger_ui_is_served_on_first_request() -> None:
    with live_mock() as mock:
        page = httpx.get(f"{mock.base_url}/v1/ui/")
        spec = httpx.get(f"{mock.base_url}/api/openapi.json")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Hissuno internal API"
