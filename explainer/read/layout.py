"""The reader-neutral page model: words with positions, grouped into visual rows and cells.

PDF text (read/pdf.py) and, later, OCR both produce `Page`s of `Word`s; the extractors only
ever see these, so one extractor serves both readers (STYLE.md point 6). Coordinates are in
points from the top-left corner of the page, as pdfplumber gives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

# Two words share a visual row when their vertical overlap is at least this share of the
# shorter one: wrapped lines of one cell (leading ~1.2 em) never overlap, while words of one
# line printed in different fonts or sizes still do.
ROW_OVERLAP = 0.5

# A gap wider than this share of the font height separates cells: a space is ~0.25-0.3 em
# in common fonts, while table columns are padded by at least ~0.5 em on each side...
CELL_GAP = 0.6
# ...but a typewriter font's space is 0.6 em, so a gap must also be clearly wider than the
# row's own spaces: gaps narrower than SPACE_MAX em are taken for spaces.
SPACE_MAX = 0.7
SPACE_FACTOR = 1.6
SPACE_WIDEST = 1.0
SPACE_CLUSTER = 1.25


@dataclass(frozen=True, slots=True)
class Word:
    """One word as printed: its text and box; `confidence` is below 1.0 only for OCR."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    confidence: float = 1.0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center(self) -> float:
        """The horizontal middle of the word."""
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its number (from 1), size in points, and words in reading order.

    `problem` says why the reader could not read the page ("unreadable" or "no_text");
    such a page has no words and becomes a warning, not a silent gap.
    """

    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """Words of one row that stand together, separated from the rest by a wide gap."""

    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return min(word.x0 for word in self.words)

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True, slots=True)
class Row:
    """One visual row of a page, words left to right; `number` counts rows from 1 per page.

    Its text and cells are worked out once, as the extractors ask for them again and again.
    """

    page: int
    number: int
    words: tuple[Word, ...]
    text: str = field(init=False, repr=False, compare=False)
    cells: tuple[Cell, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " ".join(word.text for word in self.words))
        object.__setattr__(self, "cells", tuple(split_cells(self.words)))

    @property
    def x0(self) -> float:
        return min(word.x0 for word in self.words)

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def height(self) -> float:
        """The typical word height: the font size, for text from a PDF."""
        return median(word.height for word in self.words)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length of the overlap of two intervals (0 when apart)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def _same_row(word: Word, top: float, bottom: float) -> bool:
    """Does `word` overlap the band [top, bottom] enough to stand on the same row?"""
    shorter = min(word.height, bottom - top) or 1.0
    return _overlap(word.top, word.bottom, top, bottom) >= ROW_OVERLAP * shorter


def group_rows(words: Iterable[Word], page: int = 1) -> list[Row]:
    """Group words into visual rows by vertical overlap, top to bottom, each left to right."""
    bands: list[tuple[float, float, list[Word]]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        # Only the last few bands can still take a word, as words come sorted by top. A band
        # keeps its first word's extent: growing it would chain wrapped lines together.
        for top, bottom, members in reversed(bands[-3:]):
            if _same_row(word, top, bottom):
                members.append(word)
                break
        else:
            bands.append((word.top, word.bottom, [word]))
    bands.sort(key=lambda band: band[0])
    return [
        Row(
            page=page,
            number=number,
            words=join_letter_spaced(sorted(members, key=lambda w: w.x0)),
        )
        for number, (_, _, members) in enumerate(bands, start=1)
    ]


# Letter-spaced print ("2 5 0 . 0 0", "T O T A L S"): some payers' PDFs place every glyph
# on its own with a fixed extra gap, so a reader sees one-letter words. Glyphs closer than
# this share of the font size to the next, at the row's own letter spacing, are one word.
LETTER_GAP_MAX = 0.3
LETTER_GAP_SLACK = 0.06


def join_letter_spaced(words: Sequence[Word]) -> tuple[Word, ...]:
    """Join runs of one-letter words printed at the row's letter spacing into words."""
    if len(words) < 3:
        return tuple(words)
    height = median(word.height for word in words)
    gaps = [
        right.x0 - left.x1
        for left, right in zip(words, words[1:], strict=False)
        if len(left.text) == 1
        and len(right.text) == 1
        and -0.05 * height <= right.x0 - left.x1 < LETTER_GAP_MAX * height
    ]
    if len(gaps) < 2:
        return tuple(words)
    limit = median(gaps) + LETTER_GAP_SLACK * height
    joined: list[Word] = [words[0]]
    single_run = len(words[0].text) == 1
    for word in words[1:]:
        last = joined[-1]
        gap = word.x0 - last.x1
        if gap <= limit and (single_run or len(word.text) == 1) and gap < LETTER_GAP_MAX * height:
            joined[-1] = Word(
                last.text + word.text,
                last.x0,
                word.x1,
                min(last.top, word.top),
                max(last.bottom, word.bottom),
                min(last.confidence, word.confidence),
            )
            single_run = single_run and len(word.text) == 1
        else:
            joined.append(word)
            single_run = len(word.text) == 1
    return tuple(joined)


def split_cells(words: Sequence[Word], gap: float | None = None) -> list[Cell]:
    """Split one row's words (left to right) into cells wherever the gap is wide."""
    if not words:
        return []
    if gap is None:
        gap = _cell_gap(words)
    cells: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word.x0 - cells[-1][-1].x1 > gap:
            cells.append([word])
        else:
            cells[-1].append(word)
    return [Cell(tuple(cell)) for cell in cells]


def _cell_gap(words: Sequence[Word]) -> float:
    """How wide a gap must be to separate cells in this row (see CELL_GAP and SPACE_MAX)."""
    height = median(word.height for word in words)
    gaps = [right.x0 - left.x1 for left, right in zip(words, words[1:], strict=False)]
    spaces = [gap for gap in gaps if 0 < gap < SPACE_MAX * height]
    if not spaces:
        # Words drawn one by one with no space characters may stand a little wider apart
        # than a space: the row's narrowest gaps, if under an em, are its spaces.
        narrow = [gap for gap in gaps if gap > 0]
        if narrow and min(narrow) < SPACE_WIDEST * height:
            spaces = [gap for gap in narrow if gap <= SPACE_CLUSTER * min(narrow)]
    return max(CELL_GAP * height, SPACE_FACTOR * median(spaces) if spaces else 0.0)


def page_rows(page: Page) -> list[Row]:
    """The visual rows of one page."""
    return group_rows(page.words, page.number)


def document_rows(pages: Sequence[Page]) -> list[Row]:
    """Every visual row of every page, in reading order."""
    return [row for page in pages for row in page_rows(page)]
