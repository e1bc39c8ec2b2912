"""Scanned (image-only) PDFs → Pages: each page rendered in memory by PDFium, then read by OCR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pypdfium2
from PIL import Image

from ..errors import LimitExceeded, UnreadableDocument
from .layout import Page
from .ocr import ocr_pages
from .pdf import _PDFIUM_LOCK, BROKEN
from .photo import WORK_LONG_SIDE

# OCR takes up to ~5 s a page on two cores (bench/bench_ocr.py); 4 pages stay well inside the
# 30 s read limit (explainer/limits.py). Longer notices: upload the claim pages only.
MAX_SCANNED_PAGES = 4
# Render so the longer side is the size OCR works at (~180 dpi for Letter); never past 3×
# (216 dpi), as a scan holds no more detail than it was scanned with.
MAX_RENDER_SCALE = 3.0

TOO_MANY_SCANNED = (
    "This scanned PDF has {count} pages. Reading a scan takes a few seconds a page, so we read "
    f"up to {MAX_SCANNED_PAGES} scanned pages at a time: please upload only the pages with your "
    "claims or bill lines, or type them."
)


def pages_from_scanned_pdf(data: bytes, source: str | None = None) -> list[Page]:
    """Read every page of a PDF that has no text layer, as pictures, by OCR."""
    return ocr_pages(_rendered(data, source))


def _rendered(data: bytes, source: str | None) -> Iterator[Image.Image]:
    """Each page as a grey picture, one at a time (a page's bitmap is freed before the next).

    PDFium runs only under read/pdf's lock (it is not thread-safe), which is released while
    a page is read, so other uploads' PDFs are not held up for the whole scan.
    """
    with _PDFIUM_LOCK:
        document = _open(data, source)
        count = len(document)
    try:
        if count > MAX_SCANNED_PAGES:
            raise LimitExceeded(TOO_MANY_SCANNED.format(count=count), source=source)
        for index in range(count):
            with _PDFIUM_LOCK:
                picture = _render(document, index)
            yield picture
    finally:
        with _PDFIUM_LOCK:
            document.close()


def _open(data: bytes, source: str | None) -> Any:
    """Open the PDF (read_pdf has already told locked and broken files apart)."""
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise UnreadableDocument(BROKEN, source=source) from None


def _render(document: Any, index: int) -> Image.Image:
    """One page at the working size, in grey; a copy, so PDFium's bitmap can be freed."""
    page = document[index]
    try:
        width, height = page.get_size()
        scale = min(MAX_RENDER_SCALE, WORK_LONG_SIDE / max(width, height, 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            picture: Image.Image = bitmap.to_pil().convert("L")
            return picture
        finally:
            bitmap.close()
    finally:
        page.close()
