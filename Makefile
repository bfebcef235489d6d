# The two commands a newcomer needs: `make demo` and `make test`.
# Both install into a local virtual environment from this project's own files.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

NEO4J   = neo4j-local/target/classpath.txt

.PHONY: demo test browser bench neo4j workbench clean

demo: $(VENV)/.installed
	$(BIN)/jiandu demo

test: $(VENV)/.installed browser $(NEO4J)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# Headless Chromium and a CJK font for the page tests, from Debian's packages (needs root or sudo).
browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "Noto Sans CJK" || \
	  ( $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq chromium fonts-noto-cjk )

# Neo4j 5 Community for the tests and benchmarks (no Docker): a launcher built with Maven, its
# dependencies fetched from Maven Central as pip fetches ours. `make neo4j` builds it alone.
neo4j: $(NEO4J)
$(NEO4J): neo4j-local/pom.xml $(wildcard neo4j-local/src/main/java/jiandu/*.java)
	mvn -q -B -f neo4j-local/pom.xml package

# The workbench's bundle (committed, so that `make demo` needs no Node.js): rebuild it after changing
# visualizations/workbench/src, from the packages package-lock.json pins.
workbench:
	cd visualizations/workbench && npm ci --no-audit --no-fund && npm run build

bench: $(VENV)/.installed
	$(BIN)/python bench/ingest.py

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

clean:
	-$(BIN)/jiandu server stop
	rm -rf $(VENV) .jiandu out neo4j-local/target
