# Two commands a newcomer needs: `make run` and `make test`. Both build .venv when it is missing.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test bench lock schema clean

$(BIN)/praxis: pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch first: argostranslate -> stanza -> torch would otherwise pull CUDA wheels.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $(BIN)/praxis

run: $(BIN)/praxis
	$(BIN)/praxis run

test: $(BIN)/praxis
	$(BIN)/pytest -q

bench: $(BIN)/praxis
	$(BIN)/python bench/bench_translate.py
	$(BIN)/python bench/bench_linking.py
	$(BIN)/python bench/bench_run.py --corpus inbox --size 1000
	$(BIN)/python bench/bench_run.py --corpus csv --size 10000

schema: $(BIN)/praxis
	$(BIN)/praxis schema

# Regenerate the pinned transitive set after changing pyproject.toml.
lock: $(BIN)/praxis
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) .prefect processed/*.jsonl processed/*.csv processed/*.parquet processed/*.json
