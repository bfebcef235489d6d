# The two commands a newcomer needs: `make demo` and `make test`.
# Both install into a local virtual environment from this project's own files.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test lint bench clean

demo: $(VENV)/.installed
	$(BIN)/jiandu demo

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest -q

bench: $(VENV)/.installed
	$(BIN)/python bench/ingest.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

clean:
	-$(BIN)/jiandu server stop
	rm -rf $(VENV) .jiandu out
