# The two commands a newcomer needs: `make demo` and `make test`.
# Both install into a local virtual environment from this project's own files.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: demo test browser bench clean

demo: $(VENV)/.installed
	$(BIN)/jiandu demo

test: $(VENV)/.installed browser
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# Headless Chromium and a CJK font for the page tests, from Debian's packages (needs root or sudo).
browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "Noto Sans CJK" || \
	  ( $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium fonts-noto-cjk )

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
