# Spontane — `make demo` runs everything on embedded defaults; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
DATA_DIR ?= $(abspath ../shared/data)
export DATA_DIR
# Tests keep their temporary files here, so the orphan check below can find what they started.
PYTEST_TMP := $(CURDIR)/instance/pytest-tmp

.PHONY: install lock demo serve test test-embedded test-services check-orphans lint \
	package-check translations bench clean

# What the lock file pins, with hashes; then the project itself (editable, no new deps).
$(VENV)/.installed: requirements.lock setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# After changing a dependency in setup.cfg: pin everything again (tests/test_packaging.py
# fails while the lock does not satisfy setup.cfg).
lock: install
	$(VENV)/bin/pip-compile --quiet --generate-hashes --extra dev --strip-extras \
		--allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements.lock setup.cfg

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

# Web server, worker and cron together (and the embedded Redis); Ctrl-C stops them all.
serve: install
	$(FLASK) serve

# Embedded mode always; again on PostgreSQL / Redis when TEST_DATABASE_URL / REDIS_URL are set.
# Tests run in random order (pytest-randomly prints the seed to replay one).
test: install
	$(MAKE) --no-print-directory test-embedded
	@if [ -n "$$TEST_DATABASE_URL$$REDIS_URL" ]; then $(MAKE) --no-print-directory test-services; \
	else echo "TEST_DATABASE_URL and REDIS_URL unset: PostgreSQL / Redis pass skipped"; fi

test-embedded: install
	mkdir -p $(dir $(PYTEST_TMP))
	env -u TEST_DATABASE_URL -u REDIS_URL $(PY) -m pytest --basetemp=$(PYTEST_TMP) $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory check-orphans

test-services: install
	mkdir -p $(dir $(PYTEST_TMP))
	$(PY) -m pytest --basetemp=$(PYTEST_TMP) $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory check-orphans

# No embedded redis-server the tests started may outlive them (its watchdog stops it
# within a second of the last user's exit).
check-orphans:
	@sleep 2; if pgrep -af "[r]edis-server unixsocket:$(PYTEST_TMP)"; then \
		echo "embedded redis-server left running after the tests"; exit 1; fi

lint: install
	$(VENV)/bin/ruff check server emails tests bench wsgi.py
	$(VENV)/bin/ruff format --check server emails tests bench wsgi.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r server emails wsgi.py

# `pip install .` (not editable) into a fresh venv, then migrations and the demo pages.
package-check: install
	bash .ci/package-check

# Every benchmark on the embedded defaults; the mail one again on PostgreSQL (a fresh
# database on that server, dropped after) when TEST_DATABASE_URL is set.
bench: install
	@set -e; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks yet"; break; }; \
		echo "== $$script"; $(PY) $$script; \
	done; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== bench/bench_mail.py on PostgreSQL"; \
		$(PY) bench/bench_mail.py --database-url "$$TEST_DATABASE_URL"; \
	else echo "TEST_DATABASE_URL unset: bench/bench_mail.py on PostgreSQL skipped"; fi

clean:
	rm -rf instance .pytest_cache .ruff_cache

# Catalogues: extract the English msgids of the code and templates (server/translations/
# babel.cfg), merge them into fr and en (new messages come out empty, changed ones fuzzy:
# translate them, tests/test_translations.py fails until then), then compile the .mo files.
I18N := server/translations
I18N_LANGS := fr en
PYBABEL := $(VENV)/bin/pybabel
.PHONY: translations
translations: install
	$(PYBABEL) --quiet extract -F $(I18N)/babel.cfg -o $(I18N)/messages.pot \
		--project=Spontane --version=0.1.0 --copyright-holder=Spontane \
		--add-location=file --width=100 .
	for lang in $(I18N_LANGS); do \
		$(PYBABEL) --quiet update -i $(I18N)/messages.pot -d $(I18N) -l $$lang --init-missing \
			--ignore-obsolete --ignore-pot-creation-date --width=100 || exit 1; \
	done
	$(PYBABEL) compile --statistics -d $(I18N)
