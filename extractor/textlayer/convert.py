"""Word 97-2003 (DOC) and WPS files: converted to DOCX by LibreOffice headless, then read as DOCX.

LibreOffice is a system package (Debian ``libreoffice-writer``); when it is missing the user gets a
``MissingDependencyError`` naming it. The conversion runs as an argument list with a timeout, in a
temporary folder with a throw-away LibreOffice profile, removed in ``finally``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..datamodel import Document
from ..errors import CorruptDocumentError, EngineError, ExtractionTimeout, MissingDependencyError
from ..ingest import RawInput
from ..options import Options
from ..settings import settings

INSTALL_HINT = ("DOC/WPS files need LibreOffice to convert them: apt-get install libreoffice-writer "
                "(or set EXTRACTOR_SOFFICE to the soffice binary)")
# A cold LibreOffice start converts one report in 1–2 s here (tooling notes §2); a minute means stuck.
CONVERT_TIMEOUT_S = 60.0


def soffice() -> str:
    exe = settings().soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise MissingDependencyError(INSTALL_HINT)
    return exe


def convert_to_docx(data: bytes, suffix: str = ".doc", timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    exe = soffice()
    tmp = Path(tempfile.mkdtemp(prefix="extractor-lo-"))
    try:
        src = tmp / f"input{suffix}"
        src.write_bytes(data)
        cmd = [exe, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(tmp / "out"), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise ExtractionTimeout(f"LibreOffice conversion took more than {timeout:.0f} s") from e
        out = tmp / "out" / "input.docx"
        if not out.exists():
            msg = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            if proc.returncode != 0:
                raise EngineError(f"LibreOffice failed (exit {proc.returncode}): {msg}")
            raise CorruptDocumentError(f"LibreOffice could not read the document: {msg or 'no output'}")
        return out.read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load(raw: RawInput, options: Options) -> Document:
    from .docx import load as load_docx

    docx_bytes = convert_to_docx(raw.data, ".doc", min(CONVERT_TIMEOUT_S, options.limits.timeout_s))
    doc = load_docx(RawInput(name=raw.name, data=docx_bytes, format="docx", sha256=raw.sha256), options)
    return doc.model_copy(update={"format": raw.format})
