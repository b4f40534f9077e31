## fuzz: the fuzz targets of every reader with a long budget (FUZZ_EXAMPLES mutants per reader, default
## 4500: about 10 minutes, measured 2026-12-07: 2000 took 4.5 min); findings are written to tests/hostile/crashers/ (keep the smallest
## per cause: test_fuzz.py replays every file there). CI runs the same targets with 12 mutants per reader.
FUZZ_EXAMPLES ?= 4500
.PHONY: fuzz
fuzz: install
	FUZZ_SAVE=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider --durations=0 tests/hostile/test_fuzz.py
