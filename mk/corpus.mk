# Synthetic benchmark corpus (corpora/synthetic -> corpora/bench). Included from the Makefile.
#   make corpus                                  # everything (LibreOffice for the PDF and scan forms)
#   make corpus CORPUS_FORMS=text_lines,html CORPUS_N=3 CORPUS_OUT=/tmp/c
#   make corpus-series                           # the multi-year series of one body (corpora/series; no LibreOffice)
#   make corpus-converted                        # real + bench documents through third-party converters (corpora/converted)
PY ?= .venv/bin/python
CORPUS_OUT ?= corpora/bench
CORPUS_SEED ?= 0
CORPUS_FORMS ?=
CORPUS_N ?=
SERIES_OUT ?= corpora/series
SERIES_SEED ?= 0

.PHONY: corpus corpus-deps corpus-series corpus-converted

# Debian packages for DOCX -> PDF (LibreOffice Writer) and CJK glyphs in the PDFs and scans.
corpus-deps:
	@command -v libreoffice >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || \
	  (apt-get update && apt-get install -y --no-install-recommends libreoffice-writer fonts-noto-cjk)

corpus: corpus-deps
	$(PY) -m corpora.synthetic.generate --out $(CORPUS_OUT) --seed $(CORPUS_SEED) \
	  $(if $(CORPUS_FORMS),--forms $(CORPUS_FORMS)) $(if $(CORPUS_N),--n $(CORPUS_N))

# Seven years of one reporting body (+ a second body), consistent and with one break: see corpora/series/README.md.
corpus-series:
	$(PY) -m corpora.synthetic.series --out $(SERIES_OUT) --seed $(SERIES_SEED)

# corpora/real and a sample of the bench forms through pinned third-party converters (the `convert` extra):
# see corpora/converted/README.md. Byte for byte the same on every run with the same pins.
corpus-converted: install
	$(PY) -m pip install -q -e ".[convert]"
	$(PY) -m corpora.convert
