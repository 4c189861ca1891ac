# The README's two commands: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Opens the console on its own demo database, .venv/demo.db (made on first run). It never opens
# the user's database: the path is passed with --db, whatever SCHILDWACHT_DB says.
DEMO_DB := $(CURDIR)/$(VENV)/demo.db

run: $(STAMP)
	@if [ ! -f "$(DEMO_DB)" ]; then \
		echo "Creating a demo database at $(DEMO_DB)"; \
		SCHILDWACHT_NEW_SECRET=demo-secret $(BIN)/schildwacht --db "$(DEMO_DB)" init \
			--callsign OPS-01 --name "Demo shift leader" --role shift_leader --unit RT && \
		$(BIN)/schildwacht --db "$(DEMO_DB)" demo --scale small || \
		{ rm -f "$(DEMO_DB)" "$(DEMO_DB)-wal" "$(DEMO_DB)-shm"; exit 1; }; \
	fi
	@echo "Opening the demo database $(DEMO_DB) (commands: SCHILDWACHT_DB=$(DEMO_DB))"
	@env -u SCHILDWACHT_USER -u SCHILDWACHT_SECRET $(BIN)/schildwacht --db "$(DEMO_DB)"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Two workers: the machines this runs on have two cores (set PYTEST_WORKERS to change it).
PYTEST_WORKERS ?= 2

test: lint
	$(BIN)/pytest -n $(PYTEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
