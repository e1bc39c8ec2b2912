"""Photos and scans as pictures: decoded in memory within limits, and cleaned up for OCR.

Nothing here reads text (read/ocr.py does): the picture is decoded (EXIF orientation
applied; HEIC through pi-heif; sizes refused from the header), turned to grey, scaled to
the size OCR works at, flattened to the sheet of paper when its edges show, evened out for
uneven light, and cleared of the upright rules between table columns.
"""

from __future__ import annotations

import io
import math
import warnings

import cv2
import numpy as np
import numpy.typing as npt
import pi_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import LimitExceeded, UnreadableDocument

Gray = npt.NDArray[np.uint8]

# A 48 MP phone photo (8064 × 6048, iPhone 14 Pro and later) must pass; anything larger is
# not a photo of a letter-size paper, and would hold ~150 MB once decoded.
MAX_PIXELS = 50_000_000
# Pillow's own guard, checked from the header before any pixel is decoded: past this it
# warns (turned into an error below), past twice this it raises DecompressionBombError.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
pi_heif.register_heif_opener()

# The longest side OCR works at: ~180 dpi for a Letter page, where 9 pt print stands ~22 px
# high (the recogniser scales every line to 48 px anyway); more only slows detection.
WORK_LONG_SIDE = 2000
# Small images are enlarged to this: the detector misses text under ~10 px high.
MIN_LONG_SIDE = 1400
# Grey levels darker than this are print (the prepared page's paper is ~255).
INK_LEVEL = 150
# A rule is a straight stroke longer than this share of the page (~27 pt; the tallest
# letters of a 16 pt title are ~12 pt)...
RULE_MIN_SHARE = 0.035
RULE_MIN_PIXELS = 50
# ...and thinner than this share (~2.5 pt; a 9 pt letter's x-height is ~4.5 pt).
RULE_MAX_THICKNESS = 0.004

UNREADABLE_IMAGE = (
    "We could not open this picture: the file seems damaged or is not a photo. Please take "
    "the photo again (JPEG, PNG or HEIC), or type the lines of your paper instead."
)
TOO_BIG_IMAGE = (
    "This picture is too large for us to read ({megapixels} megapixels; we read up to "
    f"{MAX_PIXELS // 1_000_000}). Please send a normal phone photo or a scan of the paper."
)

# UnreadableDocument.source is set by the callers, which know the file's name.
_DECODE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
)


# ---------------------------------------------------------------- decoding


def decode_image(data: bytes, source: str | None = None) -> Image.Image:
    """Open a photo or scan in memory, upright by its EXIF orientation; enforce the limits."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise LimitExceeded(
                    TOO_BIG_IMAGE.format(megapixels=round(width * height / 1e6)), source=source
                )
            if image.format == "JPEG":
                # Decode big JPEGs in grey at 1/2, 1/4 or 1/8 size straight from the DCT: 4-10×
                # faster and a fraction of the memory, never smaller than the size OCR works at.
                scale = WORK_LONG_SIDE / max(width, height)
                if scale < 1:
                    image.draft("L", (math.ceil(width * scale), math.ceil(height * scale)))
            image = ImageOps.exif_transpose(image) or image
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LimitExceeded(TOO_BIG_IMAGE.format(megapixels="over 50"), source=source) from None
    except _DECODE_ERRORS:
        raise UnreadableDocument(UNREADABLE_IMAGE, source=source) from None
    if image.width < 16 or image.height < 16:
        raise UnreadableDocument(UNREADABLE_IMAGE, source=source)
    return image


def to_gray(image: Image.Image) -> Gray:
    """Any Pillow mode → 8-bit grey; transparent parts count as white paper."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float32)
        top = float(values.max()) or 1.0
        return np.asarray(np.clip(values * (255.0 / top), 0, 255), dtype=np.uint8)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def to_working_size(gray: Gray) -> Gray:
    """Scale to the working size: big photos down (speed), small images up (detection)."""
    long_side = max(gray.shape)
    if long_side > WORK_LONG_SIDE:
        factor = WORK_LONG_SIDE / long_side
        interpolation = cv2.INTER_AREA
    elif long_side < MIN_LONG_SIDE:
        factor = min(3.0, MIN_LONG_SIDE / long_side)
        interpolation = cv2.INTER_CUBIC
    else:
        return gray
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    return np.asarray(cv2.resize(gray, size, interpolation=interpolation), dtype=np.uint8)


# ---------------------------------------------------------------- clean-up


def _order_corners(points: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(sums)],
            points[np.argmin(diffs)],
            points[np.argmax(sums)],
            points[np.argmax(diffs)],
        ],
        dtype=np.float32,
    )


def flatten_paper(gray: Gray) -> Gray:
    """Crop a photo to the sheet of paper and undo the perspective, when all four edges show.

    The sheet is the largest bright four-sided shape; a scan (all paper) or a photo whose
    edges run off the frame is returned as it is.
    """
    height, width = gray.shape
    factor = 500 / max(height, width)
    small = cv2.resize(
        gray, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the dark print inside the sheet so the sheet is one shape.
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return gray
    sheet = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(sheet)
    image_area = small.shape[0] * small.shape[1]
    if not 0.25 * image_area <= area <= 0.93 * image_area:
        return gray
    corners = cv2.approxPolyDP(sheet, 0.02 * cv2.arcLength(sheet, True), True)
    if len(corners) != 4 or not cv2.isContourConvex(corners):
        return gray
    quad = _order_corners(corners.reshape(4, 2).astype(np.float32) / factor)
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    out_w, out_h = int(max(top, bottom)), int(max(left, right))
    if out_w < 100 or out_h < 100:
        return gray
    target = np.array(
        [[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    flat = cv2.warpPerspective(gray, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderValue=255)
    return np.asarray(flat, dtype=np.uint8)


def even_light(gray: Gray) -> Gray:
    """Divide out the paper's own brightness (shadows, a lamp on one side), then stretch.

    The background is the image with the print closed away, estimated at quarter size: a
    shadow across the sheet becomes white paper again and the print keeps its contrast.
    """
    height, width = gray.shape
    small = cv2.resize(
        gray, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA
    )
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), 3)
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    ratio = gray.astype(np.float32) / np.maximum(background.astype(np.float32), 1.0)
    # Paper → 1.0; the darkest 0.5 % (print) → 0, so faint or grey print gains contrast.
    dark = float(np.percentile(ratio, 0.5))
    dark = min(dark, 0.6)
    stretched = (ratio - dark) / max(1.0 - dark, 1e-3)
    return np.clip(stretched * 255.0, 0, 255).astype(np.uint8)


def rotate(gray: Gray, degrees: float) -> Gray:
    """Rotate by a small angle around the centre, growing the canvas; new corners are white."""
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_w / 2 - width / 2
    matrix[1, 2] += new_h / 2 - height / 2
    turned = cv2.warpAffine(gray, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderValue=255)
    return np.asarray(turned, dtype=np.uint8)


def erase_rules(gray: Gray) -> Gray:
    """Paint the upright rules between table columns white: long, thin, straight strokes.

    PDF text comes without its table's lines, and the extractors tell columns apart by the
    blank between words; in a picture a column's rule fills that blank (and the recogniser
    may read it as "|" or "1"). Only upright rules are erased: no letter is nearly as tall,
    while blurred print can run on across as far as a rule does. A shaded band (a header's
    grey) is as tall as a rule but far thicker, and is kept.
    """
    ink = (gray < INK_LEVEL).astype(np.uint8)
    length = max(RULE_MIN_PIXELS, round(max(gray.shape) * RULE_MIN_SHARE))
    thick = max(3, round(max(gray.shape) * RULE_MAX_THICKNESS))
    tall = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    )
    wide = cv2.morphologyEx(
        tall, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (thick, 1))
    )
    rules = cv2.dilate(cv2.subtract(tall, wide), np.ones((3, 3), np.uint8))
    cleaned = gray.copy()
    cleaned[rules > 0] = 255
    return cleaned
