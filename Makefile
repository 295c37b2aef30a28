# Everything a fresh machine needs, in two commands: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := out/demo.db

.PHONY: setup system demo test bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $@

# Debian packages the tests use: PostgreSQL server binaries, Chromium, wrk, Java for Spark.
system:
	bash scripts/install-system-deps.sh

demo: setup
	mkdir -p out
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline brief examples/corpus --db $(DEMO_DB)

test: setup system
	$(BIN)/pytest -q

# Every benchmark script (helpers: _*.py and *_data.py); slow: the scale runs take tens of minutes.
bench: setup
	for f in benchmarks/[a-z]*.py; do case $$f in *_data.py) continue;; esac; echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) out build *.egg-info
