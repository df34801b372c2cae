# casemix — the commands a newcomer needs. Only Python 3.11+ and pip are assumed on the machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 3000
SEED   ?= 42
SIZE   ?= 100000

export DAGSTER_HOME ?= $(CURDIR)/warehouse/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export DBT_VERSION_CHECK := False
export DO_NOT_TRACK := 1

DBT_SOURCES := $(shell find dbt/models dbt/macros dbt/seeds dbt/tests -type f 2>/dev/null) dbt/dbt_project.yml dbt/profiles.yml

.PHONY: help demo test ui env manifest bench clean reset-warehouse

help:
	@echo "make demo    generate the sample, build the whole warehouse, print a summary"
	@echo "make test    run the test suite"
	@echo "make ui      Dagster UI on http://$(HOST):$(PORT) (HOST=… PORT=… to change)"
	@echo "make bench   end-to-end benchmark (SIZE=100000 by default)"
	@echo "make clean   remove the generated warehouse (keeps the environment)"

# --- environment: a venv with the locked dependencies (uv from PyPI installs them in seconds) ------
$(BIN)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	@$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

env: $(BIN)/.installed

# --- dbt manifest: parsed once, never at import time ---------------------------------------------
dbt/target/manifest.json: $(BIN)/.installed $(DBT_SOURCES)
	@cd dbt && ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target
	@touch $@

manifest: dbt/target/manifest.json

$(DAGSTER_HOME)/dagster.yaml:
	@mkdir -p $(DAGSTER_HOME)
	@printf 'telemetry:\n  enabled: false\n' > $@

# --- the two commands ---------------------------------------------------------------------------
demo: env manifest $(DAGSTER_HOME)/dagster.yaml
	@$(BIN)/casemix init-key
	$(BIN)/casemix generate --out warehouse/landing --seed $(SEED)
	$(BIN)/casemix run
	@echo
	@$(BIN)/casemix summary
	@echo
	@echo "Open the Dagster UI with:  make ui   (then http://$(HOST):$(PORT))"
	@echo "Query the warehouse with:  $(BIN)/python -c \"import duckdb; print(duckdb.connect('warehouse/casemix.duckdb', read_only=True).sql('show all tables'))\""

test: env manifest
	$(BIN)/python -m pytest -q

ui: env manifest $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -m casemix.definitions -h $(HOST) -p $(PORT)

bench: env manifest
	$(BIN)/python -m casemix.bench --size $(SIZE)

clean:
	rm -rf warehouse/casemix.duckdb warehouse/casemix.duckdb.wal warehouse/.duckdb_tmp warehouse/landing \
	       warehouse/dagster_home warehouse/gx dbt/target/run dbt/logs
