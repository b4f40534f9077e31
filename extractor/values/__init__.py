"""Value parsing: numbers, blanks and units as printed; digits glued together split by the row's rules;
row tokens placed into a template row's cells (``assign.read_row``)."""
