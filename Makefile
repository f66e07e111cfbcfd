# Two entry points for a fresh machine (see README "Quick start"):
#   make demo   -- create/reuse .venv, install the light path (numpy, lark, rich, sympy,
#                  networkx: no torch, no matplotlib), run a PRAM example
#   make test   -- create/reuse .venv, install everything (test, learn and plot extras), run
#                  the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
LIGHT   = $(VENV)/.installed-light

.PHONY: demo test test-slow lint bench mutation fuzz venv clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# Pinned CPU build of torch (the unpinned package is a multi-GB CUDA build).
	$(PY) -m pip install -q "torch==2.13.0"
	$(PY) -m pip install -q -e ".[dev,learn,plots]"
	@touch $(STAMP)

# The light path for students: the PRAM, the processes and every construction need only the
# base dependencies; torch (learned experiments, weights backend) and matplotlib (plots) are
# extras. A full install (STAMP) also satisfies the demo.
$(LIGHT): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -f $(STAMP) -a $(STAMP) -nt pyproject.toml || { \
	  $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e . ; }
	@touch $(LIGHT)

venv: $(STAMP)

demo: $(LIGHT)
	$(PY) -m simulators.pram run examples/pram/prefix_sum.pram --input A=3,1,4,1,5

test: $(STAMP)
	$(PY) -m pytest -q

test-slow: $(STAMP)
	RUN_SLOW=1 HYPOTHESIS_PROFILE=thorough $(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check simulators constructions proofs_checks tests experiments benchmarks tools conftest.py
	$(PY) -m mypy   # the files listed under [tool.mypy] in pyproject.toml

# Mutation gate (docs/mutation.md): plants each catalogued bug in a scratch copy of HEAD and
# runs its default-suite tests; writes docs/results/mutation.json and docs/mutation.md.
mutation: $(STAMP)
	nice -n 10 $(PY) -m tools.mutation

# Coverage-guided fuzzing of the .pram front end and the trace JSON reader (docs/robustness.md):
# FUZZ_SECONDS each (default 120), atheris when it installs, else a fixed-budget mutation loop;
# findings go to .fuzz/findings (exit 1). The CLI fuzz tests themselves run in `make test`.
FUZZ_SECONDS ?= 120
fuzz: $(STAMP)
	-$(PY) -m pip install -q -e ".[fuzz]"
	nice -n 10 $(PY) tools/fuzz_frontends.py pram --seconds $(FUZZ_SECONDS)
	nice -n 10 $(PY) tools/fuzz_frontends.py trace --seconds $(FUZZ_SECONDS)

bench: $(STAMP)
	for f in benchmarks/*.py; do $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
