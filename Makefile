# The doors to the project. Each target creates .venv from pyproject.toml when it is
# missing or older than pyproject.toml, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GENERATED := $(sort $(wildcard generated/*/))

.PHONY: generate check test lint typecheck bench watch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/python -m generator generate --strict

check: $(STAMP)
	$(BIN)/python -m generator check --strict

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy generator
	@for package in $(GENERATED); do \
		echo "mypy $$package"; \
		(cd $$package && ../../$(BIN)/mypy --strict --no-incremental --cache-dir=/dev/null .) || exit 1; \
	done

test: lint typecheck
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks.run

watch: $(STAMP)
	$(BIN)/python -m generator watch --strict

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .pyapigen_cache
