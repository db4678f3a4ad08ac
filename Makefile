# Two commands do everything: `make run` (demo site on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machine has two cores, and browser tests spend much of their time waiting.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
# e.g. make bench BENCH_ARGS="--only pages --databases postgres --conversations 1000000"
BENCH_ARGS ?=

.PHONY: help venv run serve demo migrate lint format test test-sqlite test-postgres system-deps bench lock clean vendor-axe backup restore

help:
	@echo "make run    set up, migrate, load frameworks and demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install what the tests need, lint, run the suite on SQLite and PostgreSQL"
	@echo "make bench  benchmarks (not part of the test suite)"
	@echo "make lint   ruff format --check and ruff check"
	@echo "make backup [FILE=...]  back up the database (DATABASE_URL) to backups/ or FILE"
	@echo "make restore FILE=...   replace the database with a backup (asks first)"
	@echo "make vendor-axe  re-fetch axe-core from npm into static/vendor/axe-core (browser tests)"

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

migrate: venv
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_frameworks
	$(PY) manage.py seed_demo

# The demo signs in with the published password alone (README "Signing in"); to try the
# second factor as production requires it: make run DEMO_OTP_REQUIRED_ROLES=partnership_lead,administrator
DEMO_OTP_REQUIRED_ROLES ?=

# Kept counts of periods that are over: a read counts a period without them live, and a
# scheduler keeps them in production (README "Deploying for real"); here once at start.
run: demo
	$(PY) manage.py rebuild_summaries --stale
	@echo "Serving on http://$(HOST):$(PORT)/ — demo logins are listed in README.md"
	OTP_REQUIRED_ROLES="$(DEMO_OTP_REQUIRED_ROLES)" $(PY) manage.py runserver $(HOST):$(PORT)

# Backups hold personal data: keep them as carefully as the database (see README).
backup: venv
	$(PY) manage.py backup_database $(if $(FILE),--output "$(FILE)")

restore: venv
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/outcomes-....dump" >&2; exit 2; }
	$(PY) manage.py restore_database "$(FILE)"

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Debian packages the suite needs: chromium (browser tests) and postgresql (second database).
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

test: venv system-deps lint
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: venv
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: venv
	@echo "== Test suite on PostgreSQL (throwaway cluster) =="
	.ci/with-postgres $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: venv system-deps
	$(PY) bench/run.py $(BENCH_ARGS)

lock: venv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements.lock

# axe-core for the accessibility walk in the browser tests, from the npm registry (not a CDN).
AXE_VERSION ?= 4.14.1
vendor-axe:
	tmp=$$(mktemp -d) && \
	(cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	 tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js package/LICENSE) && \
	mkdir -p static/vendor/axe-core && \
	cp $$tmp/package/axe.min.js $$tmp/package/LICENSE static/vendor/axe-core/ && \
	rm -rf $$tmp
	@echo "axe-core $(AXE_VERSION) in static/vendor/axe-core/ (update README.txt if the version changed)"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
