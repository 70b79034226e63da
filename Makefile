# Common tasks. Every target that needs the virtualenv creates or updates it first
# (a no-op when nothing changed); see scripts/bootstrap.sh.

VENV        := .venv
PY          := $(VENV)/bin/python
EXTRAS      ?= test,experiments
PYTEST_ARGS ?=

.PHONY: setup run test lint bench clean

setup:
	bash scripts/bootstrap.sh "$(EXTRAS)"

run: setup
	$(VENV)/bin/coopsim run scenarios/kazakhstan_2016.toml --farms 20000 --out out/kazakhstan_2016

test: setup
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: setup
	$(PY) benchmarks/step.py --farms 100000

clean:
	rm -rf $(VENV)
