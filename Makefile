# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest test-pg fuzz clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/wellness migrate
	$(BIN)/wellness content check
	$(BIN)/wellness serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check wellness tests $(wildcard bench scripts)

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

pytest: $(VENV)/.dev-installed chromium
	$(BIN)/pytest -q

# The PWA's end-to-end tests drive Debian's Chromium (never `playwright install`).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

test: lint typecheck pytest

# The same suite on PostgreSQL: WELLNESS_TEST_DATABASE_URL=postgres://… make test-pg
test-pg: $(VENV)/.dev-installed
	@test -n "$(WELLNESS_TEST_DATABASE_URL)" || (echo "set WELLNESS_TEST_DATABASE_URL" && exit 2)
	$(BIN)/pytest -q

# The fuzz suite with many more examples per operation than `make test` runs.
fuzz: $(VENV)/.dev-installed
	WELLNESS_FUZZ_EXAMPLES=$${WELLNESS_FUZZ_EXAMPLES:-1000} $(BIN)/pytest -q -m fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
