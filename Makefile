# Every target builds .venv itself, so a fresh clone needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE_PLUGINS := plugins/cchc_dong_thap plugins/cchc_emulation plugins/cchc_overdue_alerts
DEMO_STORE ?= data/tan-hong

.PHONY: demo test lint bench check clean

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(EXAMPLE_PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint]"
	# The example plugins are distributions of their own, installed as a province would.
	$(BIN)/python -m pip install --quiet --no-deps $(addprefix -e ,$(EXAMPLE_PLUGINS))
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_STORE)
	$(BIN)/cchc demo --store $(DEMO_STORE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --curve

lint: $(STAMP)
	$(BIN)/ruff check cchc_tasks tests plugins benchmarks
	$(BIN)/ruff format --check cchc_tasks tests plugins benchmarks
	$(BIN)/mypy

check: lint test

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .hypothesis
