# Every routine action. `make help` lists them.
SHELL := /bin/bash
PYTHON_VERSION := 3.12
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DEBUG=true
PROD_CHECK_ENV := DJANGO_SETTINGS_MODULE=stalking_hub.settings.base DEBUG=false HUB_READ_DOT_ENV=false \
	SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH \
	ALLOWED_HOSTS=hub.example.org DATABASE_URL=postgres://postgres@127.0.0.1:5432/stalking_hub \
	REDIS_URL=redis://127.0.0.1:6379/0

.DEFAULT_GOAL := help
.PHONY: help install services db run demo test test-fast check lint precommit fmt typecheck migrations-check deploy-check bench clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml uv.lock
	@scripts/ensure-python.sh $(PYTHON_VERSION)
	@scripts/ensure-pdf-libs.sh
	@python$(PYTHON_VERSION) -m uv --version >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv
	python$(PYTHON_VERSION) -m uv sync --frozen --python "$$(command -v python$(PYTHON_VERSION))"
	@[ -f .env ] || { cp .env.example .env && echo "Created .env for local development (DEBUG=true)."; }
	@touch $@

install: $(VENV)/.installed ## Create .venv with Python 3.12 and install the locked dependencies

services: ## Check that PostgreSQL and Redis answer (says how to start them if not)
	@scripts/check-services.sh

db: install services ## Create the development database if missing, then migrate
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='stalking_hub'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres stalking_hub
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: db ## Load the demo agencies, users and data
	$(DEV_ENV) $(PY) manage.py seed_demo

run: demo ## Run web + Celery worker + beat with demo data at http://127.0.0.1:8000
	@echo "Stalking Hub: http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	$(DEV_ENV) $(VENV)/bin/honcho -f Procfile.dev start

test: install services ## Run the whole test suite (browser tests included)
	@scripts/ensure-chromium.sh
	$(VENV)/bin/pytest -n 2 --dist loadgroup

check: lint precommit typecheck migrations-check deploy-check test ## Everything CI checks

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

precommit: install ## The pre-commit hooks (ruff, ruff-format, django-upgrade) over every file
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

fmt: install ## Format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: install ## mypy with django-stubs
	$(VENV)/bin/mypy .

migrations-check: install services ## Fail if a model change has no migration
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

deploy-check: install ## Django's deployment checks under production settings
	$(PROD_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

bench: install services ## Run the benchmarks in bench/ (see bench/README.md)
	$(PY) bench/sweep.py
	$(PY) bench/clinic_allocation.py

clean: ## Remove the virtualenv and generated files
	rm -rf $(VENV) staticfiles .run
