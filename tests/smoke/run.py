"""`make smoke`: generate TypeScript types from /v1, start a mock, run the typed and the Python client, stop it.

Steps: install the pinned npm packages locally (``npm ci``), write the bundled /v1 document, generate types with
openapi-typescript, type-check and compile ``client.ts`` with tsc, start ``hissuno-mock serve`` on a free port
with the free plan limited to a few requests per minute, run ``client.ts`` and ``python_client.py`` (each with
its own free-plan key for the 429 step, so they do not share a window), stop the mock. Exit 1 on any failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from contract.spec import load_bundled
from tests.smoke import python_client
from tests.support.servers import ServerStartError, live_mock

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
LIMITED_PLAN = "free"
LIMIT = 3


class SmokeError(RuntimeError):
    pass


def sh(argv: list[str], **kwargs: object) -> None:
    print("+", " ".join(argv), flush=True)
    completed = subprocess.run(argv, check=False, **kwargs)  # type: ignore[call-overload]
    if completed.returncode != 0:
        raise SmokeError(f"{argv[0]} exited with {completed.returncode}")


def build_typescript_client() -> Path:
    """npm ci, types from the bundled spec, tsc; returns the compiled client."""
    npm = shutil.which("npm")
    if npm is None:
        raise SmokeError("npm is not installed: install Node.js 20 or newer for the typed client smoke")
    if not (HERE / "node_modules" / ".bin" / "tsc").exists():
        sh([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE)
    WORK.mkdir(exist_ok=True)
    spec = WORK / "v1.json"
    spec.write_text(json.dumps(load_bundled("v1")))
    bin_dir = HERE / "node_modules" / ".bin"
    sh([str(bin_dir / "openapi-typescript"), str(spec), "-o", str(WORK / "v1.d.ts")], cwd=HERE)
    sh([str(bin_dir / "tsc"), "-p", str(HERE)], cwd=HERE)
    return WORK / "build" / "client.js"


def pick_keys(keys: list[dict[str, str]]) -> tuple[str, str, str]:
    """A standard key of an unlimited plan, and two active keys of the limited plan (one per client)."""
    active = [k for k in keys if k["status"] == "active" and k.get("label") != "rate-limit"]
    writer = next(k["key"] for k in active if k["plan"] != LIMITED_PLAN and k["permission"] == "standard")
    limited = [k["key"] for k in active if k["plan"] == LIMITED_PLAN]
    if len(limited) < 2:
        raise SmokeError(f"the fixtures need two active {LIMITED_PLAN}-plan keys, found {len(limited)}")
    return writer, limited[0], limited[1]


def main() -> int:
    try:
        client_js = build_typescript_client()
        with live_mock("--rate-limit", f"{LIMITED_PLAN}={LIMIT}/minute", log_level=None) as mock:
            print(f"+ hissuno-mock serve at {mock.base_url}", flush=True)
            writer, limited_ts, limited_py = pick_keys(mock.keys.listing)
            env = {
                **os.environ, "SMOKE_BASE_URL": mock.base_url, "SMOKE_KEY": writer,
                "SMOKE_LIMITED_KEY": limited_ts, "SMOKE_LIMIT": str(LIMIT),
            }  # fmt: skip
            sh(["node", str(client_js)], env=env)
            python_client.run(mock.base_url, writer, limited_py, LIMIT)
    except (SmokeError, ServerStartError, python_client.SmokeFailure) as failure:
        print(f"smoke FAILED: {failure}", file=sys.stderr)
        return 1
    print("smoke passed: typescript (openapi-fetch) and python (httpx) clients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
