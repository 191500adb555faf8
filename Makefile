# finops-console: `make demo` starts the console with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv lint bench prod-smoke clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

demo: venv
	scripts/demo.sh

test: venv
	scripts/test.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

bench: venv
	scripts/bench.sh

# The production shape of deploy/ started locally and tried (README, Production).
prod-smoke: venv
	scripts/prod_smoke.sh

clean:
	scripts/services.sh stop || true
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
