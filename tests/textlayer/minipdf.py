"""Tiny hand-built PDFs for the reader's error paths (no PDF writer is a dependency)."""

from __future__ import annotations


def build(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A PDF whose object i+1 is ``objects[i]``; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer_extra + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _page_objects(content: bytes, extra: list[bytes] | None = None) -> list[bytes]:
    stream = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(extra or []),
    ]


def blank_page_pdf() -> bytes:
    """One page with a drawing and no text at all: what a scan without OCR looks like to a text reader."""
    return build(_page_objects(b"0 0 m 100 100 l S"))


def text_pdf(lines: list[tuple[float, float, str]]) -> bytes:
    """One page with ASCII text at (x, y-from-top) positions in 10 pt Helvetica."""
    ops = b"".join(b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET\n" % (x, 842 - y, t.encode("latin-1")) for x, y, t in lines)
    return build(_page_objects(ops))


def encrypted_pdf() -> bytes:
    """Standard security handler (RC4, R2) whose user password is not empty: cannot be opened."""
    o = b"<" + b"11" * 32 + b">"
    u = b"<" + b"22" * 32 + b">"
    enc = b"<< /Filter /Standard /V 1 /R 2 /O " + o + b" /U " + u + b" /P -44 >>"
    return build(_page_objects(b"0 0 m 1 1 l S", [enc]), b"/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ")
