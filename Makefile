# The portal's commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000
AUDIT_PROBE_URL ?= https://pypi.org/pypi/pip/24.0/json

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-22s %s\n", $$1, $$2}'

# Every dependency (dev tools, pip and setuptools too) comes from requirements.lock, each file checked
# against its hash; the portal itself cannot be hash-checked, so it goes in last, with nothing else.
$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# pip itself first, at the locked version and hash: an older machine pip (23.2) resolves an
	# extra (pip-audit's CacheControl[filecache]) to a newer release than the lock's, and refuses it.
	sed -n '/^pip==/,/^    #/p' requirements.lock > $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r $(VENV)/pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Also fingerprints and precompresses (gzip, brotli) every linked file into portal/static/dist,
# so it runs again whenever one of our stylesheets or scripts changes.
portal/static/vendor/.built: node_modules/.installed scripts/build_assets.py $(wildcard portal/static/css/*.css portal/static/js/*.js)
	$(BIN)/python scripts/build_assets.py
	touch $@

# Each language's catalog compiled for use (git-ignored .mo files). Fuzzy entries are never used
# (no --use-fuzzy): an unchecked guess must not reach a person. With no catalog, nothing to do.
CATALOGS := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED_CATALOGS := $(CATALOGS:.po=.mo)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

.PHONY: install
install: $(BIN)/.installed portal/static/vendor/.built $(COMPILED_CATALOGS) ## Install Python and front-end dependencies, compile the catalogs

.PHONY: db-upgrade
db-upgrade: install ## Apply database migrations
	$(FLASK) db upgrade

.PHONY: db-seed
db-seed: db-upgrade ## Load the demo accounts (safe to run twice)
	$(FLASK) seed-demo

.PHONY: db-migration
db-migration: install ## Make a new migration: make db-migration MESSAGE="what changed"
	$(FLASK) db migrate -m "$(MESSAGE)"

.PHONY: run
run: db-seed ## Install, migrate, load demo data and serve on http://127.0.0.1:5000
	$(FLASK) run --host $(HOST) --port $(PORT)

.PHONY: serve
serve: install ## Serve with gunicorn (production: set PORTAL_ENV=production and a secret key)
	$(FLASK) db upgrade
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 'portal:create_app()'

.PHONY: test
test: install ## Install and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "No tests ran: that is a failure."; exit 1; fi; exit $$rc

.PHONY: lint
lint: install ## Lint, check types and look for security mistakes (bandit)
	$(BIN)/ruff check portal tests bench scripts
	$(BIN)/mypy
	$(BIN)/bandit --quiet -c pyproject.toml -r portal

# pip-audit asks PyPI's JSON API about each pinned version in the lock (pypi.org/pypi/NAME/VERSION/json).
# A mirror that serves packages but not that API cannot answer: then this says so in one line and stops
# without failing. --strict fails if any one package cannot be looked up, so a database that answers
# only in part never passes as "no known vulnerabilities"; a known vulnerability fails.
.PHONY: audit
audit: install ## Check requirements.lock for known vulnerabilities (pip-audit; needs PyPI's JSON API)
	@if ! $(BIN)/python -c 'import urllib.request; urllib.request.urlopen("$(AUDIT_PROBE_URL)", timeout=15)' \
	    2>/dev/null; then \
	  echo "pip-audit skipped: PyPI's vulnerability data did not answer ($(AUDIT_PROBE_URL))."; \
	else \
	  $(BIN)/pip-audit --progress-spinner off --strict --disable-pip --require-hashes -r requirements.lock; \
	fi

# Pins every dependency, with hashes, to the versions already locked (new ones at their newest
# allowed); `make lock UPGRADE=--upgrade-package=NAME` moves one. pip-tools runs in its own venv.
.PHONY: lock
lock: ## Write requirements.lock from pyproject.toml (after adding or changing a dependency)
	test -x $(VENV)/lock-tools/bin/pip-compile || ($(PYTHON) -m venv $(VENV)/lock-tools && $(VENV)/lock-tools/bin/pip install --quiet pip-tools==7.6.2)
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/lock-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	  --all-build-deps --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
	  --no-emit-trusted-host $(UPGRADE) -o requirements.lock pyproject.toml

.PHONY: bench
bench: install ## Print the benchmark figures
	@scripts="$(filter-out bench/seed.py bench/hello.py,$(wildcard bench/*.py))"; [ -n "$$scripts" ] || echo "No benchmarks yet (see bench/README.md)"; \
	for script in $$scripts; do $(BIN)/python $$script || exit 1; done

.PHONY: translations-extract
translations-extract: install ## Update translations/messages.pot from the code and templates
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .

# --no-fuzzy-matching: a new or changed message arrives empty (and tests/test_catalogs.py fails until
# it is translated), never as a silent fuzzy guess; --ignore-obsolete: removed messages are dropped.
.PHONY: translations-update
translations-update: translations-extract ## Update every language's .po file from messages.pot
	@if [ -z "$(CATALOGS)" ]; then echo "No catalogs in translations/ yet (see README \"Languages\")."; else \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i translations/messages.pot -d translations; fi

.PHONY: translations-compile
translations-compile: install ## Compile .po files for use (make install does this too)
	@if [ -z "$(CATALOGS)" ]; then echo "No catalogs in translations/ yet."; else \
	  $(BIN)/pybabel compile --statistics -d translations; fi

.PHONY: clean
clean: ## Remove installed dependencies and built assets (keeps the database)
	rm -rf $(VENV) node_modules portal/static/vendor portal/static/dist
