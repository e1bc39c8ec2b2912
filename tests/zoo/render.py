"""Shared drawing: a page writer that puts lines of text and tables on PDF pages.

Looks vary independently: font and size, ruled / unruled / zebra tables, portrait or landscape,
and the text layer — normal, space-less (each word its own text object, no space characters)
or letter-spaced (charSpace). Tables paginate, with or without repeated headers.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONTS = [("Helvetica", "Helvetica-Bold"), ("Times-Roman", "Times-Bold"),
         ("Courier", "Courier-Bold")]
if (_DEJAVU / "DejaVuSans.ttf").is_file():
    pdfmetrics.registerFont(TTFont("DejaVuSans", str(_DEJAVU / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(_DEJAVU / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuCond", str(_DEJAVU / "DejaVuSansCondensed.ttf")))
    FONTS += [("DejaVuSans", "DejaVuSans-Bold"), ("DejaVuCond", "DejaVuSans-Bold")]


@dataclass
class Look:
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 8.5
    text_mode: str = "normal"  # normal | spaceless | letterspaced
    char_space: float = 0.0
    rules: str = "ruled"  # ruled | unruled | zebra
    landscape: bool = False
    repeat_header: bool = True

    def describe(self) -> str:
        return (f"{self.font} {self.size}pt, {self.text_mode}, {self.rules}, "
                f"{'landscape' if self.landscape else 'portrait'}, "
                f"{'repeated' if self.repeat_header else 'single'} header")


def random_look(rng: random.Random, *, text_modes: tuple[str, ...] = ("normal",) * 6
                + ("spaceless", "letterspaced"), allow_landscape: bool = True) -> Look:
    font, bold = rng.choice(FONTS)
    mode = rng.choice(text_modes)
    return Look(font=font, bold=bold, size=rng.choice((7.5, 8.0, 8.5, 9.0, 10.0)),
                text_mode=mode, char_space=rng.choice((0.6, 1.0, 1.5)) if mode == "letterspaced"
                else 0.0, rules=rng.choice(("ruled", "unruled", "zebra")),
                landscape=allow_landscape and rng.random() < 0.25,
                repeat_header=rng.random() < 0.6)


@dataclass
class Col:
    head: list[str]  # 1-3 stacked header rows
    width: float  # relative width
    align: str = "l"  # l | r
    wrap: bool = False  # long text wraps onto more rows


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    span: str | None = None  # a row of one text across the table (date row, group heading)
    bold: bool = False


class Paper:
    """A PDF being written top to bottom."""

    def __init__(self, look: Look, footer: str = "") -> None:
        self.look = look
        self.buf = io.BytesIO()
        self.size = landscape(letter) if look.landscape else letter
        self.c = canvas.Canvas(self.buf, pagesize=self.size, invariant=1)
        self.margin = 40.0
        self.width = self.size[0] - 2 * self.margin
        self.footer = footer
        self.page = 1
        self.y = self.size[1] - self.margin

    # ------------------------------------------------------------------ words
    def _width(self, text: str, font: str, size: float) -> float:
        w = pdfmetrics.stringWidth(text, font, size)
        if self.look.text_mode == "letterspaced":
            w += self.look.char_space * len(text)
        return float(w)

    def draw(self, x: float, y: float, text: str, *, font: str | None = None,
             size: float | None = None, align: str = "l", room: float | None = None) -> None:
        font = font or self.look.font
        size = size or self.look.size
        if room is not None and text:
            # a word wider than its column is set smaller, never over its neighbour
            wide = self._width(text, font, size)
            if wide > room:
                size = max(4.0, size * room / wide)
        if align == "r":
            x -= self._width(text, font, size)
        mode = self.look.text_mode
        if mode == "spaceless":
            # each word its own text object: the text layer holds no space characters
            cx = x
            space = pdfmetrics.stringWidth(" ", font, size)
            for word in text.split(" "):
                if word:
                    self.c.setFont(font, size)
                    self.c.drawString(cx, y, word)
                cx += pdfmetrics.stringWidth(word, font, size) + space
        elif mode == "letterspaced":
            t = self.c.beginText(x, y)
            t.setFont(font, size)
            t.setCharSpace(self.look.char_space)
            t.textOut(text)
            self.c.drawText(t)
        else:
            self.c.setFont(font, size)
            self.c.drawString(x, y, text)

    def lead(self, size: float | None = None) -> float:
        return (size or self.look.size) * 1.35

    def need(self, h: float) -> bool:
        """Start a new page when `h` points do not fit; True when a page was started."""
        if self.y - h < self.margin + 18:
            self.new_page()
            return True
        return False

    def new_page(self) -> None:
        self._footer()
        self.c.showPage()
        self.page += 1
        self.y = self.size[1] - self.margin

    def _footer(self) -> None:
        if self.footer:
            self.c.setFillColor(colors.black)
            self.draw(self.margin, self.margin - 14, f"{self.footer}   Page {self.page}",
                      size=self.look.size - 1)

    def text(self, line: str, *, size: float | None = None, bold: bool = False,
             x: float = 0.0, gap: float = 0.0) -> None:
        size = size or self.look.size
        self.need(self.lead(size) + gap)
        self.y -= self.lead(size) + gap
        self.draw(self.margin + x, self.y, line, font=self.look.bold if bold else None, size=size)

    def para(self, text: str, *, size: float | None = None, bold: bool = False) -> None:
        size = size or self.look.size
        font = self.look.bold if bold else self.look.font
        for line in self.wrap(text, font, size, self.width):
            self.text(line, size=size, bold=bold)

    def pairs(self, items: list[tuple[str, str]], *, size: float | None = None) -> None:
        """Label: value lines (claim headings, account details)."""
        for label, value in items:
            self.text(f"{label} {value}".strip(), size=size)

    def space(self, h: float = 6.0) -> None:
        self.y -= h

    def wrap(self, text: str, font: str, size: float, width: float) -> list[str]:
        out: list[str] = []
        cur = ""
        for word in text.split():
            trial = f"{cur} {word}".strip()
            if cur and self._width(trial, font, size) > width:
                out.append(cur)
                cur = word
            else:
                cur = trial
        return out + [cur] if cur else out or [""]

    # ------------------------------------------------------------------ tables
    def table(self, cols: list[Col], rows: list[Row], *, width: float | None = None,
              x0: float = 0.0) -> None:
        look = self.look
        total = width or self.width
        unit = total / sum(c.width for c in cols)
        xs = [self.margin + x0]
        for c in cols:
            xs.append(xs[-1] + c.width * unit)
        lead = self.lead()
        # a header wording wider than its column wraps onto more rows (at most three)
        heads = []
        for i, c in enumerate(cols):
            rows_: list[str] = []
            room = xs[i + 1] - xs[i] - 4
            for piece in c.head:
                if "-" in piece and self._width(piece, look.bold, look.size) > room:
                    piece = piece.replace("-", "- ")
                rows_ += [w.replace("- ", "-") for w in self.wrap(piece, look.bold, look.size, room)]
            heads.append(rows_ if len(rows_) <= 3 else rows_[:2] + [" ".join(rows_[2:])])
        head_rows = max(len(h) for h in heads)
        self.y -= 3

        def draw_header() -> None:
            h = head_rows * lead + 4
            self.need(h + lead)
            top = self.y
            if look.rules != "unruled":
                self.c.setFillColor(colors.Color(0.85, 0.85, 0.85))
                self.c.rect(xs[0], top - h, xs[-1] - xs[0], h, stroke=0, fill=1)
                self.c.setFillColor(colors.black)
            for i, c in enumerate(cols):
                # stacked header words sit at the bottom, aligned like the column
                pad = head_rows - len(heads[i])
                for j, word in enumerate(heads[i]):
                    yy = top - (pad + j + 1) * lead + 2
                    room = xs[i + 1] - xs[i] - 5
                    if c.align == "r":
                        self.draw(xs[i + 1] - 3, yy, word, font=look.bold, align="r", room=room)
                    else:
                        self.draw(xs[i] + 2, yy, word, font=look.bold, room=room)
            self.y = top - h
            self._hline(xs[0], xs[-1], self.y)

        draw_header()
        for n, row in enumerate(rows):
            if row.span is not None:
                lines = [row.span]
            else:
                cell_lines = []
                for i, c in enumerate(cols):
                    text = row.cells[i] if i < len(row.cells) else ""
                    font = look.bold if row.bold else look.font
                    if c.wrap:
                        cell_lines.append(self.wrap(text, font, look.size, xs[i + 1] - xs[i] - 5))
                    else:
                        cell_lines.append([text])
                lines = ["" for _ in range(max(len(x) for x in cell_lines))]
            h = len(lines) * lead + 2
            if self.need(h) and look.repeat_header:
                draw_header()
            top = self.y
            if look.rules == "zebra" and n % 2 == 1:
                self.c.setFillColor(colors.Color(0.93, 0.93, 0.93))
                self.c.rect(xs[0], top - h, xs[-1] - xs[0], h, stroke=0, fill=1)
                self.c.setFillColor(colors.black)
            font = look.bold if row.bold else look.font
            if row.span is not None:
                self.draw(xs[0] + 2, top - lead + 2, row.span, font=look.bold)
            else:
                for i, c in enumerate(cols):
                    for j, piece in enumerate(cell_lines[i]):
                        yy = top - (j + 1) * lead + 2
                        room = xs[i + 1] - xs[i] - 5
                        if c.align == "r":
                            self.draw(xs[i + 1] - 3, yy, piece, font=font, align="r", room=room)
                        else:
                            self.draw(xs[i] + 2, yy, piece, font=font, room=room)
            self.y = top - h
            if look.rules == "ruled":
                self._hline(xs[0], xs[-1], self.y)
                for x in xs:
                    self.c.line(x, top, x, self.y)

    def _hline(self, x1: float, x2: float, y: float) -> None:
        if self.look.rules != "unruled":
            self.c.setLineWidth(0.5)
            self.c.line(x1, y, x2, y)

    def box(self, labels: list[str], values: list[str], *, title: str | None = None,
            width_share: float = 0.7) -> None:
        """A small boxed table (aging box, account summary as one row)."""
        if title:
            self.text(title, bold=True, gap=4)
        saved = self.look.rules
        self.look.rules = "ruled"
        self.table([Col([lab], 1, "r") for lab in labels], [Row(values)],
                   width=self.width * width_share)
        self.look.rules = saved

    def finish(self) -> bytes:
        self._footer()
        self.c.save()
        return self.buf.getvalue()
