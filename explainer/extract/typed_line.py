"""One typed or pasted line read: its dates, codes, labelled and loose amounts.

Each line is read by masking what is understood (dates, labelled amounts, group/reason codes,
remark codes, a procedure code) and looking at what is left. A bill's line also becomes a
ledger row (`ledger_row`): its labelled amounts under their columns, ids such as check numbers
set aside, a 'CR'/'DR' marker and its service date picked out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..model import Adjustment, Group
from ..values import DATE_PATTERN, MONEY_PATTERN, ZIP_CODE, date_from_match, money_from_match
from .ledger import LedgerRow
from .table import Field, coded_adjustments

# --- what the words on a line mean -------------------------------------------------------

LABELS: dict[str, tuple[str, ...]] = {
    "billed": (
        "amount provider charged",
        "provider charged",
        "amount charged",
        "amount billed",
        "total charges",
        "total charge",
        "charges",
        "charged",
        "charge",
        "billed",
        "cargo",
        "chg",
    ),
    "allowed": (
        "medicare-approved amount",
        "medicare approved amount",
        "medicare-approved",
        "medicare approved",
        "approved amount",
        "allowed amount",
        "plan allowed",
        "approved",
        "allowed",
    ),
    "paid": (
        "amount medicare paid",
        "medicare paid",
        "insurance paid",
        "insurer paid",
        "plan paid",
        "ins paid",
        "ins pmt",
        "ins pd",
        "paid",
    ),
    "patient_owes": (
        "maximum you may be billed",
        "patient owes",
        "patient pays",
        "member owes",
        "patient share",
        "your share",
        # How people type what a bill asks of them.
        "they are asking for",
        "they're asking for",
        "they are asking",
        "they're asking",
        "they want",
        "they say i owe",
        "bill says i owe",
        "billed me",
        "asking for",
        "asks for",
        "asking",
        "asks",
        "wants",
        "my share",
        "my part",
        "my cost",
        "i owe",
        "i pay",
        "pay",
        "max you may be billed",
        "you may be billed",
        "patient responsibility",
        "your responsibility",
        "patient resp",
        "pt resp",
        "pt due",
        "pt bal",
        "pt balance",
        "pay this amount",
        "you may owe",
        "balance due",
        "amount due",
        "please pay",
        "total due",
        "may owe",
        "you owe",
        "you pay",
        "balance",
        "owe",
        "due",
    ),
    "deductible": ("deductible", "ded"),
    "coinsurance": ("coinsurance", "co-insurance", "coins"),
    "copay": ("copayment", "co-payment", "copay", "co-pay"),
    "payments": ("payments received", "total payments", "payments"),
    "adjustments": (
        "total adjustments",
        "adjustments",
        "adjustment",
        "discount",
        "write-off",
        "adj",
    ),
}

# PR group reasons for labelled cost sharing (CARC 1/2/3, FACTS.md §3).
COST_SHARING_REASON = {"deductible": "1", "coinsurance": "2", "copay": "3"}
# One service per line: a "line" longer than this is a whole pasted page run together, and
# reading it costs seconds of regex work (hardening), so it is skipped with a warning.
MAX_LINE_CHARS = 2000

_LABEL_TO_FIELD = {label: name for name, labels in LABELS.items() for label in labels}
_LABEL_WORDS = "|".join(
    re.escape(label) for label in sorted(_LABEL_TO_FIELD, key=len, reverse=True)
)
LABELLED_AMOUNT = re.compile(
    rf"(?<![\w-])(?P<label>{_LABEL_WORDS})(?![\w-])\s*+(?:amount|amt\.?)?\s*+[:=]?\s*+(?P<amount>{MONEY_PATTERN.pattern})",
    re.IGNORECASE | re.VERBOSE,
)

GROUPS = "CO|PR|OA|PI|CR"
GROUP_REASON = re.compile(
    rf"(?<![A-Za-z0-9])(?P<group>{GROUPS})\s*+[-–:/]?\s*+(?P<reason>[A-Z]?\d{{1,3}})(?![\d.,])",
    re.IGNORECASE,
)
BARE_CARC = re.compile(r"\bCARC\s*#?\s*(?P<reason>[A-Z]?\d{1,3})\b", re.IGNORECASE)
REMARK = re.compile(r"(?<![A-Za-z0-9])(?P<code>MA\d{2,3}|M\d{1,3}|N\d{1,3})(?![A-Za-z0-9])")
PROCEDURE = re.compile(
    # A group code after the procedure ('99214 CO-45 -50.00') is not a modifier.
    r"(?<![\w$.,])\(?(?P<code>\d{4}[0-9A-Z]|[A-V]\d{4})(?:[-\s](?!(?:CO|PR|OA|PI|CR)[-\s]?\d)"
    r"(?P<mods>[A-Z0-9]{2}(?:[-\s][A-Z0-9]{2})*)(?![\w.]))?\)?(?![\w.,]\d|\w)",
)
DENIED = re.compile(
    r"\b(denied|not approved|approved\?\s*no|not covered|rejected)\b", re.IGNORECASE
)

# --- one line at a time --------------------------------------------------------------------


@dataclass
class _Masked:
    """A line of text and the spans of it that have been understood so far.

    `taken` marks each understood character, so checking a match costs its own length, not
    the number of spans so far: a pasted 'line' with 100,000 amounts stays linear (hardening).
    """

    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    taken: bytearray = field(init=False)

    def __post_init__(self) -> None:
        self.taken = bytearray(len(self.text))

    def free(self, start: int, end: int) -> bool:
        if start < end:
            return self.taken.find(1, start, end) < 0
        return all(end <= a or start >= b for a, b in self.spans)

    def claim(self, start: int, end: int) -> None:
        self.spans.append((start, end))
        self.taken[start:end] = b"\x01" * (end - start)

    def take(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        for match in pattern.finditer(self.text):
            if self.free(*match.span()):
                self.claim(*match.span())
                yield match

    def rest(self) -> str:
        chars = list(self.text)
        for start, end in self.spans:
            chars[start:end] = " " * (end - start)
        return "".join(chars)


@dataclass
class LineReading:
    """What one line said."""

    dates: list[date] = field(default_factory=list)
    code: str | None = None
    modifiers: tuple[str, ...] = ()
    amounts: dict[str, Decimal] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    bare_reasons: list[tuple[str, Decimal | None]] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    loose_amounts: list[Decimal] = field(default_factory=list)
    description: str = ""
    denied: bool = False

    @property
    def is_service(self) -> bool:
        money = {"billed", "allowed", "paid", "patient_owes"} & self.amounts.keys()
        return (
            bool(self.dates)
            and bool(money or self.loose_amounts or self.code)
            or bool(self.code and (money or self.loose_amounts))
        )


def _read_adjustments(masked: _Masked, reading: LineReading) -> None:
    """`CO-253 $1.60`: a group+reason takes the first free amount after it, before the next code."""
    found = list(masked.take(GROUP_REASON))
    for index, match in enumerate(found):
        limit = found[index + 1].start() if index + 1 < len(found) else len(masked.text)
        amount = _first_free_amount(masked, match.end(), limit)
        if amount is None:
            continue
        # Ledgers print adjustments as credits (-1.60); the amount adjusted is what matters.
        reading.adjustments.append(
            Adjustment(
                Group(match.group("group").upper()), match.group("reason").upper(), abs(amount)
            )
        )
    for match in masked.take(BARE_CARC):
        end = len(masked.text)
        reading.bare_reasons.append(
            (match.group("reason").upper(), _first_free_amount(masked, match.end(), end))
        )


def _first_free_amount(masked: _Masked, start: int, end: int) -> Decimal | None:
    for match in MONEY_PATTERN.finditer(masked.text, start, end):
        if masked.free(*match.span()):
            masked.claim(*match.span())
            return money_from_match(match)
    return None


_LETTER = re.compile(r"[A-Za-z]")
_PUNCTUATION = re.compile(r"[$()*:#|=\[\]]")
_FILLER_WORDS = re.compile(r"(?i)\b(amount|and|dos|date of service|service|code)\b")
_RUN_OF_BLANKS = re.compile(r"\s+")


def read_line(text: str) -> LineReading:
    """Everything a free-text line says: dates, code, labelled amounts, adjustment codes."""
    masked = _Masked(text)
    # States, labels, group and remark codes and denial words all need a letter: a line of
    # bare numbers (a hostile file has 60,000) skips their patterns. Only plain ASCII is
    # skipped so: case-blind matching lets a few other letters stand for ASCII ones.
    words = not text.isascii() or _LETTER.search(text) is not None
    reading = LineReading(denied=words and bool(DENIED.search(text)))
    if words:
        for _ in masked.take(ZIP_CODE):
            pass  # a state and ZIP ('OH 45990') are an address: never a code or an amount
    for match in masked.take(DATE_PATTERN):
        day = date_from_match(match)
        if day:
            reading.dates.append(day)
    if words:
        for match in masked.take(LABELLED_AMOUNT):
            name = _LABEL_TO_FIELD[match.group("label").lower()]
            amount = money_from_match(match)
            if amount is not None and name not in reading.amounts:
                reading.amounts[name] = amount
        _read_adjustments(masked, reading)
        for match in masked.take(REMARK):
            reading.remarks.append(match.group("code").upper())
    for match in masked.take(PROCEDURE):
        if reading.code is None:
            reading.code = match.group("code").upper()
            mods = match.group("mods")
            reading.modifiers = tuple(re.split(r"[-\s]", mods.upper())) if mods else ()
    for match in masked.take(MONEY_PATTERN):
        amount = money_from_match(match)
        if amount is not None:
            reading.loose_amounts.append(amount)
    rest = _PUNCTUATION.sub(" ", masked.rest())
    rest = _FILLER_WORDS.sub(" ", rest)
    reading.description = _RUN_OF_BLANKS.sub(" ", rest).strip(" -,.;") or ""
    return reading


_TYPED_COLUMNS = {
    "billed": Field.BILLED,
    "allowed": Field.ALLOWED,
    "paid": Field.PAID,
    "patient_owes": Field.OWES,
    "deductible": Field.DEDUCTIBLE,
    "coinsurance": Field.COINSURANCE,
    "copay": Field.COPAY,
    "payments": Field.PAYMENTS,
    "adjustments": Field.ADJUSTMENTS,
}
_CREDIT_MARKER = re.compile(
    rf"(?:{MONEY_PATTERN.pattern})\s*(?P<marker>CR|DR)\b", re.VERBOSE | re.I
)
_NO_YEAR = re.compile(r"(?<![\w/.$-])(1[0-2]|0?[1-9])/(3[01]|[12]\d|0?[1-9])(?![\w/.])")
_DATE_RANGE_JOIN = re.compile(r"^\s*(-|–|to|thru|through)\s*$", re.I)


def ledger_row(
    text: str, where: str, reading: LineReading | None = None, today: date | None = None
) -> LedgerRow:
    """A typed line as a ledger row: labelled amounts under their columns, the rest loose.

    `today` is the statement's date: a '3/28' without a year is the last March 28 on or
    before it; without it such a date is left unread (never two amounts)."""
    blanked = _NO_YEAR.sub(lambda match: " " * len(match.group()), text)
    if blanked != text or reading is None:
        reading = read_line(blanked)
    if blanked != text and today is not None:
        reading.dates = [*reading.dates, *_with_year(text, today)]
    marker = _CREDIT_MARKER.search(text)
    # On a ledger row a code owns only the amount printed right after it ('CO-45 -50.00');
    # amounts read_line gave a code from further along are the row's own (or its balance).
    printed = coded_adjustments(text.upper())
    coded = tuple(Adjustment(g, r, a) for g, r, a in printed if a is not None)
    bare = tuple(dict.fromkeys((g, r) for g, r, a in printed if a is None))
    strays = [a.amount for a in reading.adjustments if a not in coded]
    first, through = _service_dates(text, reading.dates)
    return LedgerRow(
        text=text,
        where=where,
        columns={_TYPED_COLUMNS[name]: amount for name, amount in reading.amounts.items()},
        amounts=_without_ids(text, [*reading.loose_amounts, *strays]),
        credit=(marker.group("marker").upper() == "CR") if marker else None,
        service_date=first,
        date_through=through,
        dates=tuple(reading.dates),
        code=reading.code,
        modifiers=reading.modifiers,
        description=reading.description or None,
        coded=coded,
        bare_codes=bare,
    )


_ID_LABEL = re.compile(
    r"(#|\bno\.?|\bref|\bchk|\bcheck|\beft|\bclaim|\bacct|\btrace)\s*#?\s*$", re.I
)
_WHOLE_NUMBER = re.compile(r"(?<![\w./$,-])(\d+)(?![\w./,%]|\.\d)")


def _without_ids(text: str, amounts: list[Decimal]) -> tuple[Decimal, ...]:
    """Loose numbers that are ids, not money: a whole number after '#', 'check', 'EFT' or
    'claim', or any whole number on a row whose amounts print cents ('EFT 123456 -78.40')."""
    labelled: set[Decimal] = set()
    whole: set[Decimal] = set()
    for match in _WHOLE_NUMBER.finditer(text):
        value = Decimal(match.group(1))
        (labelled if _ID_LABEL.search(text[: match.start()]) else whole).add(value)
    cents = any("." in m.group("num") for m in MONEY_PATTERN.finditer(text))
    dropped = labelled | (whole if cents else set())
    return tuple(amount for amount in amounts if abs(amount) not in dropped)


def _with_year(text: str, today: date) -> list[date]:
    """Month/day dates placed in the year that puts them on or before the statement date."""
    found = []
    for match in _NO_YEAR.finditer(text):
        month, day = int(match.group(1)), int(match.group(2))
        for year in (today.year, today.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                break
            if candidate <= today:
                found.append(candidate)
                break
    return found


def _service_dates(text: str, dates: list[date]) -> tuple[date | None, date | None]:
    """'03/04/2025 - 03/06/2025' is a span of service; two dates otherwise are a posting date
    and a date of service, and the service comes first in time."""
    if len(dates) < 2:
        return (dates[0] if dates else None), None
    found = [m for m in DATE_PATTERN.finditer(text) if date_from_match(m)]
    if len(found) >= 2 and _DATE_RANGE_JOIN.match(text[found[0].end() : found[1].start()]):
        return dates[0], dates[1]
    return min(dates[:2]), None
