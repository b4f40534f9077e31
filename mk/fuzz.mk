## fuzz: the fuzz targets of every reader with a long budget (FUZZ_EXAMPLES mutants per reader, default
## 2000: about 10 minutes on 2 cores); findings are written to tests/hostile/crashers/ (keep the smallest
## per cause: test_fuzz.py replays every file there). CI runs the same targets with 12 mutants per reader.
FUZZ_EXAMPLES ?= 2000
.PHONY: fuzz
fuzz: install
	FUZZ_SAVE=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider tests/hostile/test_fuzz.py
