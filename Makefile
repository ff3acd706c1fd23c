# openesx-license: every target creates .venv and installs what it needs on a fresh machine.
PY        ?= python3
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
DEMO_OUT  ?= build/demo
JOBS      ?=

.PHONY: all install demo test lint bench bench-scan bench-audit bench-gate bench-copied browser clean

all: demo

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip wheel setuptools

$(STAMP): $(BIN)/python pyproject.toml setup.py
	$(BIN)/python -m pip install -q -e '.[lint]'
	touch $@

install: $(STAMP)

# Chromium for the browser test comes from Debian (never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium'" >&2; exit 2; fi; }

$(TESTSTAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	touch $@

demo: $(STAMP)
	$(BIN)/openesx-license audit examples/openesx-mini --policy rules/openesx.toml \
	  --out $(DEMO_OUT) --format html,json,sarif,spdx,cyclonedx,notice,md --fail-on never
	@echo "Reports written to $(DEMO_OUT)/ (open $(DEMO_OUT)/report.html)"

test: $(TESTSTAMP) browser
	$(BIN)/python -m pytest -n 2 -q -p no:cacheprovider

lint: $(TESTSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check openesx_license tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache
