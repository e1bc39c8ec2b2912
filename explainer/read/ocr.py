"""Photos and scans → Pages of positioned words by OCR: the only module importing the OCR engine.

The engine is RapidOCR on ONNX Runtime, with the models that ship inside the `rapidocr`
wheel (named explicitly below, so nothing is ever fetched at run time). A picture decoded
and cleaned up by read/photo.py is turned upright (90/180/270) and straightened (small
tilts) from the angles of its detected text lines, then read once. Words come out in
points, as if the sheet were a Letter page 612 pt wide, with font-high boxes whose edges
are fitted to the print, so the PDF extractors' thresholds (relative to the font height)
work unchanged.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from .layout import Page, Word
from .photo import (
    INK_LEVEL,
    Gray,
    decode_image,
    erase_rules,
    even_light,
    flatten_paper,
    rotate,
    to_gray,
    to_working_size,
)

# Text lines are detected on a copy this size, both for the quick look that finds the
# orientation and tilt and for the reading itself.
DETECT_LONG_SIDE = 1024
# ONNX Runtime threads per OCR call. One: on this 2-core machine with the other core busy
# (web workers, other uploads), an MSN page took 5.1 s with one thread and 7.5-9.2 s with
# two (bench/bench_ocr.py); two uploads in two workers then each get a core.
OCR_THREADS = 1
# Lines read both ways up to tell an upside-down page, when a page reads poorly.
FLIP_PROBES = 5
# Below this mean line confidence a page may be upside down (upright print reads ~0.95).
POOR_READING = 0.8
# Measured on rendered test papers against the PDF's own word boxes: a detected line's box
# is 1.72× the font's height (median; 1.2-1.9) and its middle sits 4 % of it too high.
BOX_TO_FONT = 0.58
BOX_CENTER_SHIFT = 0.04
# Print is darker than photo.INK_LEVEL and at least this much darker than the paper around
# it (a header's grey band is paper too).
INK_CONTRAST = 60
# A blank this wide (in font heights) inside a word read as one is a column gap: a space
# is ~0.25-0.3 em, the extractors' column gap 0.6 em (read/layout.CELL_GAP).
SPLIT_GAP = 0.5
# A word's print ends where a blank this wide (in font heights; most of a space) begins.
EDGE_BLANK = 0.2
LETTER_WIDTH = 612.0
LETTER_HEIGHT = 792.0
# Tilts smaller than this are left alone (rows still overlap); larger than MAX_SKEW are not
# a crooked photo but a misread, and are left to the orientation step.
MIN_SKEW = 0.3
MAX_SKEW = 12.0


# ---------------------------------------------------------------- the engine


_ENGINE: Any = None
# RapidOCR keeps per-call options on the instance, so calls in one process are serialised
# (uploads in other worker processes run on the other core).
_LOCK = threading.RLock()


def _model_files() -> dict[str, str]:
    """The ONNX models packaged in the rapidocr wheel: detection, recognition, direction."""
    import rapidocr

    folder = Path(rapidocr.__file__).resolve().parent / "models"
    found: dict[str, str] = {}
    for key, pattern in (("Det", "*_det_*.onnx"), ("Rec", "*_rec_*.onnx"), ("Cls", "*_cls_*.onnx")):
        matches = sorted(folder.glob(pattern))
        if len(matches) != 1:
            # A rapidocr release that ships other models: fail here, never download any.
            raise RuntimeError(f"expected one {pattern} model in {folder}, found {len(matches)}")
        found[f"{key}.model_path"] = str(matches[0])
    return found


def engine() -> Any:
    """The OCR engine, created once per process (loading the models takes about a second)."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            from rapidocr import RapidOCR

            _ENGINE = RapidOCR(
                params={
                    **_model_files(),
                    # Keep every box, however unsure: extract/image decides what to trust.
                    "Global.text_score": 0.0,
                    "Global.log_level": "error",
                    # Rotation is found once per page below, not guessed per line.
                    "Global.use_cls": False,
                    # Detection at ~1000 px finds 9 pt print as well as at 2000 px for a
                    # quarter of the time; lines are still cut from the full image to read.
                    "Det.limit_type": "max",
                    "Det.limit_side_len": DETECT_LONG_SIDE,
                    # One line at a time: batches pad every line to the longest one's width,
                    # which costs ~20 % more time on a page of short amounts and long notes.
                    "Rec.rec_batch_num": 1,
                    "EngineConfig.onnxruntime.intra_op_num_threads": OCR_THREADS,
                }
            )
        return _ENGINE


def _run(image: Gray, *, det: bool = True, rec: bool = True) -> Any:
    """One engine call; every switch is passed, as RapidOCR remembers them between calls."""
    with _LOCK:
        return engine()(
            image,
            use_det=det,
            use_cls=False,
            use_rec=rec,
            # Each character's box and confidence (words are made from them in _lines).
            return_word_box=rec and det,
            return_single_char_box=rec and det,
        )


# ---------------------------------------------------------------- orientation


def _shape(box: npt.NDArray[np.float32]) -> tuple[float, float, float] | None:
    """(length along the line, thickness, angle in degrees) of an elongated text box."""
    along = box[1] - box[0]
    across = box[2] - box[1]
    length, thickness = float(np.hypot(*along)), float(np.hypot(*across))
    if min(length, thickness) < 3 or max(length, thickness) < 2.5 * min(length, thickness):
        return None
    edge = along if length >= thickness else across
    angle = math.degrees(math.atan2(float(edge[1]), float(edge[0])))
    # An edge may be listed right to left: 178° is the same line as -2°.
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    return length, thickness, angle


def _look(gray: Gray) -> npt.NDArray[np.float32]:
    """Detect the text lines (no reading) on a small copy: their boxes in `gray`'s pixels."""
    factor = min(1.0, DETECT_LONG_SIDE / max(gray.shape))
    probe = gray
    if factor < 1.0:
        size = (round(gray.shape[1] * factor), round(gray.shape[0] * factor))
        probe = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
    boxes = getattr(_run(probe, rec=False), "boxes", None)
    if boxes is None or len(boxes) == 0:
        return np.zeros((0, 4, 2), np.float32)
    return np.asarray(np.asarray(boxes, dtype=np.float32) / factor, dtype=np.float32)


def _sideways(boxes: npt.NDArray[np.float32]) -> bool:
    """Most text lines run up and down: the photo was taken with the page on its side."""
    shapes = [shape for shape in map(_shape, boxes) if shape]
    tall = sum(thickness for length, thickness, _ in shapes if thickness > length)
    total = sum(max(length, thickness) for length, thickness, _ in shapes)
    return total > 0 and tall > 0.6 * total


def _tilt(boxes: npt.NDArray[np.float32]) -> float:
    """The page's tilt in degrees (clockwise positive): the length-weighted median angle."""
    shapes = sorted(
        (angle, length)
        for length, thickness, angle in filter(None, map(_shape, boxes))
        if length > thickness
    )
    half = sum(length for _, length in shapes) / 2
    running = 0.0
    for angle, length in shapes:
        running += length
        if running >= half:
            return angle
    return 0.0


def upright(gray: Gray) -> Gray:
    """Turn the page so its text runs across, the right way up, and level it."""
    boxes = _look(gray)
    if _sideways(boxes):
        height = gray.shape[0]
        gray = np.ascontiguousarray(np.rot90(gray, k=-1))
        # The same boxes, turned with the picture (clockwise: x' = H - 1 - y, y' = x).
        boxes = np.stack([height - 1 - boxes[..., 1], boxes[..., 0]], axis=-1)[:, [3, 0, 1, 2]]
        # Clockwise was a guess: a page turned the other way is now upside down. (Upright
        # photos skip this check; reading finds the rare upside-down one, see read_gray.)
        if _upside_down(gray, boxes):
            gray = np.ascontiguousarray(np.rot90(gray, k=2))
    tilt = _tilt(boxes)  # a half turn leaves the lines' angles as they were
    if MIN_SKEW <= abs(tilt) <= MAX_SKEW:
        # cv2 turns positive angles anticlockwise: by the tilt is what levels the lines.
        gray = rotate(gray, tilt)
    return gray


def _upside_down(gray: Gray, boxes: npt.NDArray[np.float32]) -> bool:
    """Read a few lines both ways up: do they read better turned over?

    The recogniser is far surer of print the right way up (by 0.2-0.5 on a line), which
    decides more reliably than the direction classifier on crooked or blurred photos.
    """
    lines = [
        (shape[1], box) for box in boxes if (shape := _shape(box)) and shape[0] >= 3 * shape[1]
    ]
    margin = 0.0
    # The largest print first: titles and headers read most surely either way.
    for _, box in sorted(lines, key=lambda item: -item[0])[:FLIP_PROBES]:
        x0, y0 = (int(v) for v in box.min(axis=0))
        x1, y1 = (int(v) for v in box.max(axis=0))
        x0, y0 = max(0, x0 - 2), max(0, y0 - 2)
        # A stretch of the line is enough, and reading time grows with its width.
        x1 = min(x1 + 2, x0 + 10 * (y1 - y0 + 4))
        crop = np.ascontiguousarray(gray[y0 : y1 + 3, x0:x1])
        if crop.shape[0] < 8 or crop.shape[1] < 16:
            continue
        margin += _line_score(np.ascontiguousarray(crop[::-1, ::-1])) - _line_score(crop)
    return margin > 0.5


def _line_score(crop: Gray) -> float:
    """How sure the recogniser is of one cropped line."""
    scores = getattr(_run(crop, det=False, rec=True), "scores", None) or (0.0,)
    return float(scores[0])


def prepare(image: Image.Image) -> Gray:
    """Decoded picture → the clean, upright grey image OCR reads."""
    gray = to_working_size(to_gray(image))
    gray = flatten_paper(gray)
    gray = to_working_size(gray)
    gray = even_light(gray)
    return erase_rules(upright(gray))


# ---------------------------------------------------------------- words


@dataclass(slots=True)
class _Piece:
    """One word as read, in the prepared image's pixels, with its characters' confidences."""

    text: str
    confidences: list[float]
    x0: float
    x1: float

    @property
    def confidence(self) -> float:
        """The mean of the characters' confidences, pulled down by the least sure one.

        A misread digit ("$S8.20", "$1 7.18") shows as one unsure character in an otherwise
        sure word: the plain mean would hide it, the minimum alone would flag many right
        words (CTC is often unsure of the second of two equal letters).
        """
        values = self.confidences or [0.0]
        return (sum(values) / len(values) + min(values)) / 2


@dataclass(frozen=True, slots=True)
class _Line:
    """One detected line: its box's extent and the words read in it, left to right."""

    x0: float
    x1: float
    top: float
    bottom: float
    pieces: list[_Piece]


_Char = tuple[str, float, float, float]
"""A character as read: its text, confidence and left and right edge in pixels."""


def _lines(result: Any) -> list[_Line]:
    """Every line read, as words with their characters' confidences and positions."""
    boxes = getattr(result, "boxes", None)
    texts = getattr(result, "txts", None)
    if boxes is None or not texts:
        return []
    per_line = getattr(result, "word_results", None) or ()
    # RapidOCR gives character boxes only when it could for every line, and then leaves empty
    # lines out of the list: use them only when they line up one to one with the lines.
    usable = len(per_line) == len(texts)
    lines = []
    for index, (box, text, score) in enumerate(zip(boxes, texts, result.scores, strict=True)):
        quad = np.asarray(box, dtype=np.float32)
        x0, y0 = (float(v) for v in quad.min(axis=0))
        x1, y1 = (float(v) for v in quad.max(axis=0))
        chars = _chars(per_line[index]) if usable else None
        groups = _tokens(str(text), chars) if chars else None
        if groups is None:
            groups = _split_line(str(text), float(score), x0, x1)
        pieces = [
            _Piece("".join(c[0] for c in group), [c[1] for c in group], group[0][2], group[-1][3])
            for group in groups
            if group
        ]
        if pieces:
            lines.append(_Line(x0, x1, y0, y1, pieces))
    return lines


def _chars(entry: Any) -> list[_Char] | None:
    """RapidOCR's character boxes for one line, or None if they are not as expected."""
    if not isinstance(entry, tuple | list):
        return None
    chars = []
    for item in entry:
        if not (isinstance(item, tuple | list) and len(item) == 3):
            return None
        char, score, box = item
        xs = np.asarray(box, dtype=np.float32)[:, 0]
        chars.append((str(char), float(score), float(xs.min()), float(xs.max())))
    return chars


def _tokens(text: str, chars: list[_Char]) -> list[list[_Char]] | None:
    """The line's characters grouped into its words (the text's spaces are not in `chars`)."""
    tokens = text.split()
    if sum(len(token) for token in tokens) != len(chars) or "".join(tokens) != "".join(
        c[0] for c in chars
    ):
        return None
    groups, start = [], 0
    for token in tokens:
        groups.append(chars[start : start + len(token)])
        start += len(token)
    return groups


def _split_line(text: str, score: float, x0: float, x1: float) -> list[list[_Char]]:
    """A line's text cut into words, each given the share of the box its characters take."""
    stripped = text.strip()
    step = (x1 - x0) / max(1, len(stripped))
    groups: list[list[_Char]] = []
    position = 0
    for token in stripped.split():
        start = stripped.find(token, position)
        position = start + len(token)
        groups.append(
            [
                (char, score, x0 + step * (start + k), x0 + step * (start + k + 1))
                for k, char in enumerate(token)
            ]
        )
    return groups


def _ink(gray: Gray, line: _Line) -> tuple[npt.NDArray[np.bool_], int]:
    """Which pixel columns of the line hold print, and the column the profile starts at.

    Only the middle of the line's height is looked at, so the lines above and below (which
    its box may overlap) do not count.
    """
    height = line.bottom - line.top
    top, bottom = int(line.top + 0.2 * height), int(math.ceil(line.bottom - 0.2 * height))
    left, right = max(0, int(line.x0)), min(gray.shape[1], int(math.ceil(line.x1)) + 1)
    band = gray[max(0, top) : max(top + 1, bottom), left:right]
    if band.size == 0:
        return np.zeros(0, dtype=bool), left
    # Ink: clearly darker than the line's own paper (a header's grey band is paper too), in at
    # least two pixels of the column (one is noise).
    level = min(INK_LEVEL, float(np.percentile(band, 90)) - INK_CONTRAST)
    return (band < level).sum(axis=0) >= 2, left


def _split_at_gaps(line: _Line, ink: npt.NDArray[np.bool_], left: int) -> None:
    """Split a word where a blank wider than a column gap runs through it.

    The recogniser sometimes reads two neighbouring columns' words as one ("Approved?Charged"
    for "Approved?" and "Charged"); the print shows the gap it dropped.
    """
    font = (line.bottom - line.top) * BOX_TO_FONT
    pieces: list[_Piece] = []
    for piece in line.pieces:
        chars = len(piece.text)
        if chars < 2 or len(piece.confidences) != chars:
            pieces.append(piece)
            continue
        # Character edges, evenly spread when the recogniser gave none of its own.
        edges = np.linspace(piece.x0, piece.x1, chars + 1)
        start = 0
        for k in range(1, chars):
            middle_before = (edges[k - 1] + edges[k]) / 2 - left
            middle_after = (edges[k] + edges[k + 1]) / 2 - left
            gap = _widest_blank(ink, max(0, int(middle_before)), min(len(ink), int(middle_after)))
            if gap and gap[1] - gap[0] >= SPLIT_GAP * font:
                pieces.append(
                    _Piece(
                        piece.text[start:k],
                        piece.confidences[start:k],
                        float(edges[start]),
                        float(edges[k]),
                    )
                )
                start = k
        pieces.append(
            _Piece(piece.text[start:], piece.confidences[start:], float(edges[start]), piece.x1)
            if start
            else piece
        )
    line.pieces[:] = pieces


def _fit_to_ink(line: _Line, ink: npt.NDArray[np.bool_], left: int) -> None:
    """Move the words' edges onto the print: the widest blank gap between two words' middles.

    The recogniser places words only roughly (±3 pt), while the extractors tell columns
    apart by the gaps between words (read/layout.CELL_GAP): a space between two words of
    one label (~2.5 pt) must stay narrower than the gap between two columns (~6 pt and up).
    """
    if not ink.any():
        return
    pieces = line.pieces
    for before, after in zip(pieces, pieces[1:], strict=False):
        start = int((before.x0 + before.x1) / 2) - left
        end = int((after.x0 + after.x1) / 2) - left
        gap = _widest_blank(ink, max(0, start), min(len(ink), end))
        if gap:
            before.x1, after.x0 = float(gap[0] + left), float(gap[1] + left)
    # The outer edges: where the print stops, walking out from the word's middle. (Not the
    # box's last ink: a box may reach into the next column's first letter.)
    blank = max(2, round(EDGE_BLANK * (line.bottom - line.top) * BOX_TO_FONT))
    first, last = pieces[0], pieces[-1]
    first.x0 = float(_print_edge(ink, int((first.x0 + first.x1) / 2) - left, -1, blank) + left)
    last.x1 = float(_print_edge(ink, int((last.x0 + last.x1) / 2) - left, 1, blank) + left)


def _print_edge(ink: npt.NDArray[np.bool_], start: int, step: int, blank: int) -> int:
    """Walking from `start` by `step`, the edge of the print: where `blank` empty columns begin.

    Returns the first empty column to the right, or the last inked one's left edge to the left.
    """
    size = len(ink)
    column = min(max(start, 0), size - 1)
    empty = 0
    edge = column
    while 0 <= column < size:
        if ink[column]:
            empty = 0
            edge = column + (1 if step > 0 else 0)
        else:
            empty += 1
            if empty >= blank:
                break
        column += step
    return edge


def _widest_blank(ink: npt.NDArray[np.bool_], start: int, end: int) -> tuple[int, int] | None:
    """The widest run of ink-free columns in ink[start:end], as (first blank, first inked)."""
    best: tuple[int, int] | None = None
    run_start: int | None = None
    for column in range(start, end + 1):
        blank = column < end and not ink[column]
        if blank and run_start is None:
            run_start = column
        elif not blank and run_start is not None:
            if best is None or column - run_start > best[1] - best[0]:
                best = (run_start, column)
            run_start = None
    return best


def _poorly_read(result: Any) -> bool:
    """Did the lines read with little confidence (upside down, or a very poor photo)?"""
    texts, scores = getattr(result, "txts", None), getattr(result, "scores", None)
    if not texts or not scores:
        return False
    weights = [max(1, len(text)) for text in texts]
    mean = sum(float(score) * weight for score, weight in zip(scores, weights, strict=True)) / sum(
        weights
    )
    return mean < POOR_READING


def read_gray(gray: Gray, number: int = 1) -> Page:
    """OCR a prepared image into a Page in points (the sheet ~612 pt wide, like Letter)."""
    result = _run(gray)
    if _poorly_read(result) and _upside_down(gray, np.asarray(result.boxes, dtype=np.float32)):
        gray = np.ascontiguousarray(np.rot90(gray, k=2))
        result = _run(gray)
    height, width = gray.shape
    page_width = LETTER_WIDTH if height >= width else LETTER_HEIGHT
    scale = page_width / width
    words = []
    for line in _lines(result):
        ink, left = _ink(gray, line)
        _split_at_gaps(line, ink, left)
        _fit_to_ink(line, ink, left)
        # The detector's box is grown around the print (~1.7× the font's height): shrink it
        # to the font's height, as PDF words have it, since the extractors' gaps are
        # measured in font heights (read/layout.CELL_GAP).
        middle = (line.top + line.bottom) / 2 + BOX_CENTER_SHIFT * (line.bottom - line.top)
        half = (line.bottom - line.top) * BOX_TO_FONT / 2
        for piece in line.pieces:
            words.append(
                Word(
                    text=piece.text,
                    x0=piece.x0 * scale,
                    x1=max(piece.x1, piece.x0 + 1) * scale,
                    top=(middle - half) * scale,
                    bottom=(middle + half) * scale,
                    confidence=round(max(0.0, min(1.0, piece.confidence)), 3),
                )
            )
    return Page(
        number=number,
        width=page_width,
        height=height * scale,
        words=tuple(words),
        problem=None if words else "unreadable",
    )


def ocr_image(data: bytes, source: str | None = None) -> Page:
    """One photo or scanned image (JPEG, PNG, HEIC, TIFF, WebP…) → one Page."""
    return read_gray(prepare(decode_image(data, source)))


def ocr_pages(images: Iterable[Image.Image]) -> list[Page]:
    """Pictures of pages (a scanned PDF's, rendered) → Pages numbered from 1."""
    return [read_gray(prepare(image), number) for number, image in enumerate(images, start=1)]
