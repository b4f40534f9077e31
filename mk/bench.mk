## bench: the full benchmark (accuracy, flags, identities, speed, baselines) -> benchmarks/RESULTS.md
bench: install
	$(PY) -m pip install -q -e ".[bench,camelot]"
	$(PY) benchmarks/run.py

## bench-quick: a 3-documents-per-form subset (CI runs it inside the tests)
bench-quick: install
	$(PY) -m pip install -q -e ".[bench]"
	$(PY) benchmarks/run.py --quick --out out/RESULTS-quick.md
