# Factually: every command a newcomer needs. See README.md and docs/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
BIND ?= 127.0.0.1:8000
WORKERS ?= 3

.PHONY: install run run-payments demo serve bench test soak lint format lock docs clean backup restore

install: $(STAMP)

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Factually needs Python 3.12 or newer; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

# Local development server on the SQLite default, with demo content, and
# the background task worker (receipts and other emails) beside it: the
# worker stops when runserver does, however runserver ends.
run: export DJANGO_DEBUG = 1
# The settings read BIND too: in debug, SITE_URL (links in emails and in
# published pages) follows the address the site is served on.
run: export BIND := $(BIND)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py local_admin
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(BIND)

# `make run` with card payments: the local Stripe stand-in
# (donations/devstripe.py) beside the site, which talks to it. Pay with the
# test card 4242 4242 4242 4242. See docs/developers/getting-started.md.
STRIPE_PORT ?= 8001
run-payments: export DJANGO_DEBUG = 1
run-payments: export STRIPE_SECRET_KEY = sk_test_local_stand_in
run-payments: export STRIPE_API_BASE = http://127.0.0.1:$(STRIPE_PORT)
run-payments: $(STAMP)
	@$(PY) manage.py fake_stripe --port $(STRIPE_PORT) \
		--webhook-url http://$(BIND)/donations/stripe/webhook/ & stand_in=$$!; \
	trap 'kill $$stand_in 2>/dev/null; wait $$stand_in 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MAKE) --no-print-directory run

demo: export DJANGO_DEBUG = 1
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# Production: debug off, hashed static files, gunicorn with
# deploy/gunicorn.conf.py; run one per app server behind nginx
# (deploy/nginx.conf). Needs DJANGO_SECRET_KEY and ALLOWED_HOSTS (and
# DATABASE_URL, REDIS_URL) set. A deploy may change templates and static
# files, so it renders again the stored pages of an older release and
# retires every cached page, before traffic. Run the task worker beside it
# (`manage.py db_worker`), see docs/operators/deploy.md.
serve: export DJANGO_DEBUG = 0
serve: $(STAMP)
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(PY) manage.py rerender_pages
	$(PY) manage.py invalidate_page_cache
	$(PY) manage.py prune_invalidations
	$(BIN)/gunicorn factually.wsgi --config deploy/gunicorn.conf.py --bind $(BIND) --workers $(WORKERS)

# One file holding the database and the stored files, and back: restore
# wants an empty database (see factually/backups.py). Without a secret
# (a laptop) these act on the local site in debug mode; in production, on
# whatever the environment configures.
MANAGE_ENV = $(if $(DJANGO_SECRET_KEY),,DJANGO_DEBUG=1)

backup: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Name the file: make backup BACKUP=factually.zip"; exit 2; }
	$(MANAGE_ENV) $(PY) manage.py backup $(BACKUP)

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Name the file: make restore BACKUP=factually.zip"; exit 2; }
	$(MANAGE_ENV) $(PY) manage.py restore $(BACKUP)

# The page benchmark (bench/pages.py): PostgreSQL and Redis on this host.
# BENCH_ARGS="--duration 5 --publish-duration 20" for a shorter run.
bench: $(STAMP)
	$(PY) bench/pages.py $(BENCH_ARGS)

# Runs the suite and prints line and branch coverage (configured in pyproject.toml).
test: $(STAMP)
	$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

# The newsroom model (tests/newsroom_model/) on fresh random sequences,
# thousands of them: NEWSROOM_EXAMPLES=500 for fewer. Failures print their
# steps, shrunk.
soak: $(STAMP)
	NEWSROOM_SOAK=1 NEWSROOM_EXAMPLES=$${NEWSROOM_EXAMPLES:-2000} \
		$(BIN)/pytest -p no:cacheprovider -p no:logging tests/newsroom_model/test_model.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The manual (docs/, Markdown read by Sphinx and MyST) as a site in
# docs/_build/html. Warnings fail the build, so does a link to a page or a
# heading that does not exist (-n); --keep-going lists every one first.
docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -n -q -b html docs docs/_build/html
	@echo "The manual is in docs/_build/html/index.html"

# Re-resolve the pinned, hashed lock files from pyproject.toml.
lock: $(STAMP)
	$(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes --quiet -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes --quiet -o requirements/dev.txt

clean:
	rm -rf $(VENV) staticfiles screenshots .pytest_cache docs/_build
