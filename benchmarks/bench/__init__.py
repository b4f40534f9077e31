"""The benchmark runner's parts, one job each; ``benchmarks/run.py`` is the command line that puts them together.

* ``corpus``: forms and their documents with gold, the --quick subsets, the order and groups of the forms.
* ``accuracy``: one document's numbers against gold, a form's from its documents', the calibration buckets.
* ``measure``: inside a worker, our extractor on a form (scored, timed) and the floors (bare pdfplumber text,
  bare OCR) our time is compared with.
* ``baselines``: inside a worker, pdfplumber and camelot tables through our matching and scorer.
* ``worker``: the subprocess protocol (``run.py --worker SPEC RESULT``).
* ``suite``: the whole run, every job in its subprocess, the results gathered.
* ``report``: the markdown of benchmarks/RESULTS.md; ``plots``: the PNGs next to it; ``meta``: the run's header
  (commit, machine, command, load).

The modules import the extractor only inside the functions that need it, so that the subprocess that runs a
job loads what that job uses and nothing else.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
