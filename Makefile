# The doors to the project. Each target creates .venv from pyproject.toml when it is
# missing or older than pyproject.toml, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
GENERATED := $(sort $(wildcard generated/*/))
# openapi-python-client, the peer `make bench` times on the same specs, in an environment of
# its own: its dependencies must not move this project's pins. Only `make bench` needs it.
PEER_VENV := .venv-peer
PEER := openapi-python-client==0.29.1
# Prism, the mock `make bench` times ours against, from the npm registry into a folder of its own.
PRISM_DIR := .prism
PRISM := @stoplight/prism-cli@5.14.2

.PHONY: generate check test corpus lint typecheck bench peer prism watch clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,datamodel-code-generator]'
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/python -m generator generate --strict

check: $(STAMP)
	$(BIN)/python -m generator check --strict

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy generator runtime
	@for package in $(GENERATED); do \
		echo "mypy $$package"; \
		(cd $$package && ../../$(BIN)/mypy --strict --no-incremental --cache-dir=/dev/null .) || exit 1; \
	done

test: lint typecheck
	$(BIN)/python -m pytest

# The published specs of ../shared/corpus in full: every operation through schemathesis,
# more examples. `make test` runs the same tests on a fixed sample of operations.
corpus: $(STAMP)
	$(BIN)/python -m pytest -m corpus --corpus-full tests/test_corpus.py tests/test_models_differential.py

# Where the package index cannot be reached the bench says so and runs without the peer.
peer:
	@test -f $(PEER_VENV)/.installed || { \
		$(PYTHON) -m venv $(PEER_VENV) && \
		$(PEER_VENV)/bin/python -m pip install --quiet '$(PEER)' && \
		touch $(PEER_VENV)/.installed; \
	} || echo "could not install $(PEER) into $(PEER_VENV): the bench runs without it"

# Where npm or the registry cannot be reached the bench says so and runs without Prism.
prism:
	@test -x $(PRISM_DIR)/node_modules/.bin/prism || \
		npm install --silent --no-audit --no-fund --prefix $(PRISM_DIR) '$(PRISM)' || \
		echo "could not install $(PRISM) into $(PRISM_DIR): the bench runs without it"

bench: $(STAMP) peer prism
	$(BIN)/python -m tests.benchmarks.run

watch: $(STAMP)
	$(BIN)/python -m generator watch --strict

clean:
	rm -rf $(VENV) $(PEER_VENV) $(PRISM_DIR) .mypy_cache .pytest_cache .ruff_cache .pyapigen_cache
