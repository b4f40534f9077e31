"""Hostile files, generated at test time (nothing binary is committed).

``write_hostile(folder)`` writes every kind into ``folder`` and returns ``{file name: expected error code}``.
Each generator is small and fast (well under a second together); the bombs stay compressed on disk and
are refused by a limit before anything is inflated or decoded.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench"

# [Content_Types].xml and the package relationship: enough for python-docx to open a document.
_CT = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       b'<Default Extension="xml" ContentType="application/xml"/>'
       b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       b'wordprocessingml.document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def zip_bomb_docx(inflated_mb: int = 64) -> bytes:
    """A DOCX whose document.xml inflates from ~60 KB to ``inflated_mb`` MB (ratio ~1000)."""
    body = b"<w:p><w:r><w:t>" + b"0" * (inflated_mb << 20) + b"</w:t></w:r></w:p>"
    xml = f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode() + body + b"</w:body></w:document>"
    return _docx(xml)


def _laughs(levels: int = 10) -> str:
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'
                                        for i in range(1, levels)]
    return "\n".join(ents)


def xml_bomb_docx() -> bytes:
    """Billion laughs in word/document.xml (10^9 "lol"s if the entities were expanded)."""
    xml = (f'<?xml version="1.0"?>\n<!DOCTYPE w:document [\n{_laughs()}\n]>\n'
           f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return _docx(xml.encode())


def xml_bomb_html() -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE html [\n{_laughs()}\n]>\n'
            '<html><body><table><tr><td>&lol9;</td></tr></table></body></html>').encode()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pixel_bomb_png(side: int = 100_000) -> bytes:
    """A PNG header declaring ``side`` x ``side`` pixels (10^10 for the default) and a token IDAT."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _png_chunk(b"IEND", b""))


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose (random) keys match no password."""
    stream = b"BT /F1 12 Tf 72 720 Td (secret) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> >>",
    ]
    return _pdf(objs, b"/Encrypt 5 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] ")


def truncated_pdf() -> bytes:
    """The first 30% of a real text-layer PDF: no xref, no trailer, streams cut mid-way."""
    data = (BENCH / "pdf" / "docs" / "pdf_000.pdf").read_bytes()
    return data[: len(data) * 3 // 10]


def write_hostile(folder: Path) -> dict[str, str]:
    """Write the hostile set into ``folder``; returns {name: expected error code}."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[bytes, str]] = {
        "zero.txt": (b"", "empty"),
        "blank.html": (b" \n\t \r\n", "empty"),
        "encrypted.pdf": (encrypted_pdf(), "encrypted"),
        "truncated.pdf": (truncated_pdf(), "corrupt"),
        "zipbomb.docx": (zip_bomb_docx(), "limit"),
        # over Limits.max_image_pixels (120M): refused from the header, before decoding
        "pixelbomb.png": (pixel_bomb_png(11_000), "limit"),
        # 10^10 pixels trips Pillow's own bomb guard inside Image.open: mapped to limit too
        "pixelbomb_100k.png": (pixel_bomb_png(100_000), "limit"),
        "xmlbomb.docx": (xml_bomb_docx(), "corrupt"),
        "xmlbomb.html": (xml_bomb_html(), "not_a_report"),
        # wrong extensions: the content decides
        "really_a_png.pdf": (pixel_bomb_png(11_000), "limit"),
        "not_a_zip.docx": (b"PK\x03\x04" + b"\x00" * 64, "unsupported"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: code for name, (_, code) in files.items()}


# ---------------------------------------------------------------- bombs that cost only at read time (issue 20)


def many_pages_pdf(pages: int = 1_000_000, declared: int | None = None) -> bytes:
    """A page tree of ``pages`` references to one page object (6 bytes a page: 1M pages in 6 MB) whose
    /Count says ``declared`` (default: the truth). pdfplumber builds a Page object per reference."""
    kids = b"3 0 R " * pages
    count = pages if declared is None else declared
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    return _pdf(objs)


def flate_bomb_pdf(inflated_mb: int = 512) -> bytes:
    """A one-page PDF whose content stream inflates from ~0.5 MB to ``inflated_mb`` MB (compressed in chunks:
    the test never holds the inflated bytes)."""
    c = zlib.compressobj(9)
    zero = b"0" * (1 << 20)
    stream = b"".join(c.compress(zero) for _ in range(inflated_mb)) + c.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _pdf(objs)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def encrypted_flate_bomb_pdf(inflated_mb: int = 512) -> bytes:
    """``flate_bomb_pdf`` under the standard security handler (RC4, revision 2) with an empty user
    password, as a report locked against editing is: the stream is ciphertext to a byte scan, and pdfminer
    deciphers and inflates it whole."""
    c = zlib.compressobj(9)
    zero = b"0" * (1 << 20)
    stream = b"".join(c.compress(zero) for _ in range(inflated_mb)) + c.flush()
    file_id, p = b"0123456789abcdef", -4
    o = _rc4(hashlib.md5(_PAD).digest()[:5], _PAD)  # noqa: S324 - the PDF standard's own key derivation
    key = hashlib.md5(_PAD + o + (p & 0xFFFFFFFF).to_bytes(4, "little") + file_id).digest()[:5]  # noqa: S324
    obj_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]  # noqa: S324
    enc = _rc4(obj_key, stream)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(enc) + enc + b"\nendstream",
        b"<< /Filter /Standard /V 1 /R 2 /P %d /O <%s> /U <%s> >>" % (p, o.hex().encode(), _rc4(key, _PAD).hex().encode()),
    ]
    return _pdf(objs, b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (file_id.hex().encode(), file_id.hex().encode()))


def span_bomb_html(rows: int = 10, cells: int = 13, span: int = 1000) -> bytes:
    """A ~4 KB table whose cells each span ``span`` rows and columns: 10^8 grid positions unless counted."""
    row = "<tr>" + f'<td rowspan="{span}" colspan="{span}">x</td>' * cells + "</tr>"
    return ("<html><body><table>" + row * rows + "</table></body></html>").encode()


def span_bomb_docx(span: int = 1_000_000_000) -> bytes:
    """A DOCX table cell with gridSpan 10^9 (a list of 10^9 cells unless counted)."""
    xml = (f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body><w:tbl><w:tr><w:tc><w:tcPr>'
           f'<w:gridSpan w:val="{span}"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
           '</w:body></w:document>')
    return _docx(xml.encode())


def long_line_text(chars: int = 1_000_000) -> bytes:
    """One line of ``chars`` 一 (the numbering regex used to rescan it from every position: 65 s at 100k)."""
    return ("一" * chars).encode("utf-8")


def write_bombs(folder: Path) -> dict[str, str]:
    """The read-time bombs of issue 20, each refused by a limit before its cost is paid; {name: code}."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "span_bomb.html": (span_bomb_html(), "limit"),
        "span_bomb.docx": (span_bomb_docx(), "limit"),
        "million_pages.pdf": (many_pages_pdf(1_000_000), "limit"),
        "flate_bomb.pdf": (flate_bomb_pdf(512), "limit"),
        "long_line.txt": (long_line_text(1_000_000), "limit"),
        "mostly_binary.txt": (bytes(range(128, 256)) * 64, "decode"),
    }
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)
    return {name: code for name, (_, code) in files.items()}
