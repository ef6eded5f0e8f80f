# Developer entry points. GNU make.
#
#   make install   .venv (Python 3.11) with the project and its dev extras; quick when done
#   make run       embedded PostgreSQL + Redis, migrations, demo data, web + worker + beat
#   make test      pytest against embedded services (or DATABASE_URL/REDIS_URL if set)
#   make bench     the benchmarks in tests/bench, same services
#   make lint      ruff check + ruff format --check
#
# Variables: PORT=8000 (make run), PYTEST_ARGS="-k foo -x" (make test),
# PYTHON=python3.11 (interpreter used to create .venv), MSO_DATA_DIR (default .data).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000
PYTEST_ARGS ?=
DEVSERVER := $(PY) -m mso.devserver

.PHONY: help install run test bench lint format

help:
	@sed -n 's/^#   make /  make /p' $(firstword $(MAKEFILE_LIST))

install: $(STAMP)

# Reinstalls only when pyproject.toml changes (or .venv is new).
$(STAMP): pyproject.toml
	@if [ ! -x "$(PY)" ]; then \
		echo "Creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -e '.[dev]'
	@touch $@

run: install
	$(DEVSERVER) run --port $(PORT)

test: install
	$(DEVSERVER) env -- $(VENV)/bin/pytest -q $(PYTEST_ARGS)

bench: install
	$(DEVSERVER) env -- $(PY) -m tests.bench

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .
