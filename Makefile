# Two commands set everything up on a fresh clone: `make corpus` and `make test`.
SEEDS ?= seeds
DATA ?= data
WORKERS ?= 2
SCHEDULER ?=
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

N ?= 10000
BASELINE ?= 1

.PHONY: corpus test bench bench-scale lint clean

# The venv is rebuilt whenever pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

corpus: $(STAMP)
	$(PY) -m pipeline corpus --seeds '$(SEEDS)' --data '$(DATA)' --workers $(WORKERS) \
		$(if $(SCHEDULER),--scheduler $(SCHEDULER))

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]' || echo "trafilatura not installed: benchmark runs without it"
	$(PY) -m pip install --quiet resiliparse || echo "resiliparse not installed: benchmark runs without it"
	$(PY) -m benchmarks.bench $(if $(AEB),--aeb $(AEB))

bench-scale: $(STAMP)
	$(PY) -m benchmarks.bench --scale $(N) $(if $(AEB),--aeb $(AEB)) $(if $(filter 0,$(BASELINE)),--no-baseline)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Deletes DATA's outputs, work files and links (current, report); never the seeds.
clean:
	rm -rf $(DATA)/work $(DATA)/current $(DATA)/report $(DATA)/.lock $(DATA)/*.jsonl $(DATA)/*.json $(DATA)/*.html
