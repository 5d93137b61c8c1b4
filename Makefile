# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CATALOGUE := onboarding/translations/ru/LC_MESSAGES/messages

.PHONY: run test install install-test translations extract migrate demo matrix browser bench bench-matrix bench-movement bench-stats

# The site, its mail worker's work done after each request, and Synapse on
# SQLite beside it (stopped with the site: Ctrl-C).
run: install translations migrate matrix demo
	$(BIN)/flask --app wsgi matrix serve --port 5000

test: install-test translations browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt

install-test: $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Compiled catalogues are built, not committed.
translations:
	$(BIN)/pybabel compile --use-fuzzy -d onboarding/translations --statistics 2>&1 | tail -n 2

extract:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.* __pycache__ .venv' --no-location --sort-output -o onboarding/translations/messages.pot .
	$(BIN)/pybabel update -i onboarding/translations/messages.pot -d onboarding/translations --no-fuzzy-matching --ignore-obsolete

migrate:
	$(BIN)/flask --app wsgi db upgrade

demo:
	$(BIN)/flask --app wsgi demo

# Synapse's configuration in instance/synapse (secrets made once, kept there).
matrix:
	$(BIN)/flask --app wsgi matrix configure

# Debian's Chromium for the browser tests (never a browser download).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null && command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "NOTE: Chromium is not installed (apt-get install chromium); browser tests will be skipped."; \
	fi

# The benchmark (bench/README.md): PostgreSQL and SQLite at full scale.
# A quicker run: make bench BENCH_ARGS="--scale 0.1".
bench: install-test translations
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The chat engine's benchmark (bench/README.md, «The chat engine»): a school
# of 33 classes provisioned on a fresh Synapse on SQLite, then on PostgreSQL
# (database bench_matrix_synapse, dropped afterwards), joins and the chat
# page. Synapse reaches PostgreSQL through psycopg2, built from source here
# (pg_config), so it is installed for this target only. A small run:
# make bench-matrix BENCH_ARGS=--quick.
bench-matrix: install-test translations
	$(BIN)/pip install --quiet "matrix-synapse[postgres]" psutil
	@if [ -x /usr/bin/wrk ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	$(BIN)/python bench/matrix.py $(BENCH_ARGS)

# Movement against a real Synapse (bench/README.md, «Movement»): the top
# grade leaves, one class moves up, then the rest of a 33-class school, each
# timed until Synapse has it. A small run: make bench-movement BENCH_ARGS=--quick.
bench-movement: install-test translations
	$(BIN)/pip install --quiet "matrix-synapse[postgres]" psutil
	$(BIN)/python bench/movement.py $(BENCH_ARGS)

# The director's statistics (bench/README.md): statements and time per page
# for a school of 10 pupils and one of 1,000, on PostgreSQL.
bench-stats: install-test translations
	$(BIN)/pip install --quiet psutil
	$(BIN)/python bench/stats.py $(BENCH_ARGS)
