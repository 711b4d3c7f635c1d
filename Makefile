# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
# Both create (or reuse) the virtual environment in .venv and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install model-runtime test-tools serve test lint typecheck check eval bench clean

# The embedded model's runtime (llama-cpp-python) is compiled once per machine for the CPU family, not for this
# CPU (4-20 minutes on 2 cores), and kept in ~/.cache/gateway/wheels: see scripts/model-runtime.sh.
$(INSTALLED): pyproject.toml Makefile scripts/model-runtime.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	scripts/model-runtime.sh $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[local,dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

# Build the embedded model's runtime again (after a crash report that points here, or a compiler change).
model-runtime: $(INSTALLED)
	scripts/model-runtime.sh $(BIN)/python --rebuild

serve: $(INSTALLED)
	$(BIN)/gateway serve

# Programs the tests run for real (redis-server, chromium), installed from Debian when missing: scripts/test-tools.sh.
test-tools:
	scripts/test-tools.sh

test: $(INSTALLED) test-tools
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

check: lint typecheck test

# Quality on the configured model: each shipped schema's own cases, the development suite, the fresh (held-out)
# suite, and user_detail's older sets. Figures: docs/embedded-model.md.
eval: $(INSTALLED)
	$(BIN)/gateway test
	$(BIN)/gateway eval --suite evals/dev --no-misses
	$(BIN)/gateway eval --suite evals/dev2 --no-misses
	$(BIN)/gateway eval --suite evals/dev3 --no-misses
	$(BIN)/gateway eval --suite evals/dev4 --no-misses
	$(BIN)/gateway eval --suite evals/dev5 --no-misses
	$(BIN)/gateway eval --suite evals/dev6 --no-misses
	$(BIN)/gateway eval --suite evals/dev7 --no-misses
	$(BIN)/gateway eval --suite evals/dev8 --no-misses
	$(BIN)/gateway eval --suite evals/dev9 --no-misses
	$(BIN)/gateway eval --suite evals/fresh --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_dev2.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_dev3.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_dev4.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_dev5.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_holdout.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_lists_fresh.jsonl --no-misses
	$(BIN)/gateway eval user_detail evals/user_detail_fresh.jsonl --no-misses

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

bench: $(INSTALLED)
	$(BIN)/python -m bench
