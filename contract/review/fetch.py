"""Fetch a served document (``--base https://staging.example/v1/openapi.json``): bounded in time and size, and
every failure one line."""

from __future__ import annotations

import httpx

from contract.review.model import ReviewInputError
from contract.source import MAX_BYTES

TIMEOUT_S = 15.0


def fetch(url: str) -> bytes:
    """The body of a 200 answer to ``GET url`` (redirects followed), at most the lint's size limit."""
    try:
        with httpx.stream("GET", url, timeout=TIMEOUT_S, follow_redirects=True,
                          headers={"Accept": "application/json, application/yaml;q=0.9, */*;q=0.5"}) as response:
            if response.status_code != 200:
                raise ReviewInputError(f"{url}: the server answered {response.status_code}, not 200")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ReviewInputError(f"{url}: the document is larger than {MAX_BYTES:,} bytes")
            return bytes(body)
    except httpx.HTTPError as error:
        raise ReviewInputError(f"{url}: cannot fetch it ({type(error).__name__}: {error})") from None
