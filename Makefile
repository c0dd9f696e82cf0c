# Fresh-machine entry points: `make demo` and `make test` need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install clean fuzz fuzz-smoke

$(BIN)/tmforge: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

# Test tools. sentence-transformers needs torch, and a plain `pip install torch`
# on Linux pulls a multi-GB CUDA build: its tests run only where torch is
# already in the venv (CI puts the CPU build there first, see .ci/run), and
# are skipped with the reason otherwise. Ray (the `ray` extra) is installed too, so the cluster
# tests start real Ray nodes; `make demo` never needs it.
$(VENV)/.test-deps: $(BIN)/tmforge
	$(BIN)/python -m pip install -q -e '.[test,ray]'
	@if $(BIN)/python -c 'import torch' 2>/dev/null; then $(BIN)/python -m pip install -q -e '.[test,st]'; fi
	@touch $@

install: $(BIN)/tmforge

# The main job on the bundled sample: Russian and English files -> TMX.
demo: install
	@mkdir -p out
	$(BIN)/tmforge align samples/parallel/ru.txt samples/parallel/en.txt -o out/sample.tmx --force

# One pytest worker per usable core (nproc honours the CPU affinity); a test file stays on one
# worker, so a module's server, browser or cluster is started once.
test: $(VENV)/.test-deps
	$(BIN)/python -m pytest -q -rs -n $$(nproc) --dist loadfile

# Coverage-guided fuzzing of the TMX, tabular and document readers (atheris): FUZZ_RUNS executions
# per reader; findings land in fuzz/findings/ and fail the target. FUZZING.md has the last report.
FUZZ_RUNS ?= 100000
FUZZ_JOBS ?= 1
$(VENV)/.fuzz-deps: $(VENV)/.test-deps
	$(BIN)/python -m pip install -q -e '.[test,fuzz]'
	@touch $@

fuzz: $(VENV)/.fuzz-deps
	$(BIN)/python fuzz/run.py --runs $(FUZZ_RUNS) --jobs $(FUZZ_JOBS)

# CI's bounded smoke run: 20 seconds per reader.
fuzz-smoke: $(VENV)/.fuzz-deps
	$(BIN)/python fuzz/run.py --seconds 20

clean:
	rm -rf $(VENV) out fuzz/corpus fuzz/findings
