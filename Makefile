# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app web
PORT ?= 5000
# A Flanders-sized demo: about 10,000 companies and 30,000 recognitions.
DEMO_SITES ?= 12000
DEMO_STUDENTS ?= 5500
export DUAAL_ENV ?= development

.PHONY: install run serve clock test lint fast-test clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Compiled translations are build output, made from the committed .po files.
TRANSLATIONS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# axe-core, for the accessibility check of the browser tests (skipped without npm).
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/axe axe-core@4.10; \
	else echo "npm not found: the accessibility check will be skipped"; fi

install: $(VENV)/.installed $(TRANSLATIONS)

# Extract the strings to translate and merge them into each language's .po file.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location -o $(VENV)/messages.pot .
	$(BIN)/pybabel update -i $(VENV)/messages.pot -d web/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) load-reference
	$(FLASK) seed-demo --if-empty --sites $(DEMO_SITES) --students $(DEMO_STUDENTS)
	$(MAKE) --no-print-directory serve

serve: install
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The scheduled jobs (docs/jobs.md), beside `make run` in a second terminal.
clock: install
	$(BIN)/python -m web.clock

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy matcher models web

test: lint $(AXE)
	$(BIN)/pytest

# The fast tier only: no PostgreSQL, no browser.
fast-test: install
	$(BIN)/pytest -m "not postgres and not browser and not slow"

# Removes the environment and caches; the database in instance/ stays.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
