"""Tell what a file is from its first bytes: the file name and extension mean nothing."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from ..model import Format

_X12_START = re.compile(rb"^\s*(ISA.|ST.835.|BPR.|GS.HP.)", re.IGNORECASE)
# Separators seen in real files: * | ^ : between elements, ~ ' or a line break after a
# segment, and the control characters 0x1C-0x1F (element 0x1D, segment 0x1E) some payers use.
_X12_SEGMENTS = re.compile(rb"(?:^|[~\n'\x1c-\x1f])[ \t\r]*(CLP|SVC|BPR|TRN)[*|^:\x1c-\x1f]")

_FHIR_HINT = re.compile(rb'"resourceType"\s*:')
"""JSON (or NDJSON) naming a FHIR resource type: an EOB, a Bundle of them, an export."""
_PHI_BANNER = re.compile(rb"(?:my)?medicare\.gov(?:/my)?\s+PERSONAL\s+HEALTH\s+INFORMATION", re.I)

IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF8",
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",
)


def is_heic(data: bytes) -> bool:
    """HEIC/HEIF photos (iPhone) carry an ISO-BMFF 'ftyp' box with a HEIF brand."""
    return data[4:8] == b"ftyp" and data[8:12] in {
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"heis",
        b"hevc",
    }


def sniff_format(data: bytes) -> Format:
    """PDF, image, X12 835, FHIR JSON, or (by default) typed text."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in data[:1024]:
        return Format.PDF
    if (
        head.startswith(IMAGE_MAGIC)
        or is_heic(head)
        or head[:4] == b"RIFF"
        and head[8:12] == b"WEBP"
    ):
        return Format.IMAGE
    if _X12_START.match(head):
        return Format.X12
    # An 835 without its envelope still has claim-payment segments in a row.
    sample = data[:65536]
    if len(_X12_SEGMENTS.findall(sample)) >= 2 and b"CLP" in sample:
        return Format.X12
    if head.lstrip()[:1] in (b"{", b"[") and _FHIR_HINT.search(sample):
        return Format.FHIR
    if head.startswith(b"PK\x03\x04") and is_workbook(data):
        return Format.XLSX
    if looks_like_csv(head):
        return Format.CSV
    return Format.TEXT


def is_workbook(data: bytes) -> bool:
    """An XLSX workbook: a zip whose directory names xl/workbook.xml (nothing is unpacked)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def looks_like_csv(head: bytes) -> bool:
    """A CSV export: a header row of 3+ comma (or semicolon) separated words without digits,
    and the row below it with as many fields. Typed lines with a comma in a date do not."""
    lines = [line for line in head.decode("utf-8", "ignore").splitlines() if line.strip()][:10]
    for delimiter in ",;":
        counts = [len(next(csv.reader([line], delimiter=delimiter))) for line in lines]
        for index in range(len(lines) - 1):
            header = not any(char.isdigit() for char in lines[index])
            if header and counts[index] >= 3 and counts[index + 1] == counts[index]:
                return True
    return False


def is_claims_text_download(data: bytes) -> bool:
    """The Medicare.gov text download: 'Medicare.gov/my PERSONAL HEALTH INFORMATION' (2025)
    or 'MYMEDICARE.GOV PERSONAL HEALTH INFORMATION' (the older Blue Button file)."""
    return bool(_PHI_BANNER.search(data[:4096]))
