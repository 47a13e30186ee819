# gongkai: the two commands a fresh machine needs are `make demo` and `make test`.
# Only python3 (>= 3.11) and make are assumed; everything else is installed here.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

## The main job on the bundled demo sites.
demo: $(STAMP)
	$(BIN)/gongkai db init
	$(BIN)/gongkai db status

## Lint, then every test (PostgreSQL tests use the server on 127.0.0.1:5432).
test: $(STAMP) lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	@echo "benchmarks arrive with the extraction, crawl and audit issues"; exit 1

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
