"""Synthetic benchmark corpus: deterministic report documents with their gold files.

Run ``python -m corpora.synthetic.generate --out corpora/bench --seed 0`` (see ``generate.py``).
Modules: ``values`` (organs, numbers, blanks, deliberate inconsistencies, gold), ``tables`` (the
official tables as cell grids with row/column spans), ``document`` (title, prose, blocks), one renderer
per output kind (``render_text``, ``render_html`` with ``site`` for the page around it, ``render_docx``)
and ``pdfs`` (LibreOffice conversion, scan damage, image-only PDFs).
"""
