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

# Opens the console on a demo database in the user's data directory (made on first run).
run: $(STAMP)
	@db=$$($(BIN)/schildwacht db path); \
	if [ ! -f "$$db" ]; then \
		echo "Creating a demo database at $$db"; \
		SCHILDWACHT_NEW_SECRET=demo-secret $(BIN)/schildwacht init --callsign OPS-01 \
			--name "Demo shift leader" --role shift_leader --unit RT && \
		$(BIN)/schildwacht demo --scale small; \
	fi
	$(BIN)/schildwacht

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
