"""Page-image analysis for the scan reader: a photographed sheet found and warped flat (``rectify``), red
seals masked (``seal``), and the ruling lines of tables found in the page (``rules``).

These look at pixels only; what they find travels in the data model (``ScanPage``: ``PageFrame``,
``PageGrid``, ``SealCover``), and table recovery (``tables.scan_layout``) puts the OCR words into it.
"""
