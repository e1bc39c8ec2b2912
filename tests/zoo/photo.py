"""Photos of papers for the OCR path: render a PDF's first page, turn it 1-3 degrees, blur it a
little, tint the paper, and save it as a JPEG the way a phone would."""

from __future__ import annotations

import io
import random

import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def photo_of(pdf: bytes, rng: random.Random) -> bytes:
    doc = pdfium.PdfDocument(pdf)
    if len(doc) != 1:
        raise ValueError("a photo shows one page: keep the paper to one page")
    try:
        image = doc[0].render(scale=rng.choice((2.0, 2.4, 2.8))).to_pil().convert("RGB")
    finally:
        doc.close()
    angle = rng.uniform(1.0, 3.0) * rng.choice((-1, 1))
    paper = tuple(rng.randrange(225, 250) for _ in range(3))
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    image = image.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.5, 1.1)))
    # a table or desk around the page
    border = rng.randrange(20, 80)
    canvas = Image.new("RGB", (image.width + 2 * border, image.height + 2 * border),
                       tuple(rng.randrange(60, 140) for _ in range(3)))
    canvas.paste(image, (border, border))
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=rng.randrange(70, 90))
    return out.getvalue()
