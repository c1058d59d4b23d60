# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
DEMO   := data/demo.duckdb
PORT   ?= 8501

.PHONY: setup run test test-postgres lint bench demo sample clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# Rebuilt when the code that shapes it changes too (a demo from before the users table has no log-ins).
$(DEMO): $(STAMP) targets.yaml $(wildcard data/sample/*.csv data/sample/*.xlsx) \
		$(wildcard metrics/store/*.py) metrics/actions.py metrics/access/users.py
	$(PY) -m metrics demo --db $(DEMO) --force

demo: $(DEMO)

run: setup $(DEMO)
	@echo "Starting the dashboard on the demo database: http://localhost:$(PORT)"
	@echo "Log in to the demo (demo database only; no other database has a default password):"
	@$(PY) -c "from metrics.access.users import demo_login_lines; print(chr(10).join(demo_login_lines()))"
	METRICS_DB=$(DEMO) $(PY) scripts/serve.py --server.port $(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: setup lint
	$(VENV)/bin/pytest

# The same store, ingest, progress, access, CLI, page and reliability tests on a throw-away
# PostgreSQL server (needs Debian's postgresql; .ci/run installs it).
test-postgres: setup
	scripts/test_postgres.sh

bench: setup
	$(PY) benchmarks/run_all.py

sample: setup
	$(PY) scripts/make_sample_data.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(DEMO) $(DEMO).wal
