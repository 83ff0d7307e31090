# corridor: the two commands a newcomer needs.
#   make run   - set up .venv with the pinned dependencies, then run the baseline INSTC scenario
#   make test  - the same set-up, then ruff, mypy and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip install --disable-pip-version-check --only-binary=:all: -c constraints.txt

.PHONY: run test lint typecheck pytest bench bench-experiments clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/corridor run scenarios/instc-baseline.yaml

lint: $(STAMP)
	$(BIN)/ruff check corridor tests $(wildcard bench seeds)
	$(BIN)/ruff format --check corridor tests $(wildcard bench seeds)

typecheck: $(STAMP)
	$(BIN)/mypy corridor

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/bench_engine.py

bench-experiments: $(STAMP)
	$(BIN)/python bench/bench_experiments.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
