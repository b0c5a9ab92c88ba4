# Two commands from a fresh clone: `make mock` and `make test`. Both bootstrap .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 4010
# Two pytest workers: most of the suite waits on sockets and timers, so two halve its time on two cores
# (`make test PYTEST_ARGS=` runs it in one process).
PYTEST_ARGS ?= -n 2

.PHONY: venv mock test lint system-deps pytest bench fuzz smoke sdk sdk-tools clean

venv: $(STAMP)

$(STAMP): pyproject.toml sdks/python/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e sdks/python
	@touch $(STAMP)

mock: venv
	$(BIN)/hissuno-mock serve --host $(HOST) --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/hissuno-contract lint

pytest: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint system-deps pytest

# The Redis-backed tests need a real redis-server, the dashboard E2E test a Chromium; installed when missing.
system-deps: venv
	@bash .ci/ensure-redis-server
	@bash .ci/ensure-chromium $(BIN)/playwright

bench: venv
	$(BIN)/python -m benchmarks

# The full self-fuzz (make test runs a bounded one): Schemathesis against a real mock, >= 10,000 requests.
fuzz: venv
	$(BIN)/python -m tests.hardening.fuzz --requests 10000

# Typed client smoke: openapi-typescript types + openapi-fetch, and httpx, against a mock on a free port.
smoke: venv
	$(BIN)/python -m tests.smoke.run

# The SDKs' generated code from the bundled /v1 document (sdks/generate.py; README "SDKs").
sdk: venv
	$(BIN)/python sdks/generate.py

# The SDK generators and npm packages (make test installs them on first use too).
sdk-tools: venv
	$(BIN)/python -c 'import sys; sys.path.insert(0, "sdks"); import toolchain; toolchain.python_generator_bin(); toolchain.node_bin()'

clean:
	rm -rf sdks/.tools sdks/typescript/node_modules sdks/typescript/dist sdks/typescript/build-test $(VENV) .pytest_cache .hypothesis .ruff_cache build dist *.egg-info
