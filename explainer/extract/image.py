"""Photo or scan → Document, through OCR on this machine."""

from __future__ import annotations

from ..errors import UnsupportedDocument
from ..model import Document
from ..read.upload import Role


def extract_image(data: bytes, source: str, role: Role) -> Document:
    """Read a photo of a notice or bill."""
    raise UnsupportedDocument(
        "We cannot read photos yet. Please upload a PDF with text, or type the lines of your paper.",
        source=source,
    )
