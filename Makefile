# Set-up and everyday commands. Everything installs itself: a fresh machine needs only python3 and make.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO   ?= demo
POSTS  ?= 100000

.PHONY: install demo test lint format bench eval clean lock

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	bash scripts/system-deps.sh
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/unmask synth --out $(DEMO)/sample --posts $(POSTS) --seed 7
	rm -f $(DEMO)/unmask.duckdb
	$(BIN)/unmask ingest $(DEMO)/sample/x_api_v2.jsonl --db $(DEMO)/unmask.duckdb
	$(BIN)/unmask stats --db $(DEMO)/unmask.duckdb

test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(PY) -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: install
	$(PY) bench/ingest_bench.py

# Regenerate the lock file from a fresh resolve of pyproject.toml (then run `make test`).
lock:
	rm -rf /tmp/unmask-lock && python3 -m venv /tmp/unmask-lock
	/tmp/unmask-lock/bin/pip install -q -e '.[dev]'
	/tmp/unmask-lock/bin/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
