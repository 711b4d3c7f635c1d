# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
# Both create (or reuse) the virtual environment in .venv and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install serve test lint typecheck check eval bench clean

# llama-cpp-python compiles llama.cpp from source on first install (8-20 minutes on 2 cores), CPU only;
# pip caches the built wheel, so later installs (and CI on the same machine) take seconds.
export CMAKE_ARGS ?= -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_BLAS=OFF -DLLAMA_CURL=OFF

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

serve: $(INSTALLED)
	$(BIN)/gateway serve

test: $(INSTALLED)
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

check: lint typecheck test

eval: $(INSTALLED)
	$(BIN)/gateway eval user_detail evals/user_detail.jsonl
	$(BIN)/gateway eval user_detail evals/user_detail_holdout.jsonl
	$(BIN)/gateway eval user_detail evals/user_detail_lists_fresh.jsonl

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

bench: $(INSTALLED)
	$(BIN)/python -m bench
