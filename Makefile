# Spontane — `make demo` runs everything on embedded defaults; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
DATA_DIR ?= $(abspath ../shared/data)
export DATA_DIR

.PHONY: install demo serve test test-embedded test-services lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Creates the database, loads the reference data and the Metz companies, then serves.
demo: install
	$(FLASK) db upgrade
	$(FLASK) data load-reference --skip-invalid
	$(FLASK) data load-companies $(DATA_DIR)/etablissements_metz.csv
	$(FLASK) data generate-hires --if-empty
	$(FLASK) scores compute
	$(FLASK) search reindex
	$(FLASK) platforms ensure-demo
	$(MAKE) --no-print-directory serve

# Web server and worker together (and the embedded Redis); Ctrl-C stops them all.
serve: install
	$(FLASK) serve

# Embedded mode always; again on PostgreSQL / Redis when TEST_DATABASE_URL / REDIS_URL are set.
test: install
	$(MAKE) --no-print-directory test-embedded
	@if [ -n "$$TEST_DATABASE_URL$$REDIS_URL" ]; then $(MAKE) --no-print-directory test-services; \
	else echo "TEST_DATABASE_URL and REDIS_URL unset: PostgreSQL / Redis pass skipped"; fi

test-embedded: install
	env -u TEST_DATABASE_URL -u REDIS_URL $(PY) -m pytest $(PYTEST_ARGS)

test-services: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check server emails tests bench wsgi.py
	$(VENV)/bin/ruff format --check server emails tests bench wsgi.py

bench: install
	@set -e; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks yet"; break; }; \
		echo "== $$script"; $(PY) $$script; \
	done

clean:
	rm -rf instance .pytest_cache .ruff_cache
