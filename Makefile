# Thin wrapper around tasks.py, which does the real work on every platform.
# Windows users without make: `py tasks.py lab`, `py tasks.py test`, ...
#
# Extra arguments go through ARGS, e.g.  make test ARGS="-k models"

PYTHON ?= python3
ARGS ?=
LESSON ?=

.DEFAULT_GOAL := help
.PHONY: help setup lab test browser-test outputs bench fuzz doctor relay clean fresh changed

help:
	@echo "Targets (each runs 'setup' first, except clean, fresh and changed):"
	@echo "  make setup    create .venv and install what learners need (only when it changed)"
	@echo "  make lab      start JupyterLab on my-notebooks/, your own copies of the lessons"
	@echo "                (offline simulation without an API key); notebooks/ stays untouched"
	@echo "                interface in the system's language; KIT_LAB_LANGUAGE=zh or en picks one"
	@echo "  make fresh    a fresh copy of one lesson, e.g. make fresh LESSON=zh/03_vision, or of all"
	@echo "                (make fresh); your copy is kept beside it as a backup"
	@echo "  make changed  list lessons updated upstream since your copy was made"
	@echo "  make test     run the tests with pytest        e.g. make test ARGS=\"-k models\""
	@echo "  make browser-test  only the JupyterLab browser test (needs Chromium); refreshes docs/images/playground.png"
	@echo "  make outputs  regenerate the notebooks' stored outputs"
	@echo "  make bench    run the benchmark (bench/run.py)"
	@echo "  make fuzz     fuzz the offline simulator from the OpenAPI description  e.g. ARGS=\"--examples 200\""
	@echo "  make doctor   check the set-up (key, .env, endpoint, proxy) and say how to fix it  e.g. ARGS=--offline"
	@echo "  make relay    the teacher's relay: your API key shared with the room, with limits"
	@echo "                e.g. make relay ARGS=\"--class-list student_keys.csv --host 0.0.0.0 --rpm 20\""
	@echo "  make clean    remove .venv and caches"
	@echo "Use another Python with PYTHON=..., e.g. make setup PYTHON=python3.12"
	@echo "Slow or blocked pypi.org (e.g. mainland China)? Use a mirror of the package index:"
	@echo "  PIP_INDEX_URL=https://pypi.tuna.tsinghua.edu.cn/simple make lab   (or Aliyun's"
	@echo "  https://mirrors.aliyun.com/pypi/simple/); uv and pip both use it."

setup:
	$(PYTHON) tasks.py setup

lab test outputs bench fuzz doctor relay browser-test:
	$(PYTHON) tasks.py $@ -- $(ARGS)

fresh:
	$(PYTHON) tasks.py fresh $(LESSON)

changed:
	$(PYTHON) tasks.py changed

clean:
	$(PYTHON) tasks.py clean
