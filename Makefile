# The project's entry points. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Where browser tests save their screenshots (passed to pytest as HELPDESK_SCREENSHOTS).
SCREENSHOT_DIR ?= $(abspath $(or $(HELPDESK_VAR_DIR),var)/screenshots)

.PHONY: install run test lint format lock bench clean

$(STAMP): requirements/dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

install: $(STAMP)

# Where emails link to under `make run` (the worker sends them), unless SITE_URL is set in the
# environment: the address served, with a browsable host for one that listens everywhere.
RUN_SITE_URL = http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

## run: install, migrate, install the beat schedule, load demo data, then serve the web app with a Celery worker and beat
# Ctrl-C (SIGINT to the terminal's whole foreground group) or SIGTERM: the trap first ignores
# further INT/TERM, so it never runs again (`kill 0` would signal this shell too), sends SIGTERM to
# exactly the two processes it started (runserver's reloader then kills its server process; the
# worker's warm shutdown ends its pool and the embedded beat), waits for them and exits 0. (GNU
# make then ends itself with SIGINT: a shell shows 130.) If one of the two ends on its own, e.g.
# the port is taken, the other is stopped the same way and the recipe fails.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_schedules
	$(BIN)/python manage.py load_demo_data
	@echo "Helpdesk at http://$(HOST):$(PORT)/  (Ctrl-C stops the web app, worker and beat)"
	@export SITE_URL="$${SITE_URL:-$(RUN_SITE_URL)}"; \
	stop() { trap '' INT TERM; kill -TERM $$worker $$web 2>/dev/null; wait; }; \
	trap 'stop; exit 0' INT TERM; \
	$(BIN)/celery -A helpdesk worker --beat --loglevel=INFO --concurrency=1 & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) & web=$$!; \
	while kill -0 $$worker 2>/dev/null && kill -0 $$web 2>/dev/null; do sleep 1; done; \
	stop; echo "make run: the web app or the worker ended, so the other was stopped" >&2; exit 1

## test: migrations, Django checks, ruff, ruff format, mypy, the layer check, then pytest
## (PostgreSQL, Redis and browser tests skip locally when absent, fail in CI)
test: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	@echo "$(BIN)/pytest -n auto $(PYTEST_ARGS)"; \
	HELPDESK_SCREENSHOTS="$(SCREENSHOT_DIR)" $(BIN)/pytest -n auto $(PYTEST_ARGS); status=$$?; \
	if [ -n "$$(ls -A "$(SCREENSHOT_DIR)" 2>/dev/null)" ]; then \
	  echo "Browser screenshots: $(SCREENSHOT_DIR)/"; \
	else \
	  echo "Browser screenshots: none taken (browser tests save them in $(SCREENSHOT_DIR)/)"; \
	fi; \
	exit $$status

## lint: ruff, ruff format, mypy and the layer check (what `make test` runs before pytest)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-resolve the pinned dependency files from pyproject.toml
lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

bench: install
	$(BIN)/python -m bench

## rehearsal: the helpdesk on several nodes (3 gunicorn, 2 workers, 2 beats, through PgBouncer, with
## Redis, S3 on moto, SMTP and IMAP), under simulated customers and agents while a web process, a
## worker and a beat are killed; prints its checks and the run folder, fails if one fails.
## REHEARSAL_SECONDS (default 60: about 3 minutes in all) sets the load's length.
.PHONY: rehearsal
rehearsal: install
	$(BIN)/python -m rehearsal

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
