"""A headless Chromium for browser tests, and a static server for the pages it opens.

The browser is Playwright's own Chromium when ``playwright install chromium`` could download it, else the
system's (``make test`` installs it through apt: ``.ci/ensure-chromium``); a missing browser fails the test
with the way to install it, never skips it. Pages are served as Vite serves a dashboard: on
``http://localhost:5173``, or a free port when 5173 is taken (another run, a developer's Vite).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

VITE_PORT = 5173
# localhost is 127.0.0.1 only: a developer's Vite on [::1]:5173 must not answer for the test's page.
LOCALHOST_IS_IPV4 = "--host-resolver-rules=MAP localhost 127.0.0.1"
SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class QuietFiles(SimpleHTTPRequestHandler):
    """Files of one folder, without a line per request on stderr."""

    def log_message(self, *args: Any) -> None:
        pass


def _bind(directory: Path, port: int) -> ThreadingHTTPServer:
    return ThreadingHTTPServer(("127.0.0.1", port), functools.partial(QuietFiles, directory=str(directory)))


@contextlib.contextmanager
def static_site(directory: Path, port: int = VITE_PORT) -> Iterator[str]:
    """``directory`` served on 127.0.0.1 (``port``, else a free one when it is taken); yields
    ``http://localhost:<port>``, the origin a dashboard's dev server has."""
    try:
        server = _bind(directory, port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        server = _bind(directory, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path(playwright_default: str) -> str:
    """Playwright's downloaded Chromium if present, else the system's; an AssertionError naming the fix."""
    if Path(playwright_default).exists():
        return playwright_default
    for name in SYSTEM_CHROMIUMS:
        if found := shutil.which(name):
            return found
    raise AssertionError("no Chromium: run .ci/ensure-chromium (apt-get install chromium) "
                         "or .venv/bin/playwright install chromium")


@contextlib.contextmanager
def headless_chromium() -> Iterator[Browser]:
    """A headless Chromium, closed when the block ends."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(playwright.chromium.executable_path),
                                             headless=True, args=[LOCALHOST_IS_IPV4])
        try:
            yield browser
        finally:
            browser.close()
