# Fresh-machine entry points: `make demo` and `make test` need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean

$(BIN)/tmforge: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

# Test extras: the CPU build of torch first (a plain install would pull a
# multi-GB CUDA build), then sentence-transformers and the test tools.
$(VENV)/.test-deps: $(BIN)/tmforge
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test,st]'
	@touch $@

install: $(BIN)/tmforge

# The main job on the bundled sample: Russian and English files -> TMX.
demo: install
	@mkdir -p out
	$(BIN)/tmforge align samples/parallel/ru.txt samples/parallel/en.txt -o out/sample.tmx --force

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) out
