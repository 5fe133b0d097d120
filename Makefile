# Every routine action. `make help` lists them.
SHELL := /bin/bash
PYTHON_VERSION := 3.12
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := env DEBUG=true
PROD_CHECK_ENV := DJANGO_SETTINGS_MODULE=stalking_hub.settings.base DEBUG=false HUB_READ_DOT_ENV=false \
	SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH \
	ALLOWED_HOSTS=hub.example.org DATABASE_URL=postgres://postgres@127.0.0.1:5432/stalking_hub \
	REDIS_URL=redis://127.0.0.1:6379/0

.DEFAULT_GOAL := help
# Runs a command with PostgreSQL and Redis: the machine's, or embedded ones from .venv when they do
# not answer in development (HUB_EMBEDDED_SERVICES=auto|never|always; docs/configuration.md).
WITH_SERVICES := $(PY) scripts/services.py exec

.PHONY: help install node services services-status db run demo test test-fast test-matrix check lint precommit fmt typecheck migrations-check deploy-check bench clean clean-data services-stop embedded-check sso-provider _demo _run

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml uv.lock
	@scripts/ensure-python.sh $(PYTHON_VERSION)
	@scripts/ensure-pdf-libs.sh
	@python$(PYTHON_VERSION) -m uv --version >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv
	python$(PYTHON_VERSION) -m uv sync --frozen --compile-bytecode --python "$$(command -v python$(PYTHON_VERSION))"
	@[ -f .env ] || { cp .env.example .env && echo "Created .env for local development (DEBUG=true)."; }
	@touch $@

install: $(VENV)/.installed ## Create .venv with Python 3.12 and install the locked dependencies

# Test-only JavaScript (axe-core for the accessibility checks), exactly as package-lock.json says.
node_modules/.installed: package.json package-lock.json
	@scripts/ensure-node.sh
	npm ci --no-audit --no-fund
	@touch $@

node: node_modules/.installed ## Install the test-only npm packages (axe-core) with npm ci

services: install ## Check that PostgreSQL and Redis answer, or that embedded ones can start
	@$(WITH_SERVICES) -- true

services-status: install ## Show the embedded PostgreSQL and Valkey under .run/ (if any)
	@$(PY) scripts/services.py status

services-stop: install ## Stop embedded servers left running by a killed command (data kept)
	@$(PY) scripts/services.py stop

db: install ## Create the development database if missing, then migrate
	@$(WITH_SERVICES) --create-db -- $(DEV_ENV) $(PY) manage.py migrate --noinput

demo: install ## Load the demo agencies, users and data
	@$(WITH_SERVICES) --create-db -- $(MAKE) --no-print-directory _demo

_demo:
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo

run: install ## Run web + Celery worker + beat with demo data at http://127.0.0.1:8000
	@$(WITH_SERVICES) --run --create-db -- $(MAKE) --no-print-directory _run

_run: _demo
	@echo "Stalking Hub: http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	@# -e /dev/null: the settings read .env themselves without overriding the real environment;
	@# honcho's own .env loading would override it (and hide an embedded server's address).
	$(DEV_ENV) $(VENV)/bin/honcho start -f Procfile.dev -e /dev/null

sso-provider: install ## A local test directory for trying single sign-on (docs/configuration.md)
	@echo "Test OpenID provider at http://127.0.0.1:9400 (Ctrl-C stops it); development only."
	$(VENV)/bin/oidc-provider-mock --port 9400 --user-claims-file stalking_hub/demo/sso_users.yaml

test: install node ## Run the whole test suite (browser tests included, axe-core checks)
	@scripts/ensure-chromium.sh
	@$(WITH_SERVICES) -- $(VENV)/bin/pytest -n 2 --dist loadgroup

embedded-check: install ## CI's embedded job: embedded servers, migrate, demo, /health/ with a worker, a few tests
	@HUB_EMBEDDED_SERVICES=always $(WITH_SERVICES) --create-db -- scripts/embedded-smoke.sh

test-matrix: install ## Every cell of docs/access.md's record-action table (make test runs a sample)
	@$(WITH_SERVICES) -- env HUB_FULL_ACCESS_MATRIX=1 $(VENV)/bin/pytest -n 2 --dist loadgroup tests/test_access_matrix.py

check: lint precommit typecheck migrations-check deploy-check test test-matrix ## Everything CI checks

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

migrations-check: install ## Fail if a model change has no migration
	@$(WITH_SERVICES) -- $(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

deploy-check: install ## Django's deployment checks under production settings
	$(PROD_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

bench: install ## Run the benchmarks in bench/ (see bench/README.md)
	@$(WITH_SERVICES) -- $(PY) bench/sweep.py --rows 1000000
	@$(WITH_SERVICES) -- $(PY) bench/clinic_allocation.py

clean-data: ## Delete .run/ (embedded PostgreSQL and Valkey data, beat schedule); stops them first
	@if [ -x $(PY) ] && [ -d .run ]; then $(PY) scripts/services.py stop >/dev/null || exit 1; fi
	rm -rf .run

clean: clean-data ## Remove the virtualenv and generated files
	rm -rf $(VENV) staticfiles node_modules
