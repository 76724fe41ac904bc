# Two entry points for people: `make demo` and `make test`. Each builds its own virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-data

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/chuangyou --data-dir $(DEMO_DIR) demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed
	$(BIN)/mypy --strict

# Two workers, each test file whole in one of them: the suite takes ~8 minutes on 2 cores instead of ~15.
pytest: $(BIN)/.installed
	$(BIN)/pytest -q -n 2 --dist loadfile

test: lint typecheck pytest

bench: $(BIN)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR)
