# Set-up and everyday commands. Everything installs itself: a fresh machine needs only python3 and make.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEMO   ?= demo
POSTS  ?= 100000

.PHONY: install demo test lint format bench eval soak clean lock

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	bash scripts/system-deps.sh
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

DB := $(DEMO)/unmask.duckdb

demo: install
	$(BIN)/unmask synth --out $(DEMO)/sample --posts $(POSTS) --seed 7 --quiet
	rm -f $(DB)
	$(BIN)/unmask ingest $(DEMO)/sample/x_api_v2.jsonl --db $(DB)
	$(BIN)/unmask stats --db $(DB)
	$(BIN)/unmask detect --db $(DB) --out $(DEMO)/results
	$(BIN)/unmask eval --truth $(DEMO)/sample/truth.csv --db $(DB)
	$(BIN)/unmask report C001 --db $(DB) --format disarm --out $(DEMO)/results/C001.md
	$(BIN)/unmask report C001 --db $(DB) --format html --out $(DEMO)/results/C001.html
	$(BIN)/unmask export stix --db $(DB) --campaign C001 --out $(DEMO)/results/C001.stix.json
	$(BIN)/unmask lint $(DEMO)/results/C001.md --db $(DB) || true
	@echo "Explore it: $(BIN)/unmask user add you --role analyst --db $(DB) && $(BIN)/unmask serve --db $(DB)"

test: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(PY) -m pytest -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check src tests bench scripts

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

# The figures in bench/RESULTS.md (10M sizes: add --sizes …,10000000 by hand; see RESULTS.md first).
bench: install
	$(PY) bench/ingest_bench.py --sizes 1000000
	$(PY) bench/detect_bench.py --sizes 100000,1000000
	$(PY) bench/web_bench.py --db bench/out/detect-1000000.duckdb

# docs/evaluation.md and docs/img/eval-*.png: the real sets of ../shared next to the peer tools, and the
# built-in scenario (python -m unmask.evaluation --help; without ../shared the page says what it left out).
eval: install
	$(PY) -m unmask.evaluation

# Long fault and load runs (docs/security.md, "Crash safety and load"): 200 kill -9 points of a larger
# ingest, then the locust load test at 10 and 50 req/s on the 1M-post store (built first if absent).
soak: install
	UNMASK_SOAK=1 $(PY) -m pytest -q -s -p no:cacheprovider -m soak tests/reliability
	$(PY) bench/load_test.py --posts 1000000 --rates 10,50 --seconds 60

# Regenerate the lock file from a fresh resolve of pyproject.toml (then run `make test`).
lock:
	rm -rf /tmp/unmask-lock && python3 -m venv /tmp/unmask-lock
	/tmp/unmask-lock/bin/pip install -q -e '.[dev]'
	/tmp/unmask-lock/bin/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
