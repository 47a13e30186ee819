# gongkai: the two commands a fresh machine needs are `make demo` and `make test`.
# Only python3 (>= 3.11) and make are assumed; everything else is installed here.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint bench venv clean system-deps

## Debian packages the reports need: CJK fonts (charts, PDF), Chromium (report tests), pdftotext,
## Pango and HarfBuzz-subset (WeasyPrint; without it a CJK font takes ~50 s to subset). Installed only when missing; `SYSTEM_DEPS=skip make …` opts out.
SYSTEM_DEBS := fonts-noto-cjk chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

system-deps:
	@if [ "$(SYSTEM_DEPS)" = skip ]; then exit 0; fi; \
	missing=""; for p in $(SYSTEM_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	  echo "installing Debian packages:$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

venv: system-deps $(STAMP)

# Order-only: the system packages are checked on every build, but do not force a reinstall.
$(STAMP): pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

## The main job on the bundled demo sites.
demo: venv
	$(BIN)/gongkai demo

## Tests run on every core (pytest-xdist). Each test module stays on one worker (`--dist loadscope`),
## so a module's shared set-up (a synthetic store, a demo crawl) runs once, not once per worker.
## (`--dist loadgroup` would not: pytest-xdist 3.8 cannot rename pytest 9.2's node ids.)
## `make test PYTEST_PARALLEL=` runs them in one process.
PYTEST_PARALLEL ?= -n auto --dist loadscope

## Lint, then every test (PostgreSQL tests use the server on 127.0.0.1:5432).
test: venv lint
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL)

## The inner loop: no Prefect server, Chromium or classifier evaluation (tests marked `slow`).
test-fast: venv
	$(BIN)/python -m pytest -q -m "not slow" $(PYTEST_PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Benchmarks (minutes, not part of the tests): bench/results.json and bench/RESULTS.md.
bench: venv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
