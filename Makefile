# Gobierno Abierto Quito. `make run` serves the portal; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
VPY := $(VENV)/bin/python
MANAGE := $(VPY) manage.py
PORT ?= 8000
GUNICORN_WORKERS ?= 2
GUNICORN_THREADS ?= 4

# Python >= 3.12: $(PYTHON) if given; else the first of python3.14 … python3 that really runs and is new
# enough (pyenv shims that refuse to run are skipped); else the newest such interpreter pyenv has installed.
define FIND_PYTHON
ok() { "$$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }; \
for c in python3.14 python3.13 python3.12 python3; do \
  p=$$(command -v $$c 2>/dev/null) && ok "$$p" && { echo "$$p"; exit 0; }; \
done; \
root=$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}"); \
for d in $$(ls -1d "$$root"/versions/3.* 2>/dev/null | sort -t/ -k1,1 -V -r); do \
  ok "$$d/bin/python3" && { echo "$$d/bin/python3"; exit 0; }; \
done; \
exit 1
endef

PYTHON ?= $(shell $(FIND_PYTHON))

.PHONY: help run test lint messages clean bench bench-mixed loadtest faulttest _serve

help:
	@echo "make run   - set everything up and serve the portal on http://127.0.0.1:$(PORT), with demonstration data"
	@echo "             beside the real plan (SEED_DEMO=0 make run: the real data only)"
	@echo "make test  - set everything up and run the whole test suite"
	@echo "make bench - benchmark every public page at 1x and 100x data (needs DATABASE_URL and wrk)"
	@echo "make bench-mixed - readers, staff and citizens at once at 100x data: page-cache hit ratio and p95"
	@echo "             (needs DATABASE_URL, REDIS_URL naming a Redis database of its own, wrk and nginx)"
	@echo "make loadtest / make faulttest - realistic load at 100x data, with database and cache faults"

$(VENV)/.python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 or newer is needed and none was found. Install it (for example 'pyenv install 3.13')"; \
	  echo "or point to it: make run PYTHON=/path/to/python3.13"; exit 1; fi
	@echo "Using $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed-run: pyproject.toml $(VENV)/.python
	$(VPY) -m pip install --quiet .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.python
	$(VPY) -m pip install --quiet ".[dev]"
	@touch $(VENV)/.installed-run $@

# A local secret key, generated once, so `make run` serves with debug off like production.
.secret_key: | $(VENV)/.python
	@$(VPY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

.demo_password: | $(VENV)/.python
	@$(VPY) -c 'import secrets; print("quito-" + secrets.token_urlsafe(6))' > $@
	@chmod 600 $@

run: export DJANGO_SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null)
run: export DEMO_PASSWORD ?= $(shell cat .demo_password 2>/dev/null)
run: $(VENV)/.installed-run .secret_key .demo_password
	@$(MAKE) --no-print-directory _serve

_serve: export DJANGO_SECRET_KEY ?= $(shell cat .secret_key)
_serve: export DEMO_PASSWORD ?= $(shell cat .demo_password)
_serve:
	$(MANAGE) migrate --noinput
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore=.venv -v 0; \
	  else echo "gettext is not installed: using the committed translation catalogues"; fi
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) load_quito_plan
	@# SEED_DEMO=0 serves the real data only: any demonstration data seeded earlier is removed.
	@if [ "$(SEED_DEMO)" = "0" ]; then $(MANAGE) purge_demo; else $(MANAGE) seed_demo; fi
	@echo
	@echo "  Gobierno Abierto Quito: http://127.0.0.1:$(PORT)/  (English: http://127.0.0.1:$(PORT)/en/)"
	@echo "  Administration:         http://127.0.0.1:$(PORT)/admin/"
	@if [ "$(SEED_DEMO)" = "0" ]; then echo "  Real data only (SEED_DEMO=0): no demonstration data, no demo accounts"; \
	  else echo "  Demo password:          $$DEMO_PASSWORD  (file .demo_password; SEED_DEMO=0 for real data only)"; fi
	@echo
	@# The task worker (emails, the evidence repository's ZIP) runs beside gunicorn and stops with it. The weekly
	@# email digests are a task that queues its own next run; this queues the first one if none is waiting.
	$(MANAGE) send_digests --schedule
	$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn quito_ga.wsgi --bind 127.0.0.1:$(PORT) --workers $(GUNICORN_WORKERS) \
	  --threads $(GUNICORN_THREADS) --access-logfile - --forwarded-allow-ips 127.0.0.1

# The Nu HTML checker (vnu.jar, from npm's vnu-jar) that tests/quito_ga/test_html_validity.py runs with Java.
# --ignore-scripts: the package's install script would only download a Java runtime; Debian's is used instead.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --silent && touch $@; \
	  else echo "npm is not installed: the HTML validity test is skipped (it may not be in CI)"; fi

test: export DJANGO_SECRET_KEY ?= test-only-secret-key-that-is-long-enough-for-django-checks-0123456789
test: $(VENV)/.installed-dev node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djade --check $$(find templates -name '*.html')
	$(MANAGE) makemigrations --check --dry-run
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages --ignore=.venv -v 0; fi
	$(MANAGE) collectstatic --noinput -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djade $$(find templates -name '*.html')

messages: $(VENV)/.installed-dev
	$(MANAGE) makemessages -l es -l en --ignore=.venv --ignore=staticfiles --no-obsolete

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules

# Every public page against the stack's floor at 1x and 100x data (needs DATABASE_URL and wrk).
bench: export DJANGO_SECRET_KEY ?= bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
bench: $(VENV)/.installed-run
	@[ -n "$$DATABASE_URL" ] || { echo "make bench needs DATABASE_URL naming a PostgreSQL server"; exit 1; }
	$(VPY) bench/run.py $(BENCH_ARGS)

# Anonymous readers (Zipf mix, through nginx with gzip) while staff save a milestone every 15 s and citizens send a
# proposal every 30 s, at 100x data seeded once in <DATABASE_URL's name>_mixed. REDIS_URL's database is flushed.
bench-mixed: export DJANGO_SECRET_KEY ?= bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
bench-mixed: $(VENV)/.installed-run
	@[ -n "$$DATABASE_URL" ] || { echo "make bench-mixed needs DATABASE_URL naming a PostgreSQL server"; exit 1; }
	@[ -n "$$REDIS_URL" ] || { echo "make bench-mixed needs REDIS_URL, a Redis database it may flush"; exit 1; }
	$(VPY) bench/mixed.py $(MIXED_ARGS)

$(VENV)/.installed-load: pyproject.toml $(VENV)/.python
	$(VPY) -m pip install --quiet ".[load]"
	@touch $@

# A realistic mix for 5 minutes at 100x data; with LOAD_ARGS=--scale-out, two app servers behind nginx.
loadtest: export DJANGO_SECRET_KEY ?= load-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
loadtest: $(VENV)/.installed-run $(VENV)/.installed-load
	@[ -n "$$DATABASE_URL" ] || { echo "make loadtest needs DATABASE_URL naming a PostgreSQL server"; exit 1; }
	$(VPY) bench/loadtest.py $(LOAD_ARGS)

# The same load while PostgreSQL is restarted, then while Redis is stopped.
faulttest: export DJANGO_SECRET_KEY ?= load-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz
faulttest: $(VENV)/.installed-run $(VENV)/.installed-load
	@[ -n "$$DATABASE_URL" ] || { echo "make faulttest needs DATABASE_URL naming a PostgreSQL server"; exit 1; }
	$(VPY) bench/loadtest.py --fault postgres $(LOAD_ARGS)
	$(VPY) bench/loadtest.py --fault redis $(LOAD_ARGS)
