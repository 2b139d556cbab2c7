# Thin wrapper around tasks.py, which does the real work on every platform.
# Windows users without make: `py tasks.py lab`, `py tasks.py test`, ...
#
# Extra arguments go through ARGS, e.g.  make test ARGS="-k models"

PYTHON ?= python3
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup lab test outputs bench clean

help:
	@echo "Targets (each runs 'setup' first, except clean):"
	@echo "  make setup    create .venv and install the requirements (only when they changed)"
	@echo "  make lab      start JupyterLab on notebooks/ (offline simulation without an API key)"
	@echo "  make test     run the tests with pytest        e.g. make test ARGS=\"-k models\""
	@echo "  make outputs  regenerate the notebooks' stored outputs"
	@echo "  make bench    run the benchmark (bench/run.py)"
	@echo "  make clean    remove .venv and caches"
	@echo "Use another Python with PYTHON=..., e.g. make setup PYTHON=python3.12"

setup:
	$(PYTHON) tasks.py setup

lab test outputs bench:
	$(PYTHON) tasks.py $@ -- $(ARGS)

clean:
	$(PYTHON) tasks.py clean
