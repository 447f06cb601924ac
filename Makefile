# Every target builds .venv itself, so a fresh clone needs only Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.docs-installed
EXAMPLE_PLUGINS := plugins/cchc_dong_thap plugins/cchc_emulation plugins/cchc_overdue_alerts
DEMO_STORE ?= data/tan-hong
# The Python of docs/ (not its Markdown: its code blocks are laid out by hand, as the pages
# show them).
DOCS_PY := docs/conf.py docs/_ext docs/tutorial.ipynb

.PHONY: demo test lint docs bench check clean catalogs

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(EXAMPLE_PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,lint,postgres]"
	# The example plugins are distributions of their own, installed as a province would.
	$(BIN)/python -m pip install --quiet --no-deps $(addprefix -e ,$(EXAMPLE_PLUGINS))
	touch $(STAMP)

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $(DOCS_STAMP)

# The demo writes its store, and each year's report into $(DEMO_STORE)-reports beside it.
demo: $(STAMP)
	rm -rf $(DEMO_STORE) $(DEMO_STORE)-reports
	$(BIN)/cchc demo --store $(DEMO_STORE)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --curve
	$(BIN)/python -m benchmarks.survey_load --clients 50 --seconds 20

lint: $(STAMP)
	$(BIN)/ruff check cchc_tasks tests plugins benchmarks $(DOCS_PY)
	$(BIN)/ruff format --check cchc_tasks tests plugins benchmarks $(DOCS_PY)
	$(BIN)/mypy

# The documentation site, with warnings as errors: a broken link or reference fails.
docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -b html docs docs/_build/html

# The message catalogs: each .po (what translators edit) compiled to the .mo the library
# reads. Run after editing a .po; tests/test_catalogs.py fails while a .mo is stale.
catalogs: $(STAMP)
	$(BIN)/pybabel compile --statistics -D cchc_tasks -d cchc_tasks/locale
	for plugin in $(EXAMPLE_PLUGINS); do \
		for po in $$plugin/*/locale/*/LC_MESSAGES/*.po; do \
			[ -f "$$po" ] && $(BIN)/pybabel compile -i "$$po" -o "$${po%.po}.mo"; \
		done; \
	done; true

check: lint docs test

clean:
	rm -rf $(VENV) data docs/_build .pytest_cache .mypy_cache .ruff_cache .hypothesis
