"""Photos and scans of the test papers, made in memory: render, then degrade like a phone would.

A paper is built as a PDF (tests/pdf_fixtures.py), rendered to pictures with pypdfium2, and
then "photographed": laid on a darker table, seen in perspective, turned a few degrees,
lit unevenly, blurred, speckled with sensor noise and saved as a JPEG. Every step takes a
seed, so a failing case can be made again. Nothing is written to disk.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from explainer.model import Document
from tests import pdf_fixtures as fx


def render_pdf(
    pdf: bytes, scale: float = 2.0, pages: Sequence[int] | None = None
) -> list[Image.Image]:
    """The PDF's pages as RGB pictures (scale 2 is 144 dpi: a fair phone photo of a page)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        wanted = range(len(document)) if pages is None else pages
        return [document[index].render(scale=scale).to_pil().convert("RGB") for index in wanted]
    finally:
        document.close()


@dataclass(frozen=True)
class Shot:
    """How a photo went wrong: each field 0 means 'not at all'."""

    angle: float = 0.0
    """Turned this many degrees counter-clockwise (a crooked photo)."""
    perspective: float = 0.0
    """Share of the width the top edge is pulled in (the phone held at a slant)."""
    light: float = 0.0
    """How much darker the far corner is than the near one (0.5: half as bright)."""
    blur: float = 0.0
    """Gaussian blur radius in pixels (hand shake, focus)."""
    noise: float = 0.0
    """Standard deviation of the sensor noise, in grey levels."""
    jpeg: int = 0
    """JPEG quality when saved (0: keep the picture as it is)."""
    table: bool = False
    """Lay the sheet on a darker table with a margin around it."""
    seed: int = 0


PHOTOS: dict[str, Shot] = {
    "crooked": Shot(angle=3.0, table=True, jpeg=85, seed=1),
    "crooked_other_way": Shot(angle=-4.5, jpeg=85, seed=2),
    "blurred": Shot(blur=1.2, angle=2.0, jpeg=85, seed=3),
    "noisy": Shot(noise=14.0, angle=-2.0, jpeg=90, seed=4),
    "shadow": Shot(light=0.55, angle=2.5, jpeg=85, seed=5),
    "low_quality_jpeg": Shot(jpeg=35, angle=-3.0, seed=6),
    "photographed": Shot(
        angle=5.0, perspective=0.04, light=0.4, blur=0.8, noise=6.0, jpeg=75, table=True, seed=7
    ),
}


def photograph(page: Image.Image, shot: Shot) -> Image.Image:
    """Make a clean rendered page look like a phone photo of the paper."""
    rng = np.random.default_rng(shot.seed)
    image = page.convert("RGB")
    if shot.table:
        margin = image.width // 12
        table = Image.new(
            "RGB", (image.width + 2 * margin, image.height + 2 * margin), (92, 74, 60)
        )
        table.paste(image, (margin, margin))
        image = table
    if shot.perspective:
        image = _perspective(image, shot.perspective)
    if shot.angle:
        fill = (92, 74, 60) if shot.table else (250, 250, 250)
        image = image.rotate(
            shot.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill
        )
    pixels = np.asarray(image, dtype=np.float32)
    if shot.light:
        height, width = pixels.shape[:2]
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        gradient = 1.0 - shot.light * (xs / width * 0.6 + ys / height * 0.4)
        pixels *= gradient[:, :, None]
    # A phone photo is never pure white: paper reads as light grey with a slight colour cast.
    pixels = pixels * 0.92 + np.array([6.0, 4.0, 0.0], dtype=np.float32)
    if shot.noise:
        pixels += rng.normal(0.0, shot.noise, pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if shot.blur:
        image = image.filter(ImageFilter.GaussianBlur(shot.blur))
    if shot.jpeg:
        image = Image.open(io.BytesIO(to_jpeg(image, shot.jpeg)))
        image.load()
    return image


def _perspective(image: Image.Image, amount: float) -> Image.Image:
    """The top edge pulled in: the sheet seen from below its middle."""
    width, height = image.size
    inset = amount * width
    # Pillow maps each output pixel back into the input: output corners → input corners.
    source = [(-inset, 0), (width + inset, 0), (width, height), (0, height)]
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    matrix = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    coefficients = np.linalg.solve(
        np.array(matrix, dtype=np.float64), np.array(source, dtype=np.float64).ravel()
    )
    return image.transform(
        (width, height),
        Image.Transform.PERSPECTIVE,
        tuple(float(c) for c in coefficients),
        resample=Image.Resampling.BICUBIC,
        fillcolor=(92, 74, 60),
    )


def to_jpeg(image: Image.Image, quality: int = 85, exif_orientation: int | None = None) -> bytes:
    """JPEG bytes; with `exif_orientation` the pixels are stored turned and the tag says how."""
    buffer = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        turned = {
            6: Image.Transpose.ROTATE_90,
            8: Image.Transpose.ROTATE_270,
            3: Image.Transpose.ROTATE_180,
        }
        image = image.transpose(turned[exif_orientation])
        image.save(buffer, "JPEG", quality=quality, exif=exif)
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def to_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def heic_writer() -> str | None:
    """Why HEIC photos cannot be made here, or None when they can."""
    for module in ("pillow_heif", "pi_heif"):
        try:
            heif = __import__(module)
        except ImportError:
            continue
        encoders = heif.libheif_info().get("encoders", {})
        if any(name in encoders for name in ("x265", "kvazaar", "uvg266")):
            return None
    return "no HEVC encoder here (pi-heif decodes HEIC only; pillow-heif with x265 would be needed to make one)"


def to_heic(image: Image.Image, quality: int = 80) -> bytes:
    """HEIC bytes as an iPhone makes them (needs an HEVC encoder: see heic_writer)."""
    try:
        import pillow_heif as heif
    except ImportError:  # pragma: no cover - depends on what is installed
        import pi_heif as heif  # type: ignore[no-redef]
    buffer = io.BytesIO()
    heif.from_pillow(image).save(buffer, quality=quality, format="HEIF")
    return buffer.getvalue()


def scanned_pdf(pages: Sequence[Image.Image], quality: int = 70) -> bytes:
    """An image-only PDF, as a scanner or a 'scan to PDF' phone app makes it: no text layer."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=letter)
    width, height = letter
    for page in pages:
        jpeg = io.BytesIO(to_jpeg(page.convert("L"), quality))
        sheet.drawImage(ImageReader(jpeg), 0, 0, width, height)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims a huge picture (3.6 gigapixels): it must be refused
    from the header, before anything is decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    # One compressed run of zero rows: a few KB that would inflate to gigabytes.
    row = b"\x00" * (width + 1)
    body = zlib.compress(row * 16, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def big_png(megapixels: float = 60.0) -> bytes:
    """A real, valid, plain white PNG over the pixel limit (compresses to ~100 KB)."""
    side = int((megapixels * 1_000_000) ** 0.5)
    return to_png(Image.new("1", (side, side), 1))


def junk_jpeg(size: int = 50_000, seed: int = 0) -> bytes:
    """Random bytes behind a JPEG's first marker: sniffed as a photo, decodes as nothing."""
    rng = np.random.default_rng(seed)
    return b"\xff\xd8\xff\xe0" + rng.integers(0, 256, size, dtype=np.uint8).tobytes()


def ruined(page: Image.Image, seed: int = 0) -> Image.Image:
    """A photo too poor to read the amounts: heavy blur, low light and noise, small."""
    rng = np.random.default_rng(seed)
    small = page.convert("L").resize((page.width // 3, page.height // 3), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(2.2))
    pixels = np.asarray(small, dtype=np.float32) * 0.5 + 60
    pixels += rng.normal(0.0, 22.0, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


# ---------------------------------------------------------------- what was printed, to score

AMOUNT_KEYS = (
    "billed",
    "allowed",
    "paid",
    "owes",
    "charges",
    "payments",
    "adjustments",
    "balance",
    "total",
)


def msn_printed(claims: Sequence[fx.MsnClaim], dashboard: bool = False) -> dict[str, object]:
    """Every amount, date and code an MSN (cms layout) prints, by a key naming its place."""
    printed: dict[str, object] = {}
    if dashboard:
        printed["notice date"] = date(2025, 3, 15)
        printed["total you may be billed"] = sum(
            (fx.money(line.owes) or Decimal(0) for claim in claims for line in claim.lines),
            Decimal(0),
        )
    for number, claim in enumerate(claims, start=1):
        key = f"claim {number}"
        printed[f"{key} number"] = claim.claim_number
        for field, name in (("charged", "billed"), ("paid", "paid"), ("owes", "owes")):
            printed[f"{key} total {name}"] = sum(
                (fx.money(getattr(line, field)) or Decimal(0) for line in claim.lines), Decimal(0)
            )
        for index, line in enumerate(claim.lines, start=1):
            at = f"{key} line {index}"
            printed[f"{at} code"] = line.code
            printed[f"{at} date"] = datetime.strptime(claim.date, "%B %d, %Y").date()
            printed[f"{at} billed"] = fx.money(line.charged)
            printed[f"{at} allowed"] = fx.money(line.approved)
            printed[f"{at} paid"] = fx.money(line.paid)
            printed[f"{at} owes"] = fx.money(line.owes)
    return printed


def msn_read(document: Document) -> dict[str, object]:
    """The same keys as msn_printed, from what was read."""
    found: dict[str, object] = {
        "notice date": document.notice_date,
        "total you may be billed": document.total_you_may_be_billed,
    }
    for number, claim in enumerate(document.claims, start=1):
        key = f"claim {number}"
        found[f"{key} number"] = claim.claim_number
        found[f"{key} total billed"] = claim.billed
        found[f"{key} total paid"] = claim.paid
        found[f"{key} total owes"] = claim.patient_owes
        for index, line in enumerate(claim.lines, start=1):
            at = f"{key} line {index}"
            found[f"{at} code"] = line.procedure_code
            found[f"{at} date"] = line.date_of_service
            found[f"{at} billed"] = line.billed
            found[f"{at} allowed"] = line.allowed
            found[f"{at} paid"] = line.paid
            found[f"{at} owes"] = line.patient_owes
    return found


def statement_printed() -> dict[str, object]:
    """What the default ledger statement prints (tests/explainer/pdf/test_statement_pdf.py)."""
    printed: dict[str, object] = {
        "statement date": date(2025, 4, 30),
        "account": "100234",
        "statement charges": Decimal("215.00"),
        "statement payments": Decimal("133.47"),
        "statement adjustments": Decimal("47.22"),
        "statement balance": Decimal("34.31"),
        "claim 1 owes": Decimal("30.00"),
        "claim 2 owes": Decimal("4.31"),
    }
    services = [
        ("99214", date(2025, 3, 4), "150.00", "117.60", "30.00"),
        ("93000", date(2025, 3, 18), "40.00", "13.47", "3.71"),
        ("36415", date(2025, 3, 18), "25.00", "2.40", "0.60"),
    ]
    for index, (code, day, billed, paid, owes) in enumerate(services, start=1):
        printed[f"line {index} code"] = code
        printed[f"line {index} date"] = day
        printed[f"line {index} billed"] = Decimal(billed)
        printed[f"line {index} paid"] = Decimal(paid)
        printed[f"line {index} owes"] = Decimal(owes)
    return printed


def statement_read(document: Document) -> dict[str, object]:
    """The same keys as statement_printed, from what was read."""
    totals = document.statement
    found: dict[str, object] = {
        "statement date": document.notice_date,
        "account": document.account_number,
        "statement charges": totals.charges if totals else None,
        "statement payments": totals.payments if totals else None,
        "statement adjustments": totals.adjustments if totals else None,
        "statement balance": totals.balance if totals else None,
    }
    for number, claim in enumerate(document.claims, start=1):
        found[f"claim {number} owes"] = claim.patient_owes
    for index, line in enumerate(document.lines, start=1):
        found[f"line {index} code"] = line.procedure_code
        found[f"line {index} date"] = line.date_of_service
        found[f"line {index} billed"] = line.billed
        found[f"line {index} paid"] = line.paid
        found[f"line {index} owes"] = line.patient_owes
    return found


def is_amount(key: str) -> bool:
    return key.rsplit(" ", 1)[-1] in AMOUNT_KEYS


def compare(printed: dict[str, object], found: dict[str, object]) -> list[str]:
    """One line for each printed value not read exactly."""
    return [
        f"{key}: printed {value!r}, read {found.get(key)!r}"
        for key, value in printed.items()
        if found.get(key) != value
    ]
