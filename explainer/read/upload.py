"""What the user hands us (bytes, a name, a role) and the dispatch to the right reader."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..errors import LimitExceeded, UnreadableDocument, UnsupportedDocument
from ..model import Document, Format
from .preflight import check_pdf, check_picture_file
from .sniff import is_claims_text_download, sniff_format

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000


class Role(StrEnum):
    """What the user said the paper is: a payer's notice, a provider's bill, or not said."""

    NOTICE = "notice"
    BILL = "bill"
    AUTO = "auto"


@dataclass(frozen=True, slots=True)
class Upload:
    """One paper as given: its bytes (never written to disk), its name and its role."""

    data: bytes
    name: str
    role: Role = Role.AUTO


def read_upload(upload: Upload, max_bytes: int | None = MAX_UPLOAD_BYTES) -> list[Document]:
    """Read one upload into one or more Documents (an 835 may hold several payments).

    `max_bytes` is the size cap of the caller's profile (explainer/limits.py): the web's
    20 MB, or the command line's for the user's own files; None reads any size.
    """
    if max_bytes is not None and len(upload.data) > max_bytes:
        raise LimitExceeded(
            f"“{upload.name}” is too big. We read files up to {max_bytes // (1024 * 1024)} MB.",
            source=upload.name,
        )
    if not upload.data or upload.data.isspace():  # isspace(): no copy of a 60 MB file
        raise UnreadableDocument(
            f"“{upload.name}” is empty. Please choose the file again, or type the lines instead.",
            source=upload.name,
        )
    kind = sniff_format(upload.data)
    if kind is Format.X12:
        from ..extract.era import extract_era

        return extract_era(upload.data, upload.name)
    if kind is Format.PDF:
        from ..extract.pdf import extract_pdf

        check_pdf(upload.data, upload.name)  # decompression bombs, before PDFium opens it
        return [extract_pdf(upload.data, upload.name, upload.role)]
    if kind is Format.IMAGE:
        from ..extract.image import extract_image

        check_picture_file(upload.data, upload.name)  # pixels from the header, before decoding
        return [extract_image(upload.data, upload.name, upload.role)]
    if kind is Format.FHIR:
        from ..extract.fhir import extract_fhir

        return [extract_fhir(upload.data, upload.name)]
    if kind in (Format.CSV, Format.XLSX):
        from ..extract.typed import read_rows
        from .sheet import read_csv, read_xlsx

        if kind is Format.XLSX:
            rows = read_xlsx(upload.data, upload.name)
        else:
            rows = read_csv(_decode_text(upload), upload.name)
        return [read_rows(rows, upload.name, upload.role, kind)]
    if is_claims_text_download(upload.data):
        from ..extract.bluebutton_text import extract_claims_text

        return [extract_claims_text(_decode_text(upload), upload.name)]
    from ..extract.typed import extract_typed

    return [extract_typed(_decode_text(upload), upload.name, upload.role)]


def _decode_text(upload: Upload) -> str:
    """Decode typed or pasted text; refuse binary files we do not know."""
    data = upload.data
    if b"\x00" in data[:4096]:
        raise UnsupportedDocument(
            f"We cannot read “{upload.name}”. Please upload a PDF, a photo (JPEG, PNG or HEIC), "
            "an 835 file, or type the lines of your notice or bill.",
            source=upload.name,
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything; latin-1 never fails
        text = data.decode("latin-1")
    if len(text) > MAX_TEXT_CHARS:
        raise LimitExceeded(
            f"“{upload.name}” has too much text for typed lines. Please send only the bill lines.",
            source=upload.name,
        )
    return text


def read_uploads(uploads: Sequence[Upload]) -> list[Document]:
    """Read every upload, in order."""
    documents: list[Document] = []
    for upload in uploads:
        documents.extend(read_upload(upload))
    return documents
