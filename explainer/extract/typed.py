"""Typed or pasted lines (a notice, a bill, remittance snippets) → a Document.

People paste in every shape: `03/04/2025 99214 billed $150 approved $100 paid $78.40 you may
owe $20`, `CO-253 $1.60`, `CAS*CO*45*50*1*253*1.60`, `PR 2 30.00`, `N130`. Each line is read
by masking what is understood (dates, codes, labelled amounts) and looking at what is left;
a line with a number we could not place is reported in `warnings`, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ..errors import UnsupportedDocument
from ..model import (
    Adjustment,
    Claim,
    Coverage,
    Document,
    DocumentKind,
    Format,
    Group,
    ServiceLine,
    StatementTotals,
)
from ..read.upload import Role
from ..values import (
    ADDRESS_LINE,
    DATE_PATTERN,
    MONEY_PATTERN,
    ZIP_CODE,
    date_from_match,
    display_money,
    money_from_match,
)
from .ledger import LedgerRow, read_ledger, row_from_cells, with_provider
from .ledger_row import RowKind, classify, vocabulary
from .table import Field, coded_adjustments
from .tabular import TableHeader, cells_under, header_of, is_total, notice_line, split_pasted

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

POSTINGS = frozenset({RowKind.PAYMENT, RowKind.ADJUSTMENT, RowKind.TRANSFER})
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
    rf"(?<![\w-])(?P<label>{_LABEL_WORDS})(?![\w-])\s*(?:amount)?\s*[:=]?\s*(?P<amount>{MONEY_PATTERN.pattern})",
    re.IGNORECASE | re.VERBOSE,
)

GROUPS = "CO|PR|OA|PI|CR"
GROUP_REASON = re.compile(
    rf"(?<![A-Za-z0-9])(?P<group>{GROUPS})\s*[-–:/]?\s*(?P<reason>[A-Z]?\d{{1,3}})(?![\d.,])",
    re.IGNORECASE,
)
BARE_CARC = re.compile(r"\bCARC\s*#?\s*(?P<reason>[A-Z]?\d{1,3})\b", re.IGNORECASE)
REMARK = re.compile(r"(?<![A-Za-z0-9])(?P<code>MA\d{2,3}|M\d{1,3}|N\d{1,3})(?![A-Za-z0-9])")
PROCEDURE = re.compile(
    # A group code after the procedure ('99214 CO-45 -50.00') is not a modifier.
    r"(?<![\w$.,])\(?(?P<code>\d{4}[0-9A-Z]|[A-V]\d{4})(?:[-\s](?!(?:CO|PR|OA|PI|CR)[-\s]?\d)"
    r"(?P<mods>[A-Z0-9]{2}(?:[-\s][A-Z0-9]{2})*)(?![\w.]))?\)?(?![\w.,]\d|\w)",
)
SEGMENT = re.compile(r"^\s*(?P<id>CAS|SVC|DTM|AMT|LQ|CLP|NM1|MOA|MIA)(?P<sep>[*|^])", re.IGNORECASE)

DENIED = re.compile(
    r"\b(denied|not approved|approved\?\s*no|not covered|rejected)\b", re.IGNORECASE
)
HEADER = re.compile(
    r"^\s*(?P<key>notice date|date of notice|statement date|date processed|date|provider|doctor|"
    r"billing provider|facility|supplier|from|claim number|claim no\.?|claim #|claim|payer|plan|"
    r"insurer|insurance|assigned|assignment|account(?: number| no\.?| #)?|patient)\s*[:#]\s*(?P<value>.+?)\s*$",
    re.IGNORECASE,
)
ASSIGNMENT_NO = re.compile(
    r"\b(unassigned|not assigned|did not accept assignment|non-?participating)\b", re.IGNORECASE
)
ASSIGNMENT_YES = re.compile(
    r"\b(accepted assignment|accepts assignment|assigned claim|participating)\b", re.IGNORECASE
)
TOTAL_LINE = re.compile(r"^\s*(total|totals|sum)\b", re.IGNORECASE)

MSN_MARKERS = re.compile(
    r"medicare summary notice|maximum you may be billed|total you may be billed|amount medicare paid|"
    r"medicare-approved amount",
    re.IGNORECASE,
)
EOB_MARKERS = re.compile(
    r"explanation of benefits|\bEOB\b|this is not a bill|plan paid", re.IGNORECASE
)
BILL_MARKERS = re.compile(
    r"\bstatement\b|balance due|amount due|please pay|pay this amount|\binvoice\b|total due|\bbill\b",
    re.IGNORECASE,
)
NOTICE_MARKERS = re.compile(r"\b(approved|allowed|may owe|you may be billed|CAS\*)", re.IGNORECASE)
COVERAGE_MARKERS: tuple[tuple[re.Pattern[str], Coverage], ...] = (
    (
        re.compile(r"medicare advantage|\bMAPD\b|\bpart c\b", re.IGNORECASE),
        Coverage.MEDICARE_ADVANTAGE,
    ),
    (re.compile(r"\bpart d\b|prescription drug plan", re.IGNORECASE), Coverage.MEDICARE_PART_D),
    (re.compile(r"\bmedicaid\b", re.IGNORECASE), Coverage.MEDICAID),
    (
        re.compile(
            r"original medicare|medicare summary notice|\bpart b\b|\bpart a\b"
            r"|medicare[- ]approved|medicare paid",  # Medicare's own columns (a claims export)
            re.IGNORECASE,
        ),
        Coverage.ORIGINAL_MEDICARE,
    ),
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
class _LineReading:
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


def _read_adjustments(masked: _Masked, reading: _LineReading) -> None:
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


def read_line(text: str) -> _LineReading:
    """Everything a free-text line says: dates, code, labelled amounts, adjustment codes."""
    masked = _Masked(text)
    reading = _LineReading(denied=bool(DENIED.search(text)))
    for _ in masked.take(ZIP_CODE):
        pass  # a state and ZIP ('OH 45990') are an address: never a code or an amount
    for match in masked.take(DATE_PATTERN):
        day = date_from_match(match)
        if day:
            reading.dates.append(day)
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
    words = re.sub(r"[$()*:#|=\[\]]", " ", masked.rest())
    words = re.sub(r"(?i)\b(amount|and|dos|date of service|service|code)\b", " ", words)
    reading.description = re.sub(r"\s+", " ", words).strip(" -,.;") or ""
    return reading


# --- X12 snippets typed by hand ------------------------------------------------------------


def _segment_elements(text: str) -> list[str]:
    separator = SEGMENT.match(text).group("sep")  # type: ignore[union-attr]
    return [element.strip() for element in text.strip().rstrip("~").split(separator)]


def cas_adjustments(elements: list[str]) -> tuple[list[Adjustment], list[str]]:
    """CAS*group*reason*amount*quantity*reason*amount*quantity… (up to six triplets, X12 CAS)."""
    adjustments: list[Adjustment] = []
    problems: list[str] = []
    if len(elements) < 4 or elements[1].upper() not in Group.__members__:
        return adjustments, [f"“{'*'.join(elements)}” is not a CAS segment we can read."]
    group = Group(elements[1].upper())
    for position in range(2, len(elements), 3):
        reason = elements[position].strip().upper()
        if not reason:
            continue
        amount_text = elements[position + 1] if position + 1 < len(elements) else ""
        amount = (
            money_from_match(m) if (m := MONEY_PATTERN.fullmatch(amount_text.strip())) else None
        )
        if amount is None:
            problems.append(f"The amount for {group}-{reason} is missing or unreadable.")
            continue
        quantity_text = elements[position + 2] if position + 2 < len(elements) else ""
        quantity = Decimal(quantity_text) if re.fullmatch(r"-?\d+(\.\d+)?", quantity_text) else None
        adjustments.append(Adjustment(group, reason, amount, quantity))
    return adjustments, problems


# --- the whole text ------------------------------------------------------------------------


@dataclass
class _ClaimBuilder:
    claim_number: str | None = None
    provider: str | None = None
    assigned: bool | None = None
    lines: list[ServiceLine] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)

    def build(self) -> Claim:
        return Claim(
            claim_number=self.claim_number,
            provider=self.provider,
            lines=tuple(self.lines),
            adjustments=tuple(self.adjustments),
            remarks=tuple(self.remarks),
            assigned=self.assigned,
        )

    @property
    def empty(self) -> bool:
        return not (self.lines or self.adjustments or self.remarks)


def sniff_kind(text: str, role: Role) -> DocumentKind:
    """What kind of paper typed text is, from its words; the user's role breaks ties."""
    if role is Role.BILL:
        return DocumentKind.PROVIDER_BILL
    if MSN_MARKERS.search(text):
        return DocumentKind.MSN
    if EOB_MARKERS.search(text):
        return DocumentKind.EOB
    if role is Role.NOTICE:
        return DocumentKind.NOTICE
    if NOTICE_MARKERS.search(text):
        return DocumentKind.NOTICE
    if BILL_MARKERS.search(text) or _has_postings(text):
        return DocumentKind.PROVIDER_BILL
    return DocumentKind.NOTICE


# Only the top of a paper is looked at for ledger postings: enough for any statement, and a
# bound on the work for a huge paste.
POSTING_SCAN_LINES = 200


def _has_postings(text: str) -> bool:
    """A ledger's dated payment, adjustment or transfer row ('03/28/2025 Medicare payment
    -78.40'): what a statement prints and a notice does not."""
    vocab = vocabulary()
    for number, line in enumerate(text.splitlines()[:POSTING_SCAN_LINES], start=1):
        if not DATE_PATTERN.search(line) or len(line) > MAX_LINE_CHARS:
            continue
        row = ledger_row(line, f"line {number}")
        worded = any(vocab.says(name, line) for name in ("payment", "adjustment", "transfer"))
        if worded and classify(row, vocab) in POSTINGS:
            return True
    return False


def sniff_coverage(text: str, kind: DocumentKind) -> Coverage:
    """Coverage from what the paper says; an MSN is Original Medicare by definition."""
    if kind is DocumentKind.PROVIDER_BILL:
        return Coverage.UNKNOWN
    for pattern, coverage in COVERAGE_MARKERS:
        if pattern.search(text):
            return coverage
    return Coverage.ORIGINAL_MEDICARE if kind is DocumentKind.MSN else Coverage.UNKNOWN


class _TypedReader:
    """Walks the lines, building claims; one instance per document."""

    def __init__(
        self, source: str, kind: DocumentKind, format: Format = Format.TEXT, unit: str = "line"
    ) -> None:
        self.source = source
        self.kind = kind
        self.format = format
        self.unit = unit
        """What a row is called in evidence: 'line 4' of typed text, 'row 4' of a CSV."""
        self.table: TableHeader | None = None
        self.claims: list[_ClaimBuilder] = [_ClaimBuilder()]
        self.warnings: list[str] = []
        self.notice_date: date | None = None
        self.payer: str | None = None
        self.total_you_may_be_billed: Decimal | None = None
        self.statement: dict[str, Decimal] = {}
        self.first_text_line: str | None = None
        self.ledger_rows: list[LedgerRow] = []

    @property
    def claim(self) -> _ClaimBuilder:
        return self.claims[-1]

    def _new_claim_if_used(self) -> None:
        if not self.claim.empty:
            self.claims.append(_ClaimBuilder(assigned=None))

    def _attach(self, adjustments: list[Adjustment], remarks: list[str]) -> None:
        """Codes on a line of their own belong to the service line above, else to the claim."""
        if self.claim.lines:
            last = self.claim.lines[-1]
            self.claim.lines[-1] = replace(
                last,
                adjustments=last.adjustments + tuple(adjustments),
                remarks=last.remarks + tuple(remarks),
            )
        else:
            self.claim.adjustments.extend(adjustments)
            self.claim.remarks.extend(remarks)

    def _header(self, number: int, text: str) -> bool:
        match = HEADER.match(text)
        if not match:
            return False
        key, value = match.group("key").lower(), match.group("value")
        if (
            key.startswith(("notice date", "date of notice", "statement date", "date processed"))
            or key == "date"
        ):
            dates = [date_from_match(m) for m in DATE_PATTERN.finditer(value)]
            found = next((day for day in dates if day), None)
            if found is None:
                return False
            self.notice_date = found
            return True
        if key in {"provider", "doctor", "billing provider", "facility", "supplier", "from"}:
            if self.claim.provider is not None or self.claim.lines:
                self._new_claim_if_used()
            self.claim.provider = value.strip()
            if ASSIGNMENT_NO.search(value):
                self.claim.assigned = False
            return True
        if key.startswith("claim"):
            if self.claim.claim_number is not None or self.claim.lines:
                self._new_claim_if_used()
            self.claim.claim_number = value.strip().split()[0]
            return True
        if key in {"payer", "plan", "insurer", "insurance"}:
            self.payer = value.strip()
            return True
        if key in {"assigned", "assignment"}:
            lowered = value.lower()
            self.claim.assigned = not (
                lowered.startswith(("no", "n ")) or bool(ASSIGNMENT_NO.search(value))
            )
            return True
        # account numbers and patient names are not needed for any check: read and let go.
        return True

    def _segment(self, number: int, text: str) -> None:
        elements = _segment_elements(text)
        segment = elements[0].upper()
        if segment == "CAS":
            adjustments, problems = cas_adjustments(elements)
            self._attach(adjustments, [])
            self.warnings.extend(f"Line {number}: {problem}" for problem in problems)
        elif segment == "LQ" and len(elements) > 2:
            self._attach([], [elements[2].upper()])
        elif segment == "SVC" and len(elements) > 3:
            composite = re.split(r"[:>^]", elements[1])
            code = composite[1].upper() if len(composite) > 1 else None
            self.claim.lines.append(
                ServiceLine(
                    procedure_code=code,
                    modifiers=tuple(part.upper() for part in composite[2:] if part),
                    billed=_money(elements[2]),
                    paid=_money(elements[3]),
                    where=f"line {number}",
                )
            )
        elif segment == "DTM" and len(elements) > 2 and self.claim.lines:
            day = _date_text(elements[2])
            if day:
                self.claim.lines[-1] = replace(self.claim.lines[-1], date_of_service=day)
        elif (
            segment == "AMT"
            and len(elements) > 2
            and elements[1].upper() == "B6"
            and self.claim.lines
        ):
            self.claim.lines[-1] = replace(self.claim.lines[-1], allowed=_money(elements[2]))
        elif segment == "CLP" and len(elements) > 1:
            self._new_claim_if_used()
            self.claim.claim_number = elements[1]
        elif segment in {"MOA", "MIA"}:
            self.claim.remarks.extend(
                e.upper() for e in elements[1:] if REMARK.fullmatch(e.upper())
            )
        # NM1 lines name people; nothing in them is needed for a check.

    def feed(self, number: int, raw: str) -> None:
        text = raw.strip()
        if not text:
            return
        if len(text) > MAX_LINE_CHARS:
            self.warnings.append(
                f"Line {number} is too long to be one line of a bill ({len(text):,} characters), "
                "so we skipped it. Please put each service on its own line."
            )
            return
        if SEGMENT.match(text):
            self._segment(number, text)
            return
        if self._header(number, text):
            return
        if ASSIGNMENT_NO.search(text) and not re.search(r"\d", text):
            self.claim.assigned = False
            return
        if ASSIGNMENT_YES.search(text) and not re.search(r"\d", text):
            self.claim.assigned = True
            return
        if ADDRESS_LINE.match(text):
            return  # '123 Main St, Dayton OH 45990': an address, not a service or an amount
        reading = read_line(text)
        if self.kind is DocumentKind.PROVIDER_BILL:
            self._ledger_row(number, text, reading)
            return
        if reading.is_service and not TOTAL_LINE.match(text):
            self._service_line(number, text, reading)
            return
        if reading.adjustments or reading.remarks or reading.bare_reasons:
            self._attach(reading.adjustments, reading.remarks)
            self._bare_reasons(number, reading)
            if reading.loose_amounts or reading.dates:
                self.warnings.append(
                    f"Line {number}: we read the codes but not the rest: “{text}”."
                )
            return
        if self._totals(text, reading):
            return
        if reading.amounts or reading.loose_amounts or reading.dates:
            self.warnings.append(f"Line {number}: we could not read this line: “{text}”.")
            return
        if self.first_text_line is None and re.search(r"[A-Za-z]{3}", text):
            self.first_text_line = text

    def _ledger_row(self, number: int, text: str, reading: _LineReading) -> None:
        """A bill's line is a ledger row (charge, payment, adjustment, transfer, balance…):
        ledger.py decides which, as for every other statement input."""
        row = ledger_row(text, f"line {number}", reading)
        if row.has_money:
            self.ledger_rows.append(row)
            self._bare_reasons(number, reading)
        elif reading.dates or reading.code:
            self.ledger_rows.append(row)
        elif self.first_text_line is None and re.search(r"[A-Za-z]{3}", text):
            self.first_text_line = text

    def _bare_reasons(self, number: int, reading: _LineReading) -> None:
        for reason, amount in reading.bare_reasons:
            shown = f" ({display_money(amount)})" if amount is not None else ""
            self.warnings.append(
                f"Line {number}: code {reason}{shown} has no group code (CO, PR, OA or PI), "
                "so we cannot tell who owes that amount."
            )

    def _totals(self, text: str, reading: _LineReading) -> bool:
        """Lines like 'Total You May Be Billed $20.00' or 'Balance due $21.60' (no date)."""
        if re.search(r"total you may be billed", text, re.IGNORECASE) and reading.amounts:
            self.total_you_may_be_billed = next(iter(reading.amounts.values()))
            return True
        known = {
            "billed": "charges",
            "payments": "payments",
            "paid": "payments",
            "adjustments": "adjustments",
            "patient_owes": "balance",
        }
        taken = False
        for name, amount in reading.amounts.items():
            if name in known:
                self.statement.setdefault(known[name], amount)
                taken = True
        if taken and reading.loose_amounts:
            self.warnings.append(f"We could not tell what every amount means in: “{text}”.")
        return taken

    def _service_line(self, number: int, text: str, reading: _LineReading) -> None:
        amounts = dict(reading.amounts)
        adjustments = list(reading.adjustments)
        for label, reason in COST_SHARING_REASON.items():
            if label in amounts:
                adjustments.append(Adjustment(Group.PR, reason, abs(amounts.pop(label))))
        loose = reading.loose_amounts
        money_fields = {"billed", "allowed", "paid", "patient_owes"}
        if loose and not (money_fields & amounts.keys()):
            placed = self._place_by_position(loose)
            if placed is None:
                self.warnings.append(
                    f"Line {number}: we found {len(loose)} amount(s) but no words saying what they are: "
                    f"“{text}”. Please add words like billed, approved, paid, you may owe."
                )
            else:
                amounts.update(placed)
                loose = []
        elif loose:
            shown = ", ".join(display_money(amount) for amount in loose)
            self.warnings.append(f"Line {number}: we could not tell what {shown} is: “{text}”.")
        self._bare_reasons(number, reading)
        self.claim.lines.append(
            ServiceLine(
                date_of_service=reading.dates[0] if reading.dates else None,
                date_through=reading.dates[1] if len(reading.dates) > 1 else None,
                procedure_code=reading.code,
                modifiers=reading.modifiers,
                description=reading.description or None,
                billed=amounts.get("billed"),
                allowed=amounts.get("allowed"),
                paid=amounts.get("paid"),
                patient_owes=amounts.get("patient_owes"),
                adjustments=tuple(adjustments),
                remarks=tuple(reading.remarks),
                denied=True if reading.denied else None,
                where=f"line {number}",
            )
        )

    def _place_by_position(self, loose: list[Decimal]) -> dict[str, Decimal] | None:
        """Unlabelled amounts in the order the paper prints them, only where it is unambiguous."""
        if self.kind is DocumentKind.PROVIDER_BILL:
            if len(loose) == 1:
                return {"patient_owes": loose[0]}
            if len(loose) == 2:
                return {"billed": loose[0], "patient_owes": loose[1]}
            return None
        if len(loose) == 4:
            # The MSN Part B column order (FACTS.md §4): charged, approved, paid, may be billed.
            return dict(zip(("billed", "allowed", "paid", "patient_owes"), loose, strict=True))
        return None

    def table_row(self, number: int, cells: list[str], line: str | None) -> bool:
        """A pasted or exported table's header or data row; False when it is not one."""
        header = header_of(cells, line)
        if header is not None:
            self.table = header
            return True
        filled = [cell for cell in cells if cell]
        if self.table is None:
            return False
        if len(filled) < 2:
            if line is not None:
                self.table = None  # a pasted table ends at a line that is not one of its rows
            return False
        placed = cells_under(self.table, cells, line)
        if placed is None:
            return False
        where = f"{self.unit} {number}"
        if self.kind is DocumentKind.PROVIDER_BILL:
            self.ledger_rows.append(row_from_cells(placed, where, " ".join(filled)))
            return True
        if is_total(placed):
            return True  # a claim's printed total repeats its lines
        service = notice_line(placed, where)
        if service is None:
            return False
        self._table_claim(cells)
        self.claim.lines.append(service)
        return True

    def _table_claim(self, cells: list[str]) -> None:
        """A claim-number or provider column starts a new claim where its value changes."""
        table = self.table
        assert table is not None
        for column, attribute in (
            (table.claim_column, "claim_number"),
            (table.provider_column, "provider"),
        ):
            if column is None or column >= len(cells) or not cells[column]:
                continue
            value = cells[column]
            if getattr(self.claim, attribute) not in (None, value):
                self._new_claim_if_used()
            setattr(self.claim, attribute, value)

    def bill(self) -> Document:
        """A provider's bill: its rows read as a ledger (one reading for every format)."""
        reading = read_ledger(self.ledger_rows)
        provider = next((c.provider for c in self.claims if c.provider), self.first_text_line)
        return Document(
            source=self.source,
            kind=self.kind,
            format=self.format,
            notice_date=self.notice_date,
            claims=with_provider(reading.claims, provider),
            warnings=tuple(self.warnings) + reading.warnings,
            statement=reading.totals,
            unchecked=reading.unchecked,
        )

    def document(self, text: str, coverage: Coverage) -> Document:
        if self.kind is DocumentKind.PROVIDER_BILL:
            return self.bill()
        claims = [builder for builder in self.claims if not builder.empty]
        statement = None
        if self.statement:
            statement = StatementTotals(
                charges=self.statement.get("charges"),
                payments=self.statement.get("payments"),
                adjustments=self.statement.get("adjustments"),
                balance=self.statement.get("balance"),
            )
        return Document(
            source=self.source,
            kind=self.kind,
            format=self.format,
            coverage=coverage,
            payer=self.payer or ("Medicare" if self.kind is DocumentKind.MSN else None),
            notice_date=self.notice_date,
            claims=tuple(builder.build() for builder in claims),
            warnings=tuple(self.warnings),
            statement=statement,
            total_you_may_be_billed=self.total_you_may_be_billed,
        )


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
_DATE_RANGE_JOIN = re.compile(r"^\s*(-|–|to|thru|through)\s*$", re.I)


def ledger_row(text: str, where: str, reading: _LineReading | None = None) -> LedgerRow:
    """A typed line as a ledger row: labelled amounts under their columns, the rest loose."""
    reading = reading or read_line(text)
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


def _service_dates(text: str, dates: list[date]) -> tuple[date | None, date | None]:
    """'03/04/2025 - 03/06/2025' is a span of service; two dates otherwise are a posting date
    and a date of service, and the service comes first in time."""
    if len(dates) < 2:
        return (dates[0] if dates else None), None
    found = [m for m in DATE_PATTERN.finditer(text) if date_from_match(m)]
    if len(found) >= 2 and _DATE_RANGE_JOIN.match(text[found[0].end() : found[1].start()]):
        return dates[0], dates[1]
    return min(dates[:2]), None


def _money(text: str) -> Decimal | None:
    match = MONEY_PATTERN.fullmatch(text.strip())
    return money_from_match(match) if match else None


def _date_text(text: str) -> date | None:
    match = DATE_PATTERN.fullmatch(text.strip())
    return date_from_match(match) if match else None


def extract_typed(text: str, source: str, role: Role = Role.AUTO) -> Document:
    """Read typed or pasted lines of a notice or a bill into a Document."""
    return read_rows(text.splitlines(), source, role)


def _pasted_cells(line: str) -> list[str] | None:
    """A line's cells when it may be a row of a pasted table (tabs, '|' or wide gaps)."""
    if "\t" in line or "|" in line or "  " in line.strip():
        return split_pasted(line)
    return None


def read_rows(
    rows: Sequence[str | Sequence[str]],
    source: str,
    role: Role = Role.AUTO,
    format: Format = Format.TEXT,
) -> Document:
    """Read lines of text, or rows of cells (a CSV or XLSX export), into a Document.

    Lines outside a table (headers like 'Provider:', ledger rows, totals) are read as typed
    lines; rows under a table header are read by their columns."""
    lines = [
        row if isinstance(row, str) else "  ".join(cell for cell in row if cell) for row in rows
    ]
    cells = [_pasted_cells(row) if isinstance(row, str) else list(row) for row in rows]
    text = "\n".join(lines)
    kind = sniff_kind(text, role)
    header = next((h for c in cells if c and (h := header_of(c)) is not None), None)
    if (
        header is not None
        and role is Role.AUTO
        and kind not in {DocumentKind.MSN, DocumentKind.EOB}
    ):
        kind = DocumentKind.PROVIDER_BILL if header.looks_like_ledger else kind
    unit = "line" if format is Format.TEXT else "row"
    reader = _TypedReader(source, kind, format, unit)
    for number, (line, row_cells) in enumerate(zip(lines, cells, strict=True), start=1):
        raw = rows[number - 1]
        if row_cells is not None and reader.table_row(
            number, row_cells, raw if isinstance(raw, str) else None
        ):
            continue
        reader.feed(number, line)
    document = reader.document(text, sniff_coverage(text, kind))
    if not document.claims and document.statement is None:
        raise UnsupportedDocument(
            f"We could not find any bill or notice lines in “{source}”. Type one service per line, "
            "for example: 03/04/2025 99214 billed $150 approved $100 paid $78.40 you may owe $20",
            source=source,
        )
    return document
