# Two commands set everything up on a fresh machine:  `make run`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install sysdeps run test lint schema clean bench bench-quick

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[docs,ocr,service,bench,parquet,ray,dev,convert]"
	rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# `make run` installs only what the main job needs (document readers, OCR, Parquet outputs); `make test` and
# the other targets install everything. A venv that already has everything is used as it is.
RUN_STAMP := $(VENV)/.run-$(shell cksum pyproject.toml | cut -d' ' -f1)
$(RUN_STAMP): pyproject.toml
	@if [ -f $(STAMP) ]; then touch $@; else \
	  $(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q --upgrade pip && \
	  $(PY) -m pip install -q -e ".[docs,ocr,parquet]" && rm -f $(VENV)/.run-* && touch $@; fi

## sysdeps: Debian packages — LibreOffice (DOC/WPS conversion, corpus PDFs), a CJK font, Chromium
## (headless screenshots of the review page in the tests), curl and jq (the README's commands, run by a test)
## — if missing
sysdeps:
	@{ command -v soffice >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 \
	   && command -v jq >/dev/null 2>&1; } || { \
	  echo "installing libreoffice-writer fonts-noto-cjk chromium curl jq (Debian)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer fonts-noto-cjk chromium curl jq >/dev/null; }

## run: the main job on the bundled corpus — batch-extract corpora/real, print the summary and the score
run: $(RUN_STAMP)
	$(VENV)/bin/extractor batch corpora/real/docs --out out/real
	$(PY) benchmarks/score.py corpora/real/gold out/real/reports.jsonl

## test: the whole test suite (what CI runs)
test: install sysdeps
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check extractor benchmarks tests
	$(VENV)/bin/mypy extractor
	$(VENV)/bin/lint-imports --no-cache

## schema: regenerate the published JSON Schemas (the Report, the Comparison)
schema: install
	$(VENV)/bin/extractor schema --out schema/report.schema.json
	$(VENV)/bin/extractor schema --compare --out schema/compare.schema.json

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

-include mk/*.mk
