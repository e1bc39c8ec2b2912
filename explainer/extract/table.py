"""Tables on billing papers, read by what their headers say: columns, lines, totals, legends.

Every insurer and practice prints its own layout, so nothing here knows one layout's
positions (PRODUCT.md: "map columns by header words"). A header is found by its words
(possibly wrapped over 2-3 visual rows), each word of a data row goes to the column whose
header it stands under, wrapped descriptions join their line, a table continues on the
next page after a repeated header, and "Total" rows are kept apart from service lines.
The labelled values ("Claim number: …") and code legends printed around tables are read
here too, as the same extractors need them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from statistics import median

from ..model import Adjustment, Group
from ..read.layout import Cell, Row, Word
from ..values import find_dates, is_zip_code, parse_date, parse_money
from .sentences import stated_adjustments


class Field(StrEnum):
    """What a column holds, whatever the paper calls it."""

    DATE = "date"
    POSTED = "posted"
    SERVICE = "service"
    CODE = "code"
    APPROVED = "approved"
    BENEFIT_DAYS = "benefit_days"
    UNITS = "units"
    BILLED = "billed"
    NOT_COVERED = "not_covered"
    ALLOWED = "allowed"
    PAID = "paid"
    OTHER_PAID = "other_paid"
    DEDUCTIBLE = "deductible"
    COPAY = "copay"
    COINSURANCE = "coinsurance"
    COST_SHARE = "cost_share"
    """'Deduct/Coins', 'Deductible & Copay': the patient's share, its reason not told apart."""
    CONTRACTUAL = "contractual"
    """'Contractual adjustment', 'Contract adj', 'Provider write-off': CO 45 by its name."""
    OWES = "owes"
    BALANCE = "balance"
    PAYMENTS = "payments"
    ADJUSTMENTS = "adjustments"
    AMOUNT = "amount"
    NOTES = "notes"
    OTHER = "other"


MONEY_FIELDS = frozenset(
    {
        Field.BILLED, Field.NOT_COVERED, Field.ALLOWED, Field.PAID, Field.OTHER_PAID,
        Field.DEDUCTIBLE, Field.COPAY, Field.COINSURANCE, Field.COST_SHARE, Field.CONTRACTUAL,
        Field.OWES, Field.BALANCE,
        Field.PAYMENTS, Field.ADJUSTMENTS, Field.AMOUNT,
    }
)  # fmt: skip
TEXT_FIELDS = frozenset(Field) - MONEY_FIELDS

# Header wordings, tried in order on the label with filler words removed (see _normalize):
# the first full match wins, so the specific phrases ("you may be billed", "not covered",
# "service approved", "date of service") come before the words they contain.
_FIELD_PATTERNS: tuple[tuple[Field, str], ...] = (
    (Field.APPROVED, r"(service|services|claim) approved"),
    (Field.BENEFIT_DAYS, r"benefit days( used)?|days used"),
    (Field.POSTED, r"(post|posted|posting|transaction|trans) date|date (posted|post)"),
    (
        Field.DATE,
        r"((service|visit|from) )?(date|dates|date s|dos)( (from|to|thru|through))?"
        r"( (service|services|visit))?|from( to)?|(from )?(to|thru|through)",
    ),
    (
        Field.OWES,
        r"(maximum )?you (may )?be billed|(what )?(you|patient|member) (may )?owes?( provider)?"
        r"|you pay|(amount )?you (may )?be charged|(patient|member) (may )?be billed|(may )?owes?"
        r"|i (owe|pay)|(your|my|patient|patients|pt|member|members) (responsibility|resp|share|cost"
        r"|portion|balance|owes?|pays)|patient responsibility|due from (you|patient)"
        r"|(amount )?due|owed|your cost",
    ),
    (Field.BALANCE, r"(running |account |new |line |remaining )?balance( due)?"),
    (
        Field.COST_SHARE,
        r"(ded|deduct|deductible) ?(and )?(coins|coinsurance|co ?ins|copay|co ?pay|copay coins)"
        r"|(coins|coinsurance|copay) ?(and )?(ded|deduct|deductible)"
        r"|(member|patient) cost share|cost shar(e|ing)",
    ),
    (
        Field.CONTRACTUAL,
        r"contractual( adjustments?| adj| obligations?| write ?offs?)?|contract (adjustments?|adj)"
        r"|(provider )?write ?offs?",
    ),
    (
        Field.NOT_COVERED,
        r"(non|not) covered( charges?)?|noncovered( charges?)?"
        r"|((network|plan|provider|insurance) )?(discount|savings|reductions?)"
        r"|not allowed|disallowed|ineligible|excluded|not payable"
        r"|charges? not covered",
    ),
    (
        Field.OTHER_PAID,
        r"other (insurance|insurer|plan|payer|carrier)( paid| payment)?"
        r"|(primary|prior) (payer|insurance)( paid)?|cob",
    ),
    (
        Field.ALLOWED,
        r"((medicare|plan|insurance|network) )?(approved|allowed|allowable|eligible"
        r"|negotiated|contracted|contract|allowance|covered)( charges?| rate| expenses?)?"
        r"|plan allowance|(plan|network|contract) rate",
    ),
    (
        Field.PAYMENTS,
        r"(insurance |patient )?(payments?|credits?|pmts?|receipts?)"
        r"( (and )?(credits?|adjustments?))?",
    ),
    (
        Field.PAID,
        r"((plan|medicare|insurance|insurer|payer|we|health plan|your plan|benefit) )?"
        r"(paid|pays|payment|benefits?)( (you|provider|plan|to provider|to you))?"
        r"|paid (plan|insurance|medicare|provider)|what (your )?plan paid"
        r"|(plan|insurance|insurer) (share|portion|pays)",
    ),
    (Field.DEDUCTIBLE, r"(applied )?(to )?(your )?(deductible|ded|deduct)( applied)?"),
    (Field.COPAY, r"co ?pay(ment)?s?"),
    (Field.COINSURANCE, r"co ?insurance|coins"),
    (Field.ADJUSTMENTS, r"(other )?(adjustments?|adj|adjs)( credits?)?"),
    (
        Field.BILLED,
        r"((provider|doctor|facility) )?(charged|charges?|billed|fees?|submitted)"
        r"( (charges?|provider))?|billed charges?|((provider|doctor|facility) )?(asked|asks)",
    ),
    (Field.UNITS, r"units?|qty|quantity|days|visits|number services|no"),
    (
        Field.NOTES,
        r"(see )?notes?( below| section)?|(claim |line )?remarks?( codes?)?|(reason|remark"
        r"|adjustment|adj|claim|explanation|message|denial|rarc|carc|group reason|group) codes?"
        r"|codes|msg|messages?|notes codes|explanations?",
    ),
    (
        Field.CODE,
        r"(cpt|hcpcs|cpt hcpcs)( codes?)?|(procedure|proc|service|billing|rev|revenue) codes?"
        r"|codes? (cpt|hcpcs)|code|mods?|modifiers?",
    ),
    (
        Field.SERVICE,
        r"(service|services)( provided)?( and( billing)? codes?)?|(service |charge )?"
        r"description( services?)?|procedure( description)?|treatment|items?"
        r"|details?|type services?|services? description|provider and service"
        r"|transaction|activity|description procedure",
    ),
)
_COMPILED = tuple((name, re.compile(pattern)) for name, pattern in _FIELD_PATTERNS)
_FILLERS = frozenset({"amount", "amounts", "amt", "the", "of", "by", "for", "total", "totals", "$"})

# Any of these words makes a row worth trying as a header.
_HEADER_WORD = re.compile(
    r"amount|bill|charge|paid|pay|approv|allow|deduct|co-?pay|co-?ins|owe|balance|respons"
    r"|date|service|descr|code|note|remark|credit|adjust|discount|covered|saving|cpt",
    re.IGNORECASE,
)
_AMOUNT_WORD = re.compile(r"\$|\d\.\d\d\b")
# "Total", "Totals:", "Claim total", "Total for claim 123", "Total charges" (not "Total knee
# replacement (27447)", a service).
_TOTAL = re.compile(
    r"^\s*((claim|grand|sub|page|account|statement|report|check|payment|provider|patient|member"
    r"|line|service|visit|remittance|eob)\s*)?totals?(\s*:|\s*$|\s+(for|of|this|claim|charges"
    r"|amounts?|due|billed|paid|services)\b)",
    re.IGNORECASE,
)
# A total over every claim of the paper, not one claim's: its lines were counted already.
_GRAND_TOTAL = re.compile(
    r"^\s*(grand|statement|report|check|payment|provider|page|remittance|eob)\s*totals?\b"
    r"|^\s*totals?\s+(for|of)\s+(this\s+)?(statement|report|check|payment|page|all)\b",
    re.IGNORECASE,
)
_BLANK = frozenset({"", "-", "—", "–", "n/a", "na", "none", "--", "*"})

# OCR words read with less confidence than this make their line 'low confidence' (shown as
# uncertain, never silently trusted); PDF text always has confidence 1.0.
LOW_CONFIDENCE = 0.8
MIN_FIELDS = 3
MIN_MONEY_FIELDS = 2
# Vertical gaps, in font heights: wrapped lines of one header sit closer than this...
HEADER_GAP = 0.7
# ...as do the wrapped lines of one description or note...
WRAP_GAP = 0.6
# ...and a table ends where the next row is farther than this below the last one.
TABLE_GAP = 2.6
# How far down a new page a repeated header may stand (below page headers, patient name…).
REPEAT_SEARCH_ROWS = 15
# Rows at the bottom of a page that may be its footer rather than the end of a table.
FOOTER_ROWS = 2


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table: what it holds, its printed label, and its header's extent."""

    field: Field
    label: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class Header:
    """A table's header: columns left to right, and the rows it was printed on."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(column.field for column in self.columns)

    def has(self, *fields: Field) -> bool:
        """Does the table have any of these columns?"""
        return any(column.field in fields for column in self.columns)


@dataclass(frozen=True, slots=True)
class TableLine:
    """One line of a table as read: the text under each column, and where it was printed."""

    cells: Mapping[Field, str]
    rows: tuple[Row, ...]
    total: bool = False
    headings: tuple[Row, ...] = ()
    """Group rows printed inside the table just above this line (a claim number, a patient,
    "RECEIPT DATE: …"): a new one starts a new claim for the extractors."""
    grand_total: bool = False
    """A total over the whole paper ("Statement totals"), not over one claim."""
    notes: tuple[Row, ...] = ()
    """Sentences printed inside the table just below this line (e.g. a sequestration note)."""

    @property
    def page(self) -> int:
        return self.rows[0].page

    @property
    def text(self) -> str:
        return " ".join(row.text for row in self.rows)

    def get(self, *fields: Field) -> str:
        """The text under these columns, joined ('' if none)."""
        return " ".join(self.cells[f] for f in fields if self.cells.get(f)).strip()

    def money(self, name: Field) -> Decimal | None:
        """The amount under one column; None when blank or unreadable."""
        return cell_money(self.cells.get(name, ""))

    def unreadable(self) -> tuple[Field, ...]:
        """Amount columns that hold something that is not an amount."""
        return tuple(
            name
            for name, text in self.cells.items()
            if name in MONEY_FIELDS and not _is_blank(text) and cell_money(text) is None
        )

    @property
    def uncertain(self) -> bool:
        """Is any amount unreadable, or any word read with low confidence (OCR)?"""
        words = (word for row in self.rows for word in row.words)
        return bool(self.unreadable()) or any(word.confidence < LOW_CONFIDENCE for word in words)


# ---------------------------------------------------------------- headers


# Abbreviations payers print in narrow headers, spelled out before matching.
_SHORT_FORMS = {
    "svc": "service", "svcs": "services", "srvc": "service", "serv": "service",
    "pt": "patient", "pat": "patient", "mbr": "member", "chg": "charge", "chgs": "charges",
    "chrg": "charge", "pmt": "payment", "pymt": "payment", "alwd": "allowed", "allow": "allowed",
    "appr": "approved", "aprvd": "approved", "ins": "insurance", "ttl": "total",
    "desc": "description", "descr": "description", "proc": "procedure", "resp": "responsibility",
    "dt": "date", "dts": "dates", "rmk": "remark", "rmks": "remarks",
}  # fmt: skip


def _normalize(label: str) -> str:
    """Lower case, '&' as 'and', short forms spelled out, punctuation and filler words
    ('amount', 'total') removed."""
    text = label.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"[^a-z0-9$ ]+", " ", text.replace("'s ", "s "))
    words = (_SHORT_FORMS.get(word, word) for word in text.split())
    return " ".join(word for word in words if word not in _FILLERS)


def _exact_field(text: str) -> Field | None:
    for name, pattern in _COMPILED:
        if pattern.fullmatch(text):
            return name
    return None


@lru_cache(maxsize=4096)
def field_for(label: str, holds_money: bool | None = None) -> Field | None:
    """Which field a printed column header names, or None.

    A label that names no field as a whole is scored by its parts: two tight columns'
    labels run together ("You May Be Billed Notes") still name the field of the longest
    part, an amount field first when the column below holds amounts.
    """
    text = _normalize(label)
    if not text:
        return Field.AMOUNT if "amount" in label.lower() else None
    if label.rstrip().endswith("?") and re.search(r"approv|covered|allowed|paid", label, re.I):
        return Field.APPROVED  # "Approved?" asks yes or no: it is not the approved amount
    exact = _exact_field(text)
    if exact is not None:
        return exact
    words = text.split()
    if len(words) > MAX_LABEL_WORDS:
        return None  # prose, not a column's label
    found: list[tuple[int, int, int, int, Field]] = []
    # Every ordered choice of the label's words: stacked headers interleave two columns'
    # words ("You May Be See / Billed Notes" holds "you may be billed").
    for mask in range(1, 2 ** len(words) - 1):
        chosen = [k for k in range(len(words)) if mask >> k & 1]
        name = _exact_field(" ".join(words[k] for k in chosen))
        size = len(chosen)
        if name is None or name in _WEAK_ALONE and size == 1 and len(words) > 2:
            continue
        kind = name in MONEY_FIELDS
        fits = 0 if holds_money is None or kind == holds_money else 1
        gaps = chosen[-1] - chosen[0] + 1 - size  # contiguous words first
        found.append((fits, -size, gaps, chosen[0], name))
    return min(found)[4] if found else None


# A label scored by its parts has at most this many words (headers are terse; notes are not).
MAX_LABEL_WORDS = 6
# Words that name a field alone only in a short label: "Service" in "Service & Code" is the
# description, but in "Date of Service Provided Here" it is not the whole story.
_WEAK_ALONE = frozenset({Field.UNITS, Field.NOTES, Field.CODE})


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _plain(row: Row) -> bool:
    """No amounts and no dates: a row that may be (part of) a header."""
    if _AMOUNT_WORD.search(row.text) or find_dates(row.text) or row.text.rstrip().endswith("."):
        return False
    # Claim and account numbers stand above tables, never in their headers.
    return not re.search(r"\d[\d-]{4,}", row.text)


def _stack_columns(band: Sequence[Row]) -> list[list[tuple[int, Cell]]]:
    """Cells of a 1-3 row header stacked into columns by horizontal overlap, each cell with
    the number of its row in the band. A cell over two or more columns is a group title
    ("Your share") and is dropped."""
    base = max(range(len(band)), key=lambda k: len(band[k].cells))
    columns: list[list[tuple[int, Cell]]] = [[(base, cell)] for cell in band[base].cells]
    for position, row in enumerate(band):
        if position == base:
            continue
        for cell in row.cells:
            hits = [
                index
                for index, stack in enumerate(columns)
                if _overlap(
                    cell.x0, cell.x1, min(c.x0 for _, c in stack), max(c.x1 for _, c in stack)
                )
                > 0
            ]
            if len(hits) == 1:
                columns[hits[0]].append((position, cell))
            elif not hits:
                columns.append([(position, cell)])
    columns.sort(key=lambda stack: min(c.x0 for _, c in stack))
    return columns


def _header_from_band(band: Sequence[Row], coded_rows: bool = False) -> Header | None:
    """The header printed on these rows, if they name enough known columns."""
    columns = []
    rows_used: set[int] = set()
    for stack in _stack_columns(band):
        stack.sort(key=lambda item: item[0])
        label = " ".join(cell.text for _, cell in stack)
        name = field_for(label)
        if name is not None:
            rows_used.update(position for position, _ in stack)
        x0, x1 = min(c.x0 for _, c in stack), max(c.x1 for _, c in stack)
        columns.append(Column(name or Field.OTHER, label, x0, x1))
    known = {column.field for column in columns} - {Field.OTHER}
    if not _enough_columns(known, coded_rows):
        return None
    if len(rows_used) < len(band):
        return None  # a row that names no column is a title or a data row, not header
    return Header(tuple(columns), tuple(band))


def header_at(rows: Sequence[Row], index: int) -> tuple[Header, int] | None:
    """The header starting at rows[index] and how many rows it takes, or None."""
    if index >= len(rows) or not _plain(rows[index]):
        return None
    # The first row of a wrapped header may hold only 'Provider', 'Plan', 'Your'.
    if not any(_HEADER_WORD.search(row.text) for row in rows[index : index + 3]):
        return None
    best: tuple[Header, int] | None = None
    for size in (1, 2, 3):
        band = rows[index : index + size]
        if len(band) < size or not _tight(band):
            break
        if any(is_summary_row(row) for row in band) or _ACCOUNT_COLUMNS.search(
            " ".join(row.text for row in band)
        ):
            break  # the header of an account summary: about the account, not services
        coded = _coded_rows_below(rows, index + size)
        header = _header_from_band(band, coded)
        by_words = _header_from_words(band, rows, index + size, coded)
        # Cells cut by gaps read most headers right; where they name fewer amount columns
        # than the words placed over the amounts below, the columns were too tight to cut.
        if by_words is not None and (header is None or _money(by_words) > _money(header)):
            header = by_words
        # More rows win a tie: "Amount / Billed" names BILLED where "Amount" alone does not.
        if header is not None and (
            best is None or len(set(header.fields)) >= len(set(best[0].fields))
        ):
            best = (header, size)
    return best


_ACCOUNT_COLUMNS = re.compile(
    r"previous\s*balance|prior\s*balance|balance\s*forward|beginning\s*balance|new\s*charges"
    r"|\b31\s*[-–]\s*60\b|\b61\s*[-–]\s*90\b",
    re.IGNORECASE,
)


def _coded_rows_below(rows: Sequence[Row], start: int) -> bool:
    """Do the first rows under a would-be header print procedure codes beside amounts?"""
    below = [row for row in rows[start : start + 6] if _MONEY_TOKEN.search(row.text)]
    coded = [row for row in below if procedure(row.text)[0] is not None]
    return len(below) >= 2 and len(coded) * 2 >= len(below)


def _enough_columns(known: set[Field], coded_rows: bool = False) -> bool:
    """Enough known columns for a table of services: three, two of them amounts; or an
    itemized bill's one charge column beside the date, the code or service and more; or
    just a description and one amount when the rows below print procedure codes."""
    two = known in ({Field.SERVICE, Field.BILLED}, {Field.SERVICE, Field.OWES},
                    {Field.SERVICE, Field.BALANCE})  # fmt: skip
    if coded_rows and two:
        return True
    if len(known) < MIN_FIELDS:
        return False
    if not known & {Field.DATE, Field.SERVICE, Field.CODE, Field.POSTED}:
        return False  # amounts alone, nothing saying what for: a summary box, not services
    money = known & MONEY_FIELDS
    if len(money) >= MIN_MONEY_FIELDS:
        return True
    # What each service is (date, code, description: two of them) beside its one amount.
    itemized = len(known & {Field.DATE, Field.CODE, Field.SERVICE}) >= 2
    one_column = money in ({Field.BILLED}, {Field.OWES}, {Field.BALANCE})
    return itemized and one_column


def _money(header: Header) -> int:
    return len(set(header.fields) & MONEY_FIELDS)


# How many rows below a header are looked at to find where its columns stand.
DATA_ROWS = 12


def _data_rows(rows: Sequence[Row], start: int) -> list[Row]:
    """The rows just under a header that print amounts, up to a wide gap or another page."""
    found: list[Row] = []
    previous: Row | None = rows[start - 1] if start else None
    for row in rows[start : start + DATA_ROWS]:
        if previous is not None and (
            row.page != previous.page or row.top - previous.bottom > TABLE_GAP * row.height
        ):
            break
        amounts = len(_MONEY_TOKEN.findall(row.text))
        words = len(row.words)
        words_only = _MONEY_TOKEN.sub(" ", row.text).strip()
        total = bool(_TOTAL.match(words_only)) or bool(_GRAND_TOTAL.match(words_only))
        labelled = bool(_LABEL_THEN_AMOUNT.search(row.text))  # "Refund to you: 12.40"
        if amounts >= 2 and words < 4 * amounts + 8 and not total and not labelled:
            found.append(row)
        previous = row
    return found


_LABEL_THEN_AMOUNT = re.compile(r"[A-Za-z]:\s*\$?\d[\d,]*\.\d\d")
_MONEY_TOKEN = re.compile(r"(?<![\w.])\$?\s?\d[\d,]*\.\d\d\b")


def _segments(row: Row) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Where a data row prints amounts (each on its own) and runs of other words."""
    amounts: list[tuple[float, float]] = []
    texts: list[tuple[float, float]] = []
    for cell in row.cells:
        run: list[Word] = []
        for word in cell.words:
            if cell_money(word.text) is not None and "." in word.text:
                if run:
                    texts.append((run[0].x0, run[-1].x1))
                    run = []
                amounts.append((word.x0, word.x1))
            else:
                run.append(word)
        if run:
            texts.append((run[0].x0, run[-1].x1))
    return amounts, texts


def _data_columns(data: Sequence[Row]) -> list[tuple[float, float]]:
    """Columns from the data rows: amounts that stand over each other make one column; text
    makes a column only where it does not run into an amount column."""
    amounts: list[tuple[float, float]] = []
    texts: list[tuple[float, float]] = []
    for row in data:
        row_amounts, row_texts = _segments(row)
        amounts.extend(row_amounts)
        texts.extend(row_texts)
    money = _merge(sorted(amounts))
    # Text is left-aligned: segments starting at about the same place are one column, cut
    # short where the next column starts (a long description may run under its neighbour).
    groups: list[list[tuple[float, float]]] = []
    height = median(row.height for row in data)
    for span in sorted(texts):
        if groups and span[0] - groups[-1][0][0] <= height:
            groups[-1].append(span)
        else:
            groups.append([span])
    starts = sorted([x0 for x0, _ in money] + [group[0][0] for group in groups])
    text_columns = []
    for group in groups:
        x0 = group[0][0]
        x1 = max(end for _, end in group)
        following = [start for start in starts if start > x0 + 1]
        if following:
            x1 = min(x1, following[0] - 1)
        if not any(_overlap(x0, x1, m0, m1) > 0 for m0, m1 in money):
            text_columns.append((x0, x1))
    return sorted(money + text_columns)


def _word_columns(
    words: Sequence[Word], columns: Sequence[tuple[float, float]]
) -> list[int | None]:
    """The column each header word stands over.

    A run of words over no column ("Paid by" between two columns) joins the neighbouring
    word it is printed closer to ("Paid by You May Be": "You" goes with "May Be"), else the
    nearest column; None when it stands past every column (the header of an empty column).
    """
    placed: list[int | None] = []
    for word in words:
        overlaps = [_overlap(word.x0, word.x1, x0, x1) for x0, x1 in columns]
        best = max(range(len(columns)), key=lambda k: overlaps[k])
        placed.append(best if overlaps[best] > 0 else None)
    k = 0
    while k < len(words):
        if placed[k] is not None:
            k += 1
            continue
        end = k
        while end + 1 < len(words) and placed[end + 1] is None:
            end += 1
        run = words[k : end + 1]
        placed[k : end + 1] = [_run_column(words, placed, k, end, columns)] * len(run)
        k = end + 1
    return placed


def _run_column(
    words: Sequence[Word],
    placed: Sequence[int | None],
    first: int,
    last: int,
    columns: Sequence[tuple[float, float]],
) -> int | None:
    """Where a run of header words that stands over no column belongs (see _word_columns)."""
    x0, x1 = words[first].x0, words[last].x1
    height = words[first].height
    if not (any(c1 <= x0 for _, c1 in columns) and any(c0 >= x1 for c0, _ in columns)):
        return None  # past the outermost amounts: the header of a column left empty here
    sides: list[tuple[float, int]] = []
    if first > 0 and placed[first - 1] is not None:
        sides.append((x0 - words[first - 1].x1, placed[first - 1]))  # type: ignore[arg-type]
    if last + 1 < len(words) and placed[last + 1] is not None:
        sides.append((words[last + 1].x0 - x1, placed[last + 1]))  # type: ignore[arg-type]
    close = [side for side in sides if side[0] < height]
    if close:
        return min(close)[1]

    def distance(index: int) -> float:
        c0, c1 = columns[index]
        return max(c0 - x1, x0 - c1, 0.0)

    nearest = min(range(len(columns)), key=distance)
    return nearest if distance(nearest) <= 2 * height else None


# Header words that a text layer without spaces may run together ("BILLEDADJUSTMENT").
_HEADER_TOKENS = frozenset(
    {
        "amount", "amt", "billed", "billing", "charge", "charged", "charges", "adjustment",
        "adjustments", "adj", "contractual", "allowed", "approved", "eligible", "covered",
        "deductible", "ded", "coinsurance", "coins", "copay", "paid", "payment", "patient",
        "member", "resp", "responsibility", "you", "may", "be", "owe", "due", "balance", "service",
        "services", "date", "dates", "code", "proc", "procedure", "units", "plan", "medicare",
        "insurance", "discount", "total", "notes", "remarks",
    }
)  # fmt: skip


def _split_run_together(word: Word, columns: Sequence[tuple[float, float]]) -> list[Word]:
    """A header word standing over two data columns that is two header words with no space
    between them is cut in two, each part as wide as its share of the letters."""
    over = [k for k, (x0, x1) in enumerate(columns) if _overlap(word.x0, word.x1, x0, x1) > 0]
    if len(over) < 2 or not word.text.isalpha():
        return [word]
    text = word.text.lower()
    for cut in range(2, len(text) - 1):
        if text[:cut] in _HEADER_TOKENS and text[cut:] in _HEADER_TOKENS:
            middle = word.x0 + (word.x1 - word.x0) * cut / len(text)
            return [
                Word(word.text[:cut], word.x0, middle, word.top, word.bottom, word.confidence),
                Word(word.text[cut:], middle, word.x1, word.top, word.bottom, word.confidence),
            ]
    return [word]


def _role_from_data(data: Sequence[Row], x0: float, x1: float) -> Field | None:
    """What a column holds when its label names nothing we know ("Visit", "What was done"):
    dates on every data row make it the date column; words with procedure codes on most rows
    make it the services column. Amounts are never given a role this way."""
    texts = [
        " ".join(word.text for word in row.words if _overlap(word.x0, word.x1, x0, x1) > 0)
        for row in data
    ]
    texts = [text for text in texts if text]
    if len(texts) < MIN_MONEY_FIELDS or any(_MONEY_TOKEN.search(text) for text in texts):
        return None  # one row is no evidence; a column with amounts is never given a role
    if all(date_row(text) for text in texts):
        return Field.DATE
    coded = [text for text in texts if procedure(text)[0] is not None and re.search("[a-z]", text)]
    return Field.SERVICE if len(coded) * 2 > len(texts) else None


def _header_from_words(
    band: Sequence[Row], rows: Sequence[Row], start: int, coded_rows: bool = False
) -> Header | None:
    """The header read word by word onto the columns its data rows print in.

    Payers print tight columns whose header words touch ("Paid by You May Be"): cells cut
    by gaps then join two columns' labels. Where the amounts below stand tells the columns
    apart, and each header word goes to the column it stands over.
    """
    if max(len(row.cells) for row in band) < MIN_FIELDS:
        return None  # a header's words stand apart in columns; prose runs on
    data = _data_rows(rows, start)
    if len(data) < 1:
        return None
    columns = _data_columns(data)
    if len(columns) < MIN_FIELDS:
        return None
    labels: list[list[tuple[int, Word]]] = [[] for _ in columns]
    extra: list[tuple[float, float, list[tuple[int, Word]]]] = []
    for position, row in enumerate(band):
        parts = [part for word in row.words for part in _split_run_together(word, columns)]
        for word, best in zip(parts, _word_columns(parts, columns), strict=True):
            if best is not None:
                labels[best].append((position, word))
                continue
            # Words over no data column stack with those above or below them ("See /
            # Notes / Below"): the header of a column left empty on these rows.
            for k, (x0, x1, words) in enumerate(extra):
                if _overlap(word.x0, word.x1, x0, x1) > 0:
                    extra[k] = (min(x0, word.x0), max(x1, word.x1), [*words, (position, word)])
                    break
            else:
                extra.append((word.x0, word.x1, [(position, word)]))
    built: list[Column] = []
    rows_used: set[int] = set()
    stacks = [(x0, x1, words) for (x0, x1), words in zip(columns, labels, strict=True)] + extra
    for x0, x1, words in sorted(stacks, key=lambda item: item[0]):
        if not words:
            continue
        words.sort(key=lambda item: (item[0], item[1].x0))
        label = " ".join(word.text for _, word in words)
        name = field_for(label) or _role_from_data(data, x0, x1)
        if name is not None:
            rows_used.update(position for position, _ in words)
        left = min(x0, *(word.x0 for _, word in words))
        right = max(x1, *(word.x1 for _, word in words))
        built.append(Column(name or Field.OTHER, label, left, right))
    known = {column.field for column in built} - {Field.OTHER}
    if not _enough_columns(known, coded_rows):
        return None
    if len(rows_used) < len(band):
        return None
    return Header(tuple(built), tuple(band))


def _tight(band: Sequence[Row]) -> bool:
    """Rows of one wrapped header: same page, header-like, each close under the last."""
    for upper, lower in zip(band, band[1:], strict=False):
        if lower.page != upper.page or not _plain(lower):
            return False
        if lower.top - upper.bottom > HEADER_GAP * max(upper.height, lower.height):
            return False
    return True


# ---------------------------------------------------------------- data rows


Ranges = list[tuple[float, float]]


def column_ranges(header: Header, rows: Sequence[Row] = ()) -> Ranges:
    """Each column's horizontal range, cut in the gaps between header labels.

    The cut goes in the rightmost strip of the gap that no amount-bearing row prints on:
    left-aligned labels over right-aligned amounts leave the empty strip just before the
    next label, centred or right-aligned labels leave it after the column's own amounts.
    Without such rows the cut is half-way between the labels.
    """
    columns = header.columns
    lines = [row for row in rows if _AMOUNT_WORD.search(row.text)]
    cuts = [_cut(left, right, lines) for left, right in zip(columns, columns[1:], strict=False)]
    edges = [float("-inf"), *cuts, float("inf")]
    return list(zip(edges, edges[1:], strict=False))


def _cut(left: Column, right: Column, lines: Sequence[Row]) -> float:
    """Where the boundary between two neighbouring columns goes (see column_ranges)."""
    start, end = left.x1, right.x0
    if end <= start:
        return (left.x0 + left.x1 + right.x0 + right.x1) / 4
    covered = sorted(
        (max(cell.x0, start), min(cell.x1, end))
        for row in lines
        for cell in row.cells
        if cell.x1 > start and cell.x0 < end
    )
    free_end = end
    for x0, x1 in reversed(_merge(covered)):
        if free_end - x1 >= 1.0:
            return (x1 + free_end) / 2
        free_end = min(free_end, x0)
    if free_end - start >= 1.0:
        return (start + free_end) / 2
    return (start + end) / 2


def _merge(spans: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping intervals merged, left to right."""
    merged: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x1))
        else:
            merged.append((x0, x1))
    return merged


def _column_of(x0: float, x1: float, ranges: Sequence[tuple[float, float]]) -> int:
    """The column a box overlaps most."""
    return max(range(len(ranges)), key=lambda k: _overlap(x0, x1, *ranges[k]))


def assign(rows: Sequence[Row], header: Header, ranges: Ranges | None = None) -> dict[Field, str]:
    """The text of these rows under each of the header's columns.

    A cell goes whole to the column it overlaps most, so a long description running past
    its header stays one description; a cell is split word by word only where amounts
    printed too close together fall under different amount columns.
    """
    ranges = ranges or column_ranges(header)
    parts: dict[Field, list[str]] = {}
    for row in rows:
        for cell in row.cells:
            for words, index in _place_cell(cell, ranges, header):
                parts.setdefault(header.columns[index].field, []).append(" ".join(words))
    cells = {name: " ".join(texts) for name, texts in parts.items()}
    return _codes_out_of_amounts(cells)


# "$0.00 A": a note letter printed so close to the amount that both fell in one column.
_AMOUNT_THEN_CODES = re.compile(
    r"^(?P<amount>\S*\d\.\d\d\S*)\s+(?P<codes>(?:[A-Z]{1,2}\d{0,3},?\s*){1,3})$"
)


def _codes_out_of_amounts(cells: dict[Field, str]) -> dict[Field, str]:
    """Note codes stuck to an amount go to the notes column."""
    for name in [name for name in cells if name in MONEY_FIELDS]:
        match = _AMOUNT_THEN_CODES.match(cells[name].strip())
        if match and cell_money(match.group("amount")) is not None:
            cells[name] = match.group("amount")
            notes = cells.get(Field.NOTES, "")
            cells[Field.NOTES] = f"{notes} {match.group('codes').strip()}".strip()
    return cells


def _place_cell(
    cell: Cell, ranges: Sequence[tuple[float, float]], header: Header
) -> list[tuple[list[str], int]]:
    """Which column(s) one cell's words go to."""
    per_word = [_column_of(w.x0, w.x1, ranges) for w in cell.words]
    in_money = [
        w
        for w, k in zip(cell.words, per_word, strict=True)
        if header.columns[k].field in MONEY_FIELDS
    ]
    amounts_apart = (
        len(set(per_word)) > 1
        and in_money
        and all(cell_money(w.text) is not None or w.text == "$" for w in in_money)
    )
    if not amounts_apart and len(set(per_word)) > 1:
        # "Therapeutic exercises, each 15 Yes": a short answer or code printed so close to a
        # description that both made one cell; it belongs to the column it stands in.
        home = _column_of(cell.x0, cell.x1, ranges)
        strays = [w for w, k in zip(cell.words, per_word, strict=True) if k != home]
        amounts_apart = bool(strays) and all(
            (pattern := _SHORT_ANSWERS.get(header.columns[k].field)) is not None
            and pattern.fullmatch(w.text) is not None
            for w, k in zip(cell.words, per_word, strict=True)
            if k != home
        )
    if not amounts_apart:
        return [([w.text for w in cell.words], _column_of(cell.x0, cell.x1, ranges))]
    placed: list[tuple[list[str], int]] = []
    for word, index in zip(cell.words, per_word, strict=True):
        if placed and placed[-1][1] == index:
            placed[-1][0].append(word.text)
        else:
            placed.append(([word.text], index))
    return placed


_SHORT_ANSWERS = {
    Field.APPROVED: re.compile(r"yes|no|y|n", re.I),
    Field.NOTES: re.compile(r"[A-Z]{1,2}\d{0,3}"),
    Field.UNITS: re.compile(r"\d{1,2}"),
    Field.CODE: re.compile(r"[A-Z]\d{4}|\d{4}[0-9FTU]"),
}


def _is_blank(text: str) -> bool:
    return text.strip().lower() in _BLANK


def cell_money(text: str) -> Decimal | None:
    """An amount printed in a cell ('$1,234.56', '(2.40)', '-1.60', '$30.00*'); None if blank."""
    text = text.strip().rstrip("*").strip()
    if _is_blank(text):
        return None
    return parse_money(text.replace("$ ", "$"))


def _is_total(cells: Mapping[Field, str]) -> bool:
    """'Total', 'Totals', 'Claim total', 'Total for claim …' in the leftmost text column."""
    for name in (Field.SERVICE, Field.DATE, Field.CODE, Field.OTHER, Field.POSTED, Field.NOTES):
        text = cells.get(name, "").strip()
        if text:
            return bool(_TOTAL.match(text)) and procedure(text)[0] is None
    return False


def _text_only(cells: Mapping[Field, str]) -> bool:
    """A row with words only under text columns: a wrapped description or note."""
    return all(name in TEXT_FIELDS or _is_blank(text) for name, text in cells.items())


@dataclass(slots=True)
class _Reading:
    """A table being read: the header and column ranges on this page, the lines so far, and
    the wrapped first rows of a line still waiting for its amounts."""

    header: Header
    ranges: Ranges
    lines: list[TableLine] = field(default_factory=list)
    pending: list[Row] = field(default_factory=list)
    headings: list[Row] = field(default_factory=list)
    row_date: str = ""
    """The date printed on its own row above the lines it applies to (CMS MSN layout)."""

    def cells(self, rows: Sequence[Row]) -> dict[Field, str]:
        return assign(rows, self.header, self.ranges)

    def add_line(self, rows: Sequence[Row], total: bool = False) -> None:
        """A new line from these rows, with the date row and group headings above it."""
        cells = self.cells(rows)
        if self.row_date and not cells.get(Field.DATE) and not total:
            cells[Field.DATE] = self.row_date
        grand = total and _is_grand_total(cells)
        self.lines.append(
            TableLine(cells, tuple(rows), total, tuple(self.headings), grand_total=grand)
        )
        self.headings.clear()


def read_table(
    rows: Sequence[Row],
    start: int,
    header: Header,
    stop: Callable[[Row], bool] | None = None,
) -> tuple[list[TableLine], int]:
    """Read the lines under `header` from rows[start]; return them and the index after.

    The table ends at a new header, a row `stop` recognises (e.g. the next claim), a wide
    vertical gap, a row that is neither a line nor a wrapped part of one, or a page break
    not followed by the same header repeated on the next page.
    """
    reading = _Reading(header, column_ranges(header, _rows_below(rows, start, stop)))
    index = start
    previous = header.rows[-1]
    while index < len(rows):
        row = rows[index]
        resume_at = None
        if row.page != previous.page:
            resume_at = index
        elif header_at(rows, index) is not None:
            break
        elif stop and stop(row) and not _group_row(rows, index, reading):
            break  # the next claim, under a header of its own
        elif row.top - previous.bottom > TABLE_GAP * row.height:
            resume_at = _next_page_after_footer(rows, index)
        if resume_at is not None:
            resumed = _resume_after_page_break(rows, resume_at, header, stop, reading.ranges)
            if resumed is None:
                break
            index, reading.header = resumed
            reading.ranges = column_ranges(reading.header, _rows_below(rows, index, stop))
            previous = reading.header.rows[-1]
            if previous.page != rows[index].page:  # went on without its header
                previous = rows[index]
            continue
        if not _take_row(rows, index, reading):
            # A footer close under the table's last row: the table may go on overleaf.
            following = _next_page_after_footer(rows, index)
            resumed = (
                _resume_after_page_break(rows, following, header, stop, reading.ranges)
                if following is not None
                else None
            )
            if resumed is None:
                break
            index, reading.header = resumed
            reading.ranges = column_ranges(reading.header, _rows_below(rows, index, stop))
            previous = reading.header.rows[-1]
            if previous.page != rows[index].page:
                previous = rows[index]
            continue
        previous = row
        index += 1
    return reading.lines, index


def _rows_below(rows: Sequence[Row], start: int, stop: Callable[[Row], bool] | None) -> list[Row]:
    """The rows a table may hold on its page: up to the next header or `stop` row."""
    below: list[Row] = []
    for index in range(start, len(rows)):
        row = rows[index]
        if row.page != rows[start].page or (stop and stop(row)) or header_at(rows, index):
            break
        below.append(row)
    return below


def _has_amount(cells: Mapping[Field, str]) -> bool:
    return any(
        name in MONEY_FIELDS and cell_money(text) is not None for name, text in cells.items()
    )


def _take_row(rows: Sequence[Row], index: int, reading: _Reading) -> bool:
    """Add rows[index] to the table as a line, total, or wrapped part; False ends the table."""
    row = rows[index]
    if is_summary_row(row):
        return False  # an aging box or account summary: feeds totals, never lines
    if not reading.pending and _group_row(rows, index, reading):
        reading.headings.append(row)
        return True
    if reading.lines and _note_row(rows, index, reading):
        # "This claim's payment includes a sequestration reduction of $1.93.": a note on
        # the lines above it, printed inside the table.
        last = reading.lines[-1]
        reading.lines[-1] = replace(last, notes=(*last.notes, row))
        return True
    cells = reading.cells([row])
    total = _is_total(cells)
    if total or _has_amount(cells) or (_text_only(cells) and _starts_line(cells)):
        # A line; a date beside a service opens one even with no amounts (dashes only).
        line_rows = (*reading.pending, row)
        reading.pending.clear()
        reading.add_line(line_rows, total=total)
        return True
    if not _text_only(cells):
        # Words under an amount column that are not amounts: paragraph text after the table,
        # or a line whose amounts cannot be read; the extractor's warning names it.
        if _looks_like_line(cells):
            reading.add_line((row,))
            return True
        return False
    if not reading.pending and date_row(row.text):
        reading.row_date = date_row(row.text)
        reading.headings.clear()
        return True
    grouping = bool(_GROUP_WORDS.search(row.text))
    if not reading.pending and grouping and _heading_ahead(rows, index, reading):
        reading.headings.append(row)
        return True
    if reading.pending or _wraps_into_next(rows, index, reading):
        reading.pending.append(row)
        return True
    if not grouping and _heading_ahead(rows, index, reading):
        reading.headings.append(row)
        return True
    if reading.lines and not reading.lines[-1].total and _wrapped(reading.lines[-1].rows[-1], row):
        last = reading.lines[-1]
        line_rows = (*last.rows, row)
        cells = reading.cells(line_rows)
        if last.cells.get(Field.DATE) and not cells.get(Field.DATE):
            cells[Field.DATE] = last.cells[Field.DATE]
        reading.lines[-1] = TableLine(
            cells, line_rows, last.total, last.headings, grand_total=last.grand_total
        )
        return True
    return False


# "Jan 14, 2025" or "Dates of service: 03/04/2025 - 03/05/2025" alone on a row: the date of
# the lines below it (the CMS MSN prints each day of service this way).
_DATE_ROW_LABEL = re.compile(
    r"^\s*(dates?\s*(\(s\))?\s*(of\s*service|of\s*visit)?|service\s*dates?|dos|visit\s*date)"
    r"\s*[:#-]?\s*",
    re.IGNORECASE,
)


def date_row(text: str) -> str:
    """The date(s) a row holds when it holds nothing else; '' otherwise."""
    rest = _DATE_ROW_LABEL.sub("", text.strip(), count=1)
    found = find_dates(rest)
    if not found:
        return ""
    for _, match in reversed(found):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    if re.sub(r"[\s,.;:–—-]|\b(to|thru|through|from)\b", "", rest, flags=re.I):
        return ""
    return text.strip()


# Aging boxes ("Current | 31-60 | 61-90 | 90+") and account summaries ("Previous balance",
# "Amount due") are about the account, not a service: a table never reads them as lines.
_AGING = re.compile(
    r"\b(0\s*-\s*30|1\s*-\s*30|31\s*-\s*60|61\s*-\s*90|91\s*-\s*120|over\s*(90|120)|90\s*\+|120\s*\+"
    r"|\+\s*90|>\s*90)\b|\b(current|days)\b.*\b(31|30)\s*[-–]\s*(60|59)",
    re.IGNORECASE,
)
_SUMMARY = re.compile(
    r"^\s*(account\s*summary|(claims?\s*|payment\s*)?summary\s*$|summary\s*of\s*(your\s*)?account|previous\s*balance|prior\s*balance"
    r"|balance\s*forward|beginning\s*balance|(amount|total|balance)\s*(now\s*)?due\b|please\s*pay"
    r"|pay\s*this\s*amount|new\s*balance|ending\s*balance|aging\b|account\s*aging)",
    re.IGNORECASE,
)


def is_summary_row(row: Row) -> bool:
    """An aging box's header or an account summary's label row."""
    return bool(_AGING.search(row.text) or _SUMMARY.match(row.text))


def _group_row(rows: Sequence[Row], index: int, reading: _Reading) -> bool:
    """A claim's group row inside the table ("RECEIPT DATE: 12/07/2024  CLAIM NUMBER: …
    PATIENT: …"): labels and numbers but no amounts, with the claim's lines right below."""
    row = rows[index]
    if _AMOUNT_WORD.search(row.text) or not _GROUP_WORDS.search(row.text):
        return False
    return _heading_ahead(rows, index, reading, labelled=True)


def _note_row(rows: Sequence[Row], index: int, reading: _Reading) -> bool:
    """A sentence inside a table, about the lines above it: it states an adjustment, or it
    is a full sentence with more of the table (a claim's group row or lines) right below."""
    row = rows[index]
    words = row.text.split()
    if len(words) < NOTE_WORDS:
        return False
    used = {code for line in reading.lines for code in code_tokens(line.cells.get(Field.NOTES, ""))}
    if words[0].strip(":.)") in used:
        return False  # the legend of a code the lines point to, read by the extractor
    if stated_adjustments(row.text):
        return True
    sentence = row.text.rstrip().endswith(".") and sum(w.isalpha() for w in words) * 2 > len(words)
    return sentence and _heading_ahead(rows, index, reading)


NOTE_WORDS = 5


def _is_grand_total(cells: Mapping[Field, str]) -> bool:
    for name in (Field.SERVICE, Field.DATE, Field.CODE, Field.OTHER, Field.POSTED, Field.NOTES):
        text = cells.get(name, "").strip()
        if text:
            return bool(_GRAND_TOTAL.match(text))
    return False


def _heading_ahead(
    rows: Sequence[Row], index: int, reading: _Reading, labelled: bool = False
) -> bool:
    """Is this text-only row a group heading of the lines just below it ("RECEIPT DATE: …",
    "DOE, JOHN 2502011234")? It is when, within a few rows on this page and without a wide
    gap, a row with amounts follows, and it is not a wrapped part of the line above."""
    row = rows[index]
    last = reading.lines[-1] if reading.lines else None
    if last and not last.total and not labelled and _wrapped(last.rows[-1], row):
        return False
    previous = row
    for ahead in range(index + 1, min(len(rows), index + 4)):
        below = rows[ahead]
        if below.page != row.page or below.top - previous.bottom > TABLE_GAP * below.height:
            return False
        if header_at(rows, ahead) is not None or is_summary_row(below):
            return False
        cells = reading.cells([below])
        if _has_amount(cells) and not _is_total(cells):
            return True
        if not _text_only(cells):
            return False
        previous = below
    return False


_GROUP_WORDS = re.compile(
    r"\b(receipt\s*date|received|claim\s*(number|no|#|id)|patient\s*(name|id|acct|account)?\s*:"
    r"|member\s*(name|id)?\s*:|account\s*(number|no|#)|acct|subscriber)"
    r"|\b\d{8,}\b|(?-i:^[A-Z][A-Z'-]+,\s*[A-Z][A-Z'-]+\b)",
    re.IGNORECASE,
)


def _starts_line(cells: Mapping[Field, str]) -> bool:
    """A date of service beside a service or code opens a new line, amounts or not."""
    dates = cells.get(Field.DATE, "").split()
    has_date = bool(dates) and parse_date(dates[0]) is not None
    return has_date and bool(cells.get(Field.SERVICE) or cells.get(Field.CODE))


def _looks_like_line(cells: Mapping[Field, str]) -> bool:
    """A line with an unreadable amount still has a service, a date or a code printed."""
    has_text = any(cells.get(name) for name in (Field.SERVICE, Field.DATE, Field.CODE))
    money_texts = [t for name, t in cells.items() if name in MONEY_FIELDS and not _is_blank(t)]
    return has_text and bool(money_texts) and all(len(t.split()) == 1 for t in money_texts)


def _wraps_into_next(rows: Sequence[Row], index: int, reading: _Reading) -> bool:
    """Is this text-only row the first part of a line whose amounts come further down?

    It is when the rows below it, each tight under the last, reach a row with amounts,
    and that block sits closer to it than to the line above (descriptions printed with
    their amounts on the bottom row).
    """
    row = rows[index]
    ahead = index + 1
    while ahead < len(rows) and _wrapped(rows[ahead - 1], rows[ahead]):
        cells = reading.cells([rows[ahead]])
        if _has_amount(cells):
            break
        if not _text_only(cells):
            return False
        ahead += 1
    else:
        return False
    last = reading.lines[-1].rows[-1] if reading.lines else None
    if last is None or reading.lines[-1].total or last.page != row.page:
        return True
    gap_before = row.top - last.bottom
    gap_after = rows[index + 1].top - row.bottom
    return gap_after < gap_before - 0.5


def _wrapped(upper: Row, lower: Row) -> bool:
    """Are two rows lines of one wrapped cell (closer than the space between table lines)?"""
    return lower.page == upper.page and lower.top - upper.bottom <= WRAP_GAP * lower.height


def _resume_after_page_break(
    rows: Sequence[Row],
    index: int,
    header: Header,
    stop: Callable[[Row], bool] | None,
    ranges: Ranges | None = None,
) -> tuple[int, Header] | None:
    """Where the table goes on after a page break: just after its repeated header, if any."""
    page = rows[index].page
    for ahead in range(index, min(len(rows), index + REPEAT_SEARCH_ROWS)):
        row = rows[ahead]
        if row.page != page or (stop and stop(row)):
            break
        found = header_at(rows, ahead)
        if found is not None:
            again, size = found
            return (ahead + size, again) if _same_header(again, header) else None
    return _continued_without_header(rows, index, header, stop, ranges)


# A table may go on at the top of the next page without its header: its next rows, past a
# few rows of page furniture, print amounts that stand in its amount columns.
UNHEADED_SEARCH_ROWS = 4


def _same_header(again: Header, header: Header) -> bool:
    """The header repeated on the next page: the same words, or the same known columns (the
    words may be cut into columns differently once the rows under them are in sight)."""
    if again.fields == header.fields:
        return True
    words = [" ".join(row.text.split()) for row in again.rows]
    if words == [" ".join(row.text.split()) for row in header.rows]:
        return True
    known_again = set(again.fields) - {Field.OTHER}
    known = set(header.fields) - {Field.OTHER}
    return known_again <= known or known <= known_again


def _continued_without_header(
    rows: Sequence[Row],
    index: int,
    header: Header,
    stop: Callable[[Row], bool] | None,
    ranges: Ranges | None,
) -> tuple[int, Header] | None:
    page = rows[index].page
    ranges = ranges or column_ranges(header)
    for ahead in range(index, min(len(rows), index + UNHEADED_SEARCH_ROWS)):
        row = rows[ahead]
        if row.page != page or (stop and stop(row)) or is_summary_row(row):
            return None
        if len(_MONEY_TOKEN.findall(row.text)) < MIN_MONEY_FIELDS:
            continue
        cells = assign([row], header, ranges)
        amounts = [
            name for name, text in cells.items() if name in MONEY_FIELDS and cell_money(text)
        ]
        unreadable = [
            name
            for name, text in cells.items()
            if name in MONEY_FIELDS and not _is_blank(text) and cell_money(text) is None
        ]
        if len(amounts) >= MIN_MONEY_FIELDS and not unreadable:
            return ahead, header
        return None
    return None


def _next_page_after_footer(rows: Sequence[Row], index: int) -> int | None:
    """The first row of the next page when only a footer ('Page 3') is left on this one."""
    page = rows[index].page
    following = next((k for k in range(index, len(rows)) if rows[k].page != page), None)
    if following is None or following - index > FOOTER_ROWS:
        return None
    return following


def find_tables(
    rows: Sequence[Row], stop: Callable[[Row], bool] | None = None
) -> list[tuple[int, Header, list[TableLine], int]]:
    """Every table in `rows`: (first header row, header, lines, index after the table)."""
    found = []
    index = 0
    while index < len(rows):
        hit = header_at(rows, index)
        if hit is None:
            index += 1
            continue
        header, size = hit
        lines, end = read_table(rows, index + size, header, stop)
        found.append((index, header, lines, end))
        index = max(end, index + size)
    return found


# ---------------------------------------------------------------- values in cells


_PROCEDURE = re.compile(r"(?<![\w/.-])([0-9]{4}[0-9FTU]|[A-V][0-9]{4})(?![\w/.])")
_PAREN_CODE = re.compile(r"\(\s*([0-9]{4}[0-9FTU]|[A-V][0-9]{4})((?:\s*[-,]?\s*[0-9A-Z]{2})*)\s*\)")
_DASH_MODIFIERS = re.compile(r"^((?:-[0-9A-Z]{2})+)(?![\w])")
_COLUMN_MODIFIERS = re.compile(r"^((?:[\s,-]+[0-9A-Z]{2})+)\s*$")


def procedure(service: str, code_cell: str = "") -> tuple[str | None, tuple[str, ...]]:
    """A CPT/HCPCS code and its modifiers: from the code column, '(99214)' or a leading code."""
    if code_cell.strip():
        match = _PROCEDURE.search(code_cell)
        if match and not is_zip_code(code_cell, *match.span(1)):
            rest = code_cell[match.end() :]
            mods = _COLUMN_MODIFIERS.match(rest) or _DASH_MODIFIERS.match(rest)
            return match.group(1), _modifiers(mods.group(1) if mods else "")
    match = _PAREN_CODE.search(service)
    if match:
        return match.group(1), _modifiers(match.group(2))
    match = _PROCEDURE.match(service.strip())
    if match:
        mods = _DASH_MODIFIERS.match(service.strip()[match.end() :])
        return match.group(1), _modifiers(mods.group(1) if mods else "")
    match = _TRAILING_CODE.search(service)
    if match:
        return match.group(1), _modifiers(match.group(2) or "")
    return None, ()


# "Urinalysis, without microscopy - 81002", "Office visit CPT 99213-25": the code after
# the words, set off by a dash, a colon or its label.
_TRAILING_CODE = re.compile(
    r"(?:[-–—:]|\b(?:cpt|hcpcs|code|proc)\b[#:.]?)\s*([0-9]{4}[0-9FTU]|[A-V][0-9]{4})"
    r"((?:-[0-9A-Z]{2})*)\s*$",
    re.IGNORECASE,
)


def _modifiers(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[0-9A-Z]{2}", text))


_MONTH_RANGE = re.compile(
    r"(?P<m1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2})\s*(?:[-–—]|to|through|thru)\s*"
    r"(?:(?P<m2>[A-Za-z]{3,9})\.?\s+)?(?P<d2>\d{1,2}),?\s+(?P<y>\d{4})"
)


def date_range(text: str) -> tuple[date | None, date | None]:
    """The first and last date in a cell: '03/01/25 - 03/05/25', 'June 18 – June 21, 2017'."""
    match = _MONTH_RANGE.search(text)
    if match:
        first = parse_date(f"{match['m1']} {match['d1']}, {match['y']}")
        last = parse_date(f"{match['m2'] or match['m1']} {match['d2']}, {match['y']}")
        if first and last:
            return first, last
    dates = [day for day, _ in find_dates(text)]
    if not dates:
        return None, None
    return dates[0], (dates[-1] if len(dates) > 1 else None)


_LEADING_DATES = re.compile(
    r"^\s*(\d{1,2}/\d{1,2}/\d{2,4})(\s*(-|–|to|thru|through)\s*(\d{1,2}/\d{1,2}/\d{2,4}))?"
)


def leading_dates(text: str) -> str:
    """The date or date range a cell starts with ('6/11/2024-6/11/2024 73562', 'December 01,
    2025 Manual therapy'), or ''."""
    match = _LEADING_DATES.match(text)
    if match and find_dates(match.group(0)):
        return match.group(0)
    found = find_dates(text)
    if not found or text[: found[0][1].start()].strip():
        return ""
    end = found[0][1].end()
    if len(found) > 1 and re.fullmatch(
        r"\s*(-|–|to|thru|through)\s*", text[end : found[1][1].start()]
    ):
        end = found[1][1].end()
    return text[:end]


def approved(text: str) -> bool | None:
    """'Yes' / 'No' in a 'Service Approved?' column → denied False / True; else None."""
    word = text.strip().lower().rstrip(".*")
    if word in {"yes", "y", "approved"}:
        return False
    if word in {"no", "n", "denied"}:
        return True
    return None


_GROUP_CODE = re.compile(
    # The reason is a whole code, never the start of an amount ("51.27 CR 107.38 CR": CR
    # marks credits there), and an amount after it has digits before its point.
    r"\b(CO|PR|OA|PI|CR)\s*[-–]?\s*([A-Z]?\d{1,3}|[A-Z]\d?)\b(?![.,]\d)"
    r"(?:\s*[:=]?\s*(\$?\(?-?\$?\d[\d,]*\.\d{2}\)?))?"
)


def coded_adjustments(text: str) -> list[tuple[Group, str, Decimal | None]]:
    """Group/reason codes printed in text ('CO-253 -1.60', 'PR 2 $30.00'), amounts if given."""
    found = []
    for match in _GROUP_CODE.finditer(text):
        amount = parse_money(match.group(3)) if match.group(3) else None
        found.append(
            (Group(match.group(1)), match.group(2), abs(amount) if amount is not None else None)
        )
    return found


def adjustments_with_amounts(text: str) -> list[Adjustment]:
    """Only the coded adjustments that print their own amount."""
    return [
        Adjustment(group, reason, amount)
        for group, reason, amount in coded_adjustments(text)
        if amount
    ]


_CODE_TOKEN = re.compile(r"(CO|PR|OA|PI|CR)-[A-Z]?\d{1,3}|[A-Z]{1,4}\d{0,4}|\d{1,4}")


def code_tokens(text: str) -> tuple[str, ...]:
    """The codes in a notes/remarks cell: 'A, B' → ('A', 'B'); 'CO 45 N130' → ('CO-45', 'N130')."""
    text = _GROUP_CODE.sub(lambda m: f" {m.group(1)}-{m.group(2)} ", text.upper())
    tokens = (token.strip(".:;()*") for token in re.split(r"[\s,;/]+", text))
    return tuple(token for token in tokens if _CODE_TOKEN.fullmatch(token))


# ---------------------------------------------------------------- labelled values


# Where a second label starts inside one cell ("Jane Doe  Member ID: 123"): common label words.
_NEXT_LABEL = re.compile(
    r"\s+(?=(?:member|patient|claim|provider|group|account|acct|date|plan|subscriber|policy|id|dob"
    r"|birth|phone|tel|fax|npi|tax)\b[\w#.'’/& -]{0,25}:)",
    re.I,
)


def labelled_value(rows: Sequence[Row], index: int, label: re.Pattern[str]) -> str | None:
    """The value printed after `label` on rows[index], in the next cell, or just below it."""
    cells = rows[index].cells
    for position, cell in enumerate(cells):
        match = label.search(cell.text)
        if not match:
            continue
        value = cell.text[match.end() :].lstrip(" :#.-–").strip()
        if value:
            return _NEXT_LABEL.split(value)[0].strip() or None
        if _label_strip(rows, index):
            return _value_below(rows, index, cell)
        if position + 1 < len(cells) and not cells[position + 1].text.endswith(":"):
            return cells[position + 1].text.strip()
        return _value_below(rows, index, cell)
    # Words drawn one by one may stand a cell each: the label then runs over several cells.
    match = label.search(rows[index].text)
    if match:
        value = rows[index].text[match.end() :].lstrip(" :#.-–").strip()
        return _NEXT_LABEL.split(value)[0].strip() or None if value else None
    return None


def _label_strip(rows: Sequence[Row], index: int) -> bool:
    """A row of labels over a row of values ('Claim Number   Patient   Provider')."""
    row = rows[index]
    if index + 1 >= len(rows) or re.search(r"\d", row.text):
        return False
    below, starts = rows[index + 1], [cell.x0 for cell in row.cells]
    aligned = sum(1 for cell in below.cells if any(abs(cell.x0 - x0) <= 3 for x0 in starts))
    return below.page == row.page and len(starts) >= 2 and aligned >= 2


def _value_below(rows: Sequence[Row], index: int, cell: Cell) -> str | None:
    """The cell under a label (dashboard boxes and label-over-value header strips)."""
    if index + 1 >= len(rows):
        return None
    below = rows[index + 1]
    if below.page != rows[index].page or below.top - rows[index].bottom > 2 * below.height:
        return None
    for candidate in below.cells:
        if _overlap(candidate.x0, candidate.x1, cell.x0 - 2, cell.x1 + 2) > 0:
            return candidate.text.strip()
    return None


def find_labelled(
    rows: Sequence[Row],
    label: re.Pattern[str],
    start: int = 0,
    end: int | None = None,
    skip: Container[int] = frozenset(),
) -> tuple[str, int] | None:
    """The first value printed after `label` in rows[start:end] (but not in rows `skip`, such
    as a table's own header and lines), with its row index."""
    for index in range(start, len(rows) if end is None else min(end, len(rows))):
        if index in skip:
            continue
        row = rows[index]
        if label.search(row.text) or any(label.search(cell.text) for cell in row.cells):
            value = labelled_value(rows, index, label)
            if value:
                return value, index
    return None


# ---------------------------------------------------------------- legends


def read_legend(
    rows: Sequence[Row],
    codes: Sequence[str],
    start: int = 0,
    end: int | None = None,
    skip: Container[int] = frozenset(),
) -> tuple[dict[str, str], set[int]]:
    """The text printed beside each code in a legend ('A  This information…', 'CO-45: …'),
    and the indices of the rows it was read from.

    Only codes the table used are looked for, so ordinary text that happens to begin with
    'A' is not taken for note A unless note A was referenced. Wrapped legend text (lines
    starting under the text, not under the code) joins its entry.
    """
    wanted = {_code_key(code): code for code in codes}
    legend: dict[str, str] = {}
    used: set[int] = set()
    last: tuple[str, float] | None = None
    for index in range(start, len(rows) if end is None else min(end, len(rows))):
        if index in skip:
            last = None
            continue
        row = rows[index]
        key, text, text_x0 = _legend_entry(row)
        if key in wanted and wanted[key] not in legend and text:
            legend[wanted[key]] = text
            last = (wanted[key], text_x0)
        elif last and _continues(rows, index, text_x0=last[1]):
            legend[last[0]] = f"{legend[last[0]]} {row.text}"
        else:
            last = None
            continue
        used.add(index)
    return legend, used


def _code_key(code: str) -> str:
    return re.sub(r"[\s_–-]+", "-", code.strip().upper().rstrip(":.)"))


def _legend_entry(row: Row) -> tuple[str, str, float]:
    """A row read as 'CODE  text': the code key, the text and where the text starts."""
    words = row.words
    first = words[0].text
    group = re.fullmatch(r"(CO|PR|OA|PI|CR)[-–]?", first.upper())
    if group and len(words) > 2 and re.fullmatch(r"[A-Z]?\d{1,3}[:.]?", words[1].text):
        key = f"{group.group(1)}-{words[1].text.rstrip(':.')}"
        rest = words[2:]
    else:
        key = _code_key(first)
        rest = words[1:]
    rest = tuple(w for w in rest if w.text not in {"-", "–", ":", "="})
    if not rest:
        return key, "", row.x0
    return key, " ".join(w.text for w in rest).lstrip(":–- "), rest[0].x0


def _continues(rows: Sequence[Row], index: int, text_x0: float) -> bool:
    """A wrapped legend line: close under the previous row and starting under the text."""
    row, above = rows[index], rows[index - 1]
    return (
        row.page == above.page
        and row.top - above.bottom < 0.8 * row.height
        and row.x0 >= text_x0 - 2
    )


# ---------------------------------------------------------------- evidence


@dataclass(slots=True)
class LineCounter:
    """Numbers service lines per page for evidence: 'page 2, line 3' is the third on page 2."""

    counts: dict[int, int] = field(default_factory=dict)

    def where(self, page: int) -> str:
        self.counts[page] = self.counts.get(page, 0) + 1
        return f"page {page}, line {self.counts[page]}"
