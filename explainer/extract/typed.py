"""Typed or pasted lines (a notice, a bill, remittance snippets) → a Document.

People paste in every shape: `03/04/2025 99214 billed $150 approved $100 paid $78.40 you may
owe $20`, `CO-253 $1.60`, `CAS*CO*45*50*1*253*1.60`, `PR 2 30.00`, `N130`. Each line is read
by masking what is understood (dates, codes, labelled amounts) and looking at what is left;
a line with a number we could not place is reported in `warnings`, never silently dropped.
A bill's lines are ledger rows, read by ledger.py as every other statement input; a pasted
table (tabs, '|', lined-up spaces under a header row) and CSV/XLSX exports (`read_rows`) are
read by their columns (tabular.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    date_from_match,
    display_money,
    money_from_match,
)
from .ledger import LedgerRow, read_ledger, row_from_cells, with_provider
from .ledger_row import RowKind, classify, vocabulary
from .tabular import (
    TableHeader,
    cells_under,
    header_of,
    is_total,
    label_row,
    notice_line,
    pasted_cells,
    two_row_header,
)
from .typed_line import (
    COST_SHARING_REASON,
    MAX_LINE_CHARS,
    REMARK,
    LineReading,
    ledger_row,
    read_line,
)

POSTINGS = frozenset({RowKind.PAYMENT, RowKind.ADJUSTMENT, RowKind.TRANSFER})
SEGMENT = re.compile(r"^\s*(?P<id>CAS|SVC|DTM|AMT|LQ|CLP|NM1|MOA|MIA)(?P<sep>[*|^])", re.IGNORECASE)

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
        self.header_above: list[str] | None = None
        """A row of labels that may be the first line of a header wrapped over two rows."""
        self.claims: list[_ClaimBuilder] = [_ClaimBuilder()]
        self.warnings: list[str] = []
        self.notice_date: date | None = None
        self.payer: str | None = None
        self.total_you_may_be_billed: Decimal | None = None
        self.statement: dict[str, Decimal] = {}
        self.first_text_line: str | None = None
        self.ledger_rows: list[LedgerRow] = []

    def read_anything(self) -> bool:
        """Has any line given a service, an adjustment, a ledger row, a total or a header?"""
        return bool(
            any(claim.lines or claim.adjustments for claim in self.claims)
            or self.ledger_rows
            or self.statement
            or self.table is not None
            or self.total_you_may_be_billed is not None
        )

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

    def _ledger_row(self, number: int, text: str, reading: LineReading) -> None:
        """A bill's line is a ledger row (charge, payment, adjustment, transfer, balance…):
        ledger.py decides which, as for every other statement input."""
        row = ledger_row(text, f"line {number}", reading, self.notice_date)
        above = self.ledger_rows[-1] if self.ledger_rows else None
        if row.has_money and above and not above.has_money and not re.search("[A-Za-z]", text):
            # A posting wrapped over two lines: its words, then its amount on the next line.
            self.ledger_rows[-1] = ledger_row(f"{above.text} {text}", above.where)
        elif row.has_money:
            self.ledger_rows.append(row)
            self._bare_reasons(number, reading)
        elif reading.dates or reading.code:
            self.ledger_rows.append(row)
        elif self.first_text_line is None and re.search(r"[A-Za-z]{3}", text):
            self.first_text_line = text

    def _bare_reasons(self, number: int, reading: LineReading) -> None:
        for reason, amount in reading.bare_reasons:
            shown = f" ({display_money(amount)})" if amount is not None else ""
            self.warnings.append(
                f"Line {number}: code {reason}{shown} has no group code (CO, PR, OA or PI), "
                "so we cannot tell who owes that amount."
            )

    def _totals(self, text: str, reading: LineReading) -> bool:
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

    def _service_line(self, number: int, text: str, reading: LineReading) -> None:
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
        header = two_row_header(self.header_above, cells) or header_of(cells, line)
        self.header_above = cells if header is None and label_row(cells) else None
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


def _money(text: str) -> Decimal | None:
    match = MONEY_PATTERN.fullmatch(text.strip())
    return money_from_match(match) if match else None


def _date_text(text: str) -> date | None:
    match = DATE_PATTERN.fullmatch(text.strip())
    return date_from_match(match) if match else None


HEADER_SEARCH_ROWS = 200
UNREAD_LINES = 1000


def extract_typed(text: str, source: str, role: Role = Role.AUTO) -> Document:
    """Read typed or pasted lines of a notice or a bill into a Document."""
    return read_rows(text.splitlines(), source, role)


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
    cells = [pasted_cells(row) if isinstance(row, str) else list(row) for row in rows]
    text = "\n".join(lines)
    kind = sniff_kind(text, role)
    # A pasted table's header row stands near its top.
    header = next(
        (h for c in cells[:HEADER_SEARCH_ROWS] if c and (h := header_of(c)) is not None), None
    )
    if (
        header is not None
        and role is Role.AUTO
        and kind not in {DocumentKind.MSN, DocumentKind.EOB}
    ):
        kind = DocumentKind.PROVIDER_BILL if header.looks_like_ledger else kind
    unit = "line" if format is Format.TEXT else "row"
    reader = _TypedReader(source, kind, format, unit)
    for number, (line, row_cells) in enumerate(zip(lines, cells, strict=True), start=1):
        if number > UNREAD_LINES and not reader.read_anything():
            # Thousands of lines and not one service, header, total or code: not a notice or
            # a bill. Saying so now keeps a pasted log or data dump from costing seconds.
            raise UnsupportedDocument(
                f"We read the first {UNREAD_LINES:,} {unit}s of “{source}” and found no bill or "
                "notice lines in them. Type one service per line, for example: 03/04/2025 99214 "
                "billed $150.00 you may owe $20.00.",
                source=source,
            )
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
