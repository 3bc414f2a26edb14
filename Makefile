# The two set-up commands of the README are `make build` and `make test`; everything they need
# is installed here, into .venv, from pinned versions (requirements.lock), so a fresh machine
# with Python 3.11 produces byte-identical output.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build/dataset
SITE ?= build/site
HASH := $(shell cat pyproject.toml requirements.lock 2>/dev/null | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(HASH)
TEST_STAMP := $(VENV)/.installed-test-$(HASH)

.PHONY: build dataset docs test lint evaluate clean system-deps

build: evaluate dataset docs  ## the evaluation figures, the dataset folder (its card quotes them) and the docs site

dataset: $(STAMP) evaluate
	$(BIN)/zhnews build --out $(OUT) --evaluation $(dir $(OUT))evaluation.json

docs: $(STAMP) system-deps
	$(BIN)/zhnews docs --dataset $(OUT) --site $(SITE) --evaluation $(dir $(OUT))evaluation.json

test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

evaluate: $(STAMP)
	$(BIN)/zhnews evaluate --json $(dir $(OUT))evaluation.json

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

# Debian packages: a CJK font (charts must show Chinese, not boxes) and Chromium for the
# browser tests. Installed only when missing; needs root, as on CI and the dev machines.
system-deps:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q . || ! command -v chromium >/dev/null; then \
	  echo "installing Debian packages: chromium fonts-noto-cjk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null; \
	fi

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q -c requirements.lock -e .
	rm -f $(VENV)/.installed-*
	touch $@

# The tests also need the test tools and the optional distributed executor (Ray, local mode).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test,distributed]'
	touch $@

clean:
	rm -rf build .pytest_cache
