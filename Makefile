# The archive's commands. `make run` serves it, `make test` tests it; both install what
# they need into .venv first, starting from nothing but Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SAMPLES ?= samples

.PHONY: install install-dev run test lint format browser db-stop db-status clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ingest $(SAMPLES)
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

test: install-dev
	$(BIN)/pytest

# Debian's Chromium for the browser tests (tests/browser/); Playwright cannot download its own
# browser here. Without it those tests are skipped, so CI runs this before `make test`.
CHROMIUM := /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then \
		echo "Chromium is installed: $$($(CHROMIUM) --version 2>/dev/null)"; \
	elif [ "$$(id -u)" -eq 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends chromium fonts-liberation; \
	else \
		echo "$(CHROMIUM) is missing and installing it needs root:" >&2; \
		echo "  sudo apt-get install chromium fonts-liberation" >&2; \
		echo "Until then the browser tests (tests/browser/) are skipped." >&2; \
		exit 1; \
	fi

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

db-stop: install
	$(BIN)/python manage.py dbserver stop

db-status: install
	$(BIN)/python manage.py dbserver status

clean: db-stop
	rm -rf var/pgdata

# The benchmark: a synthetic corpus of N questions (cached in bench/corpus/N), ingested into a
# fresh database of its own (var/bench-pgdata), then a fixed query mix against the site and two
# baselines. Writes bench/results.json and bench/results.md. `make bench N=20000` is the quick one.
# CORPUS=real copies the ../shared/real samples with fresh ids instead (bench/corpus/real-N),
# and writes bench/results-real.json and bench/results-real.md.
N ?= 1000000
BENCH_SEED ?= 1
CORPUS ?= synthetic
.PHONY: bench
bench: install-dev
	$(BIN)/python -m bench --n $(N) --seed $(BENCH_SEED) --corpus $(CORPUS)

# The load test (not part of `make test`): gunicorn on 127.0.0.1 serving a database of its own
# (archive_loadtest, seeded once), locust in steps of 1, 2, 4, 8 and 16 users for 30 s each;
# stops by itself after about three minutes. Writes loadtest/results.json and prints a table.
.PHONY: loadtest
loadtest: install-dev
	$(BIN)/python loadtest/run.py
