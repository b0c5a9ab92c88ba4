"""Pytest's configuration for every test package. Keep this small: the harness is ``tests/support``, and
package-specific fixtures live next to their tests."""

from __future__ import annotations

# pytester drives the conformance pytest plugin in a child session (tests/conformance); pytest only accepts
# pytest_plugins in the top-level conftest.
pytest_plugins = ["pytester", "tests.support.fixtures"]
