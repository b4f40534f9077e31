# Synthetic benchmark corpus (corpora/synthetic -> corpora/bench). Included from the Makefile.
#   make corpus                                  # everything (LibreOffice for the PDF and scan forms)
#   make corpus CORPUS_FORMS=text_lines,html CORPUS_N=3 CORPUS_OUT=/tmp/c
PY ?= .venv/bin/python
CORPUS_OUT ?= corpora/bench
CORPUS_SEED ?= 0
CORPUS_FORMS ?=
CORPUS_N ?=

.PHONY: corpus corpus-deps

# Debian packages for DOCX -> PDF (LibreOffice Writer) and CJK glyphs in the PDFs and scans.
corpus-deps:
	@command -v libreoffice >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || \
	  (apt-get update && apt-get install -y --no-install-recommends libreoffice-writer fonts-noto-cjk)

corpus: corpus-deps
	$(PY) -m corpora.synthetic.generate --out $(CORPUS_OUT) --seed $(CORPUS_SEED) \
	  $(if $(CORPUS_FORMS),--forms $(CORPUS_FORMS)) $(if $(CORPUS_N),--n $(CORPUS_N))
