# Common tasks. Every target that needs the virtualenv creates or updates it first
# (a no-op when nothing changed); see scripts/bootstrap.sh.

VENV        := .venv
PY          := $(VENV)/bin/python
EXTRAS      ?= test,experiments,dashboard,docs
PYTEST_ARGS ?=
DASHBOARD_ARGS ?=

.PHONY: setup browser run test lint docs bench clean

setup:
	bash scripts/bootstrap.sh "$(EXTRAS)"

# The browser dashboard on http://localhost:8765 (DASHBOARD_ARGS="--port 8080" to change).
run: setup
	$(VENV)/bin/coopsim dashboard $(DASHBOARD_ARGS)

# Debian's Chromium for the dashboard's browser tests, installed when missing.
browser:
	bash scripts/chromium.sh

test: setup browser
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# The documentation site (mkdocs.yml) in site/; any warning fails the build. Material for
# MkDocs announces its end of life (May 2027) at every build; the variable silences that.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

bench: setup
	$(PY) benchmarks/step.py --farms 100000

clean:
	rm -rf $(VENV)
