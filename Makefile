# The fact-check workbench. `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install run test lint format worker model chromium clean-data

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(PY):
	python3 -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt | $(PY)
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned dependencies (idempotent)

run: install ## set up and start the workbench on http://127.0.0.1:8000, or $$PORT (Ctrl-C stops all)
	$(PY) scripts/run_workbench.py

test: install chromium ## set up and run the whole test suite (browser tests included)
	$(PY) -m factcheck.embedded ensure
	$(PY) -m pytest $(PYTEST_ARGS)

chromium: ## install Debian's Chromium for the browser tests if it is missing (needs root)
	@command -v chromium >/dev/null || { \
	  echo "Chromium is missing: installing Debian's package (the browser tests need it)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: install ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install ## run a Celery worker alone (with beat), on the main and the parse queue
	$(VENV)/bin/celery -A factcheck worker --beat --loglevel=INFO --pool=prefork -Q celery,$${PARSE_QUEUE:-parse},matching

CHECKWORTHINESS_TRAIN ?= ../shared/data/checkworthiness/claimbuster_crowdsourced_train.csv
model: install ## rebuild claims/extraction/scorer_model.json and scorer_transcript.json from the ClaimBuster training file
	$(PY) bench/train_scorer.py $(CHECKWORTHINESS_TRAIN)

clean-data: ## stop the embedded PostgreSQL and delete .data/ (all local data)
	-$(PY) -m factcheck.embedded stop
	rm -rf .data
