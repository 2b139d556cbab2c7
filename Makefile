# Thin wrapper around tasks.py, which does the real work on every platform.
# Windows users without make: `py tasks.py lab`, `py tasks.py test`, ...
#
# Extra arguments go through ARGS, e.g.  make test ARGS="-k models"

PYTHON ?= python3
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup lab test browser-test outputs bench fuzz doctor clean

help:
	@echo "Targets (each runs 'setup' first, except clean):"
	@echo "  make setup    create .venv and install the requirements (only when they changed)"
	@echo "  make lab      start JupyterLab on notebooks/ (offline simulation without an API key)"
	@echo "                in Chinese; English: KIT_LAB_LANGUAGE=en make lab"
	@echo "  make test     run the tests with pytest        e.g. make test ARGS=\"-k models\""
	@echo "  make browser-test  only the JupyterLab browser test (needs Chromium); refreshes docs/images/playground.png"
	@echo "  make outputs  regenerate the notebooks' stored outputs"
	@echo "  make bench    run the benchmark (bench/run.py)"
	@echo "  make fuzz     fuzz the offline simulator from the OpenAPI description  e.g. ARGS=\"--examples 200\""
	@echo "  make doctor   check the set-up (key, .env, endpoint, proxy) and say how to fix it  e.g. ARGS=--offline"
	@echo "  make clean    remove .venv and caches"
	@echo "Use another Python with PYTHON=..., e.g. make setup PYTHON=python3.12"

setup:
	$(PYTHON) tasks.py setup

lab test outputs bench fuzz doctor browser-test:
	$(PYTHON) tasks.py $@ -- $(ARGS)

clean:
	$(PYTHON) tasks.py clean
