# The two commands a person needs: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint typecheck pytest index browser nginx accessibility clean train

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Builds the index when it is missing, stale or made with another model; otherwise leaves it.
index: $(STAMP)
	$(BIN)/mscqa index status >/dev/null 2>&1 || $(BIN)/mscqa index update

run: index
	$(BIN)/mscqa serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (CI runs as root on a clean machine).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# Debian's nginx for the tests of deploy/nginx/mscqa.conf (the site file in front of replicas).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null; }

# axe-core for the accessibility audit, at the version in tests/browser/axe/package-lock.json.
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
	cd tests/browser/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser nginx $(AXE)
	$(BIN)/pytest -q

test: lint typecheck pytest

# Only the accessibility tests (axe-core audit and keyboard), also part of `make test`.
accessibility: $(STAMP) browser $(AXE)
	$(BIN)/pytest -q tests/browser/test_accessibility.py

# Retrains the answer ranker and the statement verifier into src/mscqa/data/models/ from
# ../shared/train and ../shared/bench (fixed seeds; under an hour on two idle cores) and prints
# their figures. Never part of `run` or `test`. The ranker is the question-answer bi-encoder
# measured best in benchmarks/RESULTS.md ("Answer ranker, shipped": MedQuAD, then COVID-QA, about
# 12 minutes on two idle cores, the verifier about 2); after retraining it, refit the answer model with
# `benchmarks/calibrate.py --ranker --write`. Last, MedQuAD's topic names for "not
# covered" (src/mscqa/data/medquad_topics.txt, seconds).
train: $(STAMP)
	$(BIN)/python -m mscqa.training.qa_encoder --medquad-questions 5000 \
	  --ship src/mscqa/data/models/ranker
	$(BIN)/python -m mscqa.training.verifier
	$(BIN)/python -m mscqa.training.topics

clean:
	rm -rf $(VENV) index/versions index/CURRENT.json .pytest_cache .mypy_cache .ruff_cache \
	  tests/browser/axe/node_modules
