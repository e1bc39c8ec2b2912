"""X12 835 remittance → Documents: one per ST/SE transaction set (one payment each).

Loop and element numbers follow the 835 implementation guide (ASC X12N 005010X221A1):
header (BPR, TRN, DTM*405, N1*PR payer loop 1000A, N1*PE payee loop 1000B), claims (loop
2100, CLP) with their service lines (loop 2110, SVC), and provider adjustments (PLB).
A broken file never crashes the read: what could not be read becomes a plain-language
warning on the Document, and everything else is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from explainer.errors import UnreadableDocument, UnsupportedDocument
from explainer.model import (
    Adjustment,
    Claim,
    Coverage,
    Document,
    DocumentKind,
    Format,
    Group,
    ProviderAdjustment,
    ServiceLine,
)
from explainer.read.x12 import Segment, X12Reader
from explainer.values import MAX_AMOUNT

ZERO = Decimal("0")

# CLP06 claim filing indicator code (X12 code list 1032) → who pays. MA/MB are Medicare
# Part A/B fee-for-service; 16 is "Health Maintenance Organization (HMO) Medicare Risk",
# i.e. Medicare Advantage; MC is Medicaid. Every other code (CI, BL, HM, 11-15, CH, VA,
# WC, ZZ…) is a plan the app treats as commercial: the Coverage set has nothing finer.
FILING_COVERAGE = {
    "MA": Coverage.ORIGINAL_MEDICARE,
    "MB": Coverage.ORIGINAL_MEDICARE,
    "16": Coverage.MEDICARE_ADVANTAGE,
    "MC": Coverage.MEDICAID,
}

# CLP02 claim status codes with a meaning of their own (X12 code list 1029).
STATUS_DENIED = "4"
STATUS_REVERSAL = "22"
STATUS_PREDETERMINATION = "25"  # pricing only, no payment: nothing was denied

# CARCs that explain a $0 payment without denying the service: deductible, coinsurance,
# copay (1-3), the prior payer's payment (23), fee-schedule write-offs (42, 45), a
# negative or rounding adjustment (94) and sequestration (253). A $0 line with any other
# reason was denied (RULES.md line-denied: a line eaten by the deductible is not denied).
NOT_DENIAL_REASONS = frozenset({"1", "2", "3", "23", "42", "45", "94", "253"})

# Segments that are not in a transaction set: the interchange and group envelopes.
ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "TA1"})
# Segments that close a cut-off file's last, incomplete segment without harm.
CLOSING = frozenset({"SE", "GE", "IEA"})
MAX_WARNINGS = 30
_CACHE_LIMIT = 100_000
"""Distinct amounts, dates and adjustments shared per payment; past that, no more are kept."""


@dataclass(slots=True)
class _LineDraft:
    """A service line (loop 2110) while it is being read."""

    where: str
    procedure_code: str | None = None
    modifiers: tuple[str, ...] = ()
    description: str | None = None
    billed: Decimal | None = None
    paid: Decimal | None = None
    units: Decimal | None = None
    allowed: Decimal | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    date_of_service: date | None = None
    date_through: date | None = None
    control_number: str | None = None


@dataclass(slots=True)
class _ClaimDraft:
    """A claim (loop 2100) while it is being read."""

    where: str
    number: str | None = None
    status: str | None = None
    billed: Decimal | None = None
    paid: Decimal | None = None
    patient_owes: Decimal | None = None
    filing: str = ""
    patient_name: str | None = None
    provider: str | None = None
    received: date | None = None
    date_from: date | None = None
    date_through: date | None = None
    adjustments: list[Adjustment] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    lines: list[_LineDraft] = field(default_factory=list)


@dataclass(slots=True)
class _PaymentDraft:
    """One ST/SE transaction set while it is being read."""

    control: str
    segments: int = 0
    payer: str | None = None
    payee: str | None = None
    total: Decimal | None = None
    bpr_date: date | None = None
    production_date: date | None = None
    trace: str | None = None
    claims: list[_ClaimDraft] = field(default_factory=list)
    plb: list[ProviderAdjustment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    claim: _ClaimDraft | None = None
    line: _LineDraft | None = None
    numbers: set[str] = field(default_factory=set)
    # One object per distinct amount and date text: a 50,000-claim remittance repeats the same
    # fees, shares and dates on most of its 250,000 lines, and Decimal and date are immutable.
    # Per payment, never global: nothing of one user's file outlives its read.
    amounts: dict[str, Decimal] = field(default_factory=dict)
    dates: dict[str, date] = field(default_factory=dict)
    adjustments: dict[tuple[str, ...], Adjustment] = field(default_factory=dict)

    def warn(self, message: str) -> None:
        """Keep a warning, up to a limit, so that a very broken file stays readable."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append("There are more problems in this payment than we list here.")

    def close_claim(self) -> None:
        """The current claim (and its line) ends: an LX, CLP, PLB or SE follows."""
        self.claim = None
        self.line = None


# --- values -------------------------------------------------------------------------------


def _money(payment: _PaymentDraft, value: str, where: str) -> Decimal | None:
    """An X12 R (decimal) element as Decimal; '' is None; anything else is a warning."""
    if not value:
        return None
    known = payment.amounts.get(value)
    if known is not None:
        return known
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    # X12 R elements hold at most 18 digits; a billion-dollar "amount" is no money, and a
    # million-digit one would overflow the balancing arithmetic (hardening). adjusted() is
    # the power of ten of the first digit, so this compares without any arithmetic.
    if not amount.is_finite() or amount.adjusted() >= MAX_AMOUNT.adjusted():
        payment.warn(f"{_capital(where)}: “{value[:20]}” is not an amount; we left it out.")
        return None
    if len(payment.amounts) < _CACHE_LIMIT:
        payment.amounts[value] = amount
    return amount


def _date(payment: _PaymentDraft, value: str, where: str) -> date | None:
    """An X12 DT element (CCYYMMDD) as a date; a bad one is a warning."""
    if not value:
        return None
    known = payment.dates.get(value)
    if known is not None:
        return known
    if len(value) == 8 and value.isdigit():
        try:
            day = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
        else:
            if len(payment.dates) < _CACHE_LIMIT:
                payment.dates[value] = day
            return day
    payment.warn(f"{_capital(where)}: “{value[:20]}” is not a date; we left it out.")
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _composite(segment: Segment, position: int) -> tuple[str, ...]:
    """A composite's components; tolerates a sender that used another separator.

    Some files declare ':' in ISA16 but write 'HC>12345>26' (corpus S03, S04): a 2-character
    qualifier followed by punctuation shows the separator actually used.
    """
    parts = segment.parts(position)
    if len(parts) == 1:
        value = parts[0]
        if len(value) > 3 and value[:2].isalnum() and not value[2].isalnum() and value[2] != " ":
            return tuple(value.split(value[2]))
    return parts


def _name(segment: Segment) -> str | None:
    """NM1 name: an organisation (NM102 = 2) as printed, a person as 'FIRST MIDDLE LAST'."""
    last, first, middle, suffix = (segment.get(3), segment.get(4), segment.get(5), segment.get(7))
    if segment.get(2) == "2":
        return last or None
    name = " ".join(part.strip() for part in (first, middle, last, suffix) if part.strip())
    return name or None


# --- segment handlers ---------------------------------------------------------------------


def _bpr(payment: _PaymentDraft, segment: Segment) -> None:
    """BPR: BPR02 total payment; BPR03 'D' (debit) means the payer takes money back."""
    total = _money(payment, segment.get(2), "the payment total")
    if total is not None and segment.get(3) == "D":
        total = -total
    payment.total = total
    payment.bpr_date = _date(payment, segment.get(16), "the payment date")


def _trn(payment: _PaymentDraft, segment: Segment) -> None:
    """TRN02: the check or EFT trace number (the first TRN is the payment's own)."""
    if payment.trace is None and segment.get(2):
        payment.trace = segment.get(2)


def _dtm(payment: _PaymentDraft, segment: Segment) -> None:
    """DTM: 405 production date (header); 232/233/050 claim dates; 472/150/151 line dates."""
    qualifier = segment.get(1)
    line, claim = payment.line, payment.claim
    if line is not None and qualifier in {"472", "150", "151"}:
        day = _date(payment, segment.get(2), line.where)
        if qualifier == "151":
            line.date_through = day
        else:
            line.date_of_service = day
    elif claim is not None and qualifier in {"232", "233", "050"}:
        day = _date(payment, segment.get(2), claim.where)
        if qualifier == "232":
            claim.date_from = day
        elif qualifier == "233":
            claim.date_through = day
        else:
            claim.received = day
    elif claim is None and qualifier == "405":
        payment.production_date = _date(payment, segment.get(2), "the production date")


def _n1(payment: _PaymentDraft, segment: Segment) -> None:
    """N1*PR is the payer (loop 1000A), N1*PE the payee (loop 1000B)."""
    if segment.get(1) == "PR":
        payment.payer = segment.get(2).strip() or None
    elif segment.get(1) == "PE":
        payment.payee = segment.get(2).strip() or None


def _lx(payment: _PaymentDraft, segment: Segment) -> None:
    """LX starts a header-number loop (2000): the claim before it is over."""
    payment.close_claim()


def _clp(payment: _PaymentDraft, segment: Segment) -> None:
    """CLP opens a claim: 01 number, 02 status, 03 billed, 04 paid, 05 patient owes, 06 filing."""
    payment.close_claim()
    number = segment.get(1).strip() or None
    ordinal = len(payment.claims) + 1
    where = f"claim {number}" if number else f"claim no. {ordinal} (no claim number)"
    if number and number in payment.numbers:
        where = f"claim {number} (no. {ordinal} in this payment)"
    if number:
        payment.numbers.add(number)
    claim = _ClaimDraft(where=where, number=number, status=segment.get(2).strip() or None)
    claim.billed = _money(payment, segment.get(3), where)
    claim.paid = _money(payment, segment.get(4), where)
    claim.patient_owes = _money(payment, segment.get(5), where)
    claim.filing = segment.get(6).strip()
    if claim.billed is None or claim.paid is None:
        payment.warn(f"{_capital(where)} does not show both its charge and its payment.")
    payment.claims.append(claim)
    payment.claim = claim


def _cas(payment: _PaymentDraft, segment: Segment) -> None:
    """CAS: a group code and up to six reason/amount/quantity triplets (CAS02-CAS19)."""
    target = payment.line or payment.claim
    if target is None:
        payment.warn("We found an adjustment outside any claim and left it out.")
        return
    try:
        group = Group(segment.get(1).strip())
    except ValueError:
        payment.warn(
            f"{_capital(target.where)}: the adjustment group “{segment.get(1)[:10]}” is not one "
            "we know (CO, PR, OA, PI, CR); we left its amounts out."
        )
        return
    elements = segment.elements
    # Triplets start at CAS02, CAS05 … CAS17 (elements[1], [4] … [16]).
    for first in range(1, min(len(elements), 17), 3):
        reason = elements[first].strip()
        if not reason:
            continue
        key = (group.value, reason, segment.get(first + 2), segment.get(first + 3))
        known = payment.adjustments.get(key)
        if known is not None:  # the same CO 45 or PR 2 on thousands of lines: one object
            target.adjustments.append(known)
            continue
        amount = _money(payment, segment.get(first + 2), target.where)
        if amount is None:
            continue
        quantity = _money(payment, segment.get(first + 3), target.where)
        adjustment = Adjustment(group, reason, amount, quantity)
        # Shared only when it read cleanly: a bad quantity is warned about on every line.
        if len(payment.adjustments) < _CACHE_LIMIT and (quantity is not None or not key[3]):
            payment.adjustments[key] = adjustment
        target.adjustments.append(adjustment)


def _nm1(payment: _PaymentDraft, segment: Segment) -> None:
    """NM1*QC is the patient; NM1*82 the rendering provider (claim level only)."""
    claim = payment.claim
    if claim is None:
        return
    if segment.get(1) == "QC":
        claim.patient_name = _name(segment)
    elif segment.get(1) == "82":
        claim.provider = _name(segment)


def _moa(payment: _PaymentDraft, segment: Segment) -> None:
    """MOA03-MOA07: claim payment remark codes (outpatient)."""
    _claim_remarks(payment, segment, (3, 4, 5, 6, 7))


def _mia(payment: _PaymentDraft, segment: Segment) -> None:
    """MIA05 and MIA20-MIA23: claim payment remark codes (inpatient)."""
    _claim_remarks(payment, segment, (5, 20, 21, 22, 23))


def _claim_remarks(payment: _PaymentDraft, segment: Segment, positions: tuple[int, ...]) -> None:
    if payment.claim is None:
        return
    for position in positions:
        code = segment.get(position).strip()
        if code:
            payment.claim.remarks.append(code)


def _svc(payment: _PaymentDraft, segment: Segment) -> None:
    """SVC opens a line: 01 procedure composite, 02 billed, 03 paid, 05 units."""
    claim = payment.claim
    if claim is None:
        payment.warn("We found a service line outside any claim and left it out.")
        return
    line = _LineDraft(where=f"{claim.where}, line {len(claim.lines) + 1}")
    parts = _composite(segment, 1)
    # SVC01: qualifier (HC = HCPCS/CPT, NU = revenue code…), code, modifiers 1-4, description.
    line.procedure_code = parts[1].strip() or None if len(parts) > 1 else None
    line.modifiers = tuple(part.strip() for part in parts[2:6] if part.strip())
    line.description = parts[6].strip() or None if len(parts) > 6 else None
    line.billed = _money(payment, segment.get(2), line.where)
    line.paid = _money(payment, segment.get(3), line.where)
    line.units = _money(payment, segment.get(5), line.where)
    if line.billed is None or line.paid is None:
        payment.warn(f"{_capital(line.where)} does not show both its charge and its payment.")
    claim.lines.append(line)
    payment.line = line


def _amt(payment: _PaymentDraft, segment: Segment) -> None:
    """AMT*B6 on a line: the allowed (approved) amount."""
    if payment.line is not None and segment.get(1) == "B6":
        payment.line.allowed = _money(payment, segment.get(2), payment.line.where)


def _lq(payment: _PaymentDraft, segment: Segment) -> None:
    """LQ*HE on a line: a remittance advice remark code (RARC)."""
    if payment.line is not None and segment.get(1) == "HE" and segment.get(2).strip():
        payment.line.remarks.append(segment.get(2).strip())


def _ref(payment: _PaymentDraft, segment: Segment) -> None:
    """REF*6R on a line: the provider's line item control number."""
    if payment.line is not None and segment.get(1) == "6R":
        payment.line.control_number = segment.get(2).strip() or None


def _plb(payment: _PaymentDraft, segment: Segment) -> None:
    """PLB: after PLB01 (provider) and PLB02 (date), up to six reason:reference/amount pairs."""
    payment.close_claim()
    for first in range(3, 15, 2):
        parts = _composite(segment, first)
        if not parts or not parts[0].strip():
            continue
        amount = _money(payment, segment.get(first + 1), "a provider adjustment")
        if amount is None:
            continue
        reference = parts[1].strip() or None if len(parts) > 1 else None
        payment.plb.append(ProviderAdjustment(parts[0].strip(), reference, amount))


HANDLERS = {
    "BPR": _bpr,
    "TRN": _trn,
    "DTM": _dtm,
    "N1": _n1,
    "LX": _lx,
    "CLP": _clp,
    "CAS": _cas,
    "NM1": _nm1,
    "MOA": _moa,
    "MIA": _mia,
    "SVC": _svc,
    "AMT": _amt,
    "LQ": _lq,
    "REF": _ref,
    "PLB": _plb,
}


# --- drafts → model -----------------------------------------------------------------------


def _sum(adjustments: list[Adjustment], group: Group | None = None) -> Decimal:
    return sum((a.amount for a in adjustments if group is None or a.group is group), ZERO)


def _denied(status: str | None, line: _LineDraft) -> bool | None:
    """Was the line denied? Claim status 4 says so; else $0 paid with a denial reason."""
    if status in {STATUS_REVERSAL, STATUS_PREDETERMINATION}:
        return False
    if status == STATUS_DENIED:
        return True
    if line.paid is None:
        return None
    if line.paid != 0 or not line.billed:
        return False
    if not line.adjustments:
        return None
    return any(a.reason not in NOT_DENIAL_REASONS and a.amount != 0 for a in line.adjustments)


def _finish_line(claim: _ClaimDraft, line: _LineDraft) -> ServiceLine:
    # A line without DTM*472/150/151 took place in the claim's statement period (DTM*232/233).
    day = line.date_of_service or claim.date_from
    through = line.date_through if line.date_of_service else line.date_through or claim.date_through
    return ServiceLine(
        date_of_service=day,
        procedure_code=line.procedure_code,
        modifiers=line.modifiers,
        description=line.description,
        billed=line.billed,
        allowed=line.allowed,
        paid=line.paid,
        # What the remit says the patient may owe for a line: its PR (patient
        # responsibility) adjustments (FACTS.md §2).
        patient_owes=_sum(line.adjustments, Group.PR),
        adjustments=tuple(line.adjustments),
        remarks=tuple(line.remarks),
        denied=_denied(claim.status, line),
        date_through=through if through != day else None,
        units=line.units,
        where=line.where,
        control_number=line.control_number,
    )


def _assigned(coverage: Coverage, paid: Decimal | None) -> bool | None:
    """True for an Original Medicare claim Medicare paid to the provider; else unknown.

    An 835 is the provider's remittance. Medicare pays the provider only on assigned
    claims (42 CFR 424.55); on unassigned ones it pays the patient. So a non-zero CLP04
    (or a reversal taking such a payment back) shows assignment. A $0 claim may be denied
    or unassigned, and "assignment" is a Medicare idea: other plans stay None.
    """
    if coverage is not Coverage.ORIGINAL_MEDICARE or paid is None or paid == 0:
        return None
    return True


def _finish_claim(claim: _ClaimDraft, payee: str | None) -> Claim:
    lines = tuple(_finish_line(claim, line) for line in claim.lines)
    coverage = FILING_COVERAGE.get(
        claim.filing, Coverage.COMMERCIAL if claim.filing else Coverage.UNKNOWN
    )
    patient_owes = claim.patient_owes
    if patient_owes is None:
        # CLP05 is sent only when the patient owes something (TR3 situational rule); when it
        # is absent the claim's PR adjustments say the same.
        patient_owes = _sum(claim.adjustments, Group.PR) + sum(
            (line.patient_owes or ZERO for line in lines), ZERO
        )
    return Claim(
        claim_number=claim.number,
        provider=claim.provider or payee,
        lines=lines,
        adjustments=tuple(claim.adjustments),
        remarks=tuple(claim.remarks),
        assigned=_assigned(coverage, claim.paid),
        status=claim.status,
        billed=claim.billed,
        paid=claim.paid,
        patient_owes=patient_owes,
        patient_name=claim.patient_name,
        date_received=claim.received,
        where=claim.where,
        coverage=coverage,
        date_from=claim.date_from,
        date_through=claim.date_through,
    )


def _document_coverage(claims: tuple[Claim, ...]) -> Coverage:
    """The claims' coverage when they agree; UNKNOWN when mixed or none is known."""
    kinds = {claim.coverage for claim in claims} - {Coverage.UNKNOWN}
    return kinds.pop() if len(kinds) == 1 else Coverage.UNKNOWN


def _finish_payment(payment: _PaymentDraft, source: str) -> Document:
    claims = tuple(_finish_claim(claim, payment.payee) for claim in payment.claims)
    return Document(
        source=source,
        kind=DocumentKind.ERA835,
        format=Format.X12,
        coverage=_document_coverage(claims),
        payer=payment.payer,
        payee=payment.payee,
        notice_date=payment.production_date or payment.bpr_date,
        claims=claims,
        warnings=tuple(payment.warnings),
        payment_total=payment.total,
        # BPR16 is the day the money moves; DTM*405 (production date) when BPR16 is missing.
        payment_date=payment.bpr_date or payment.production_date,
        provider_adjustments=tuple(payment.plb),
        trace_number=payment.trace,
    )


# --- the state machine over the segments --------------------------------------------------


class _Extraction:
    """Walks the segments once, opening and closing payments (ST … SE)."""

    def __init__(self, reader: X12Reader, source: str) -> None:
        self.reader = reader
        self.source = source
        self.documents: list[Document] = []
        self.payment: _PaymentDraft | None = None
        self.other_types: list[str] = []
        self.skipping = False
        self.pending: list[str] = []
        self.seen_warnings = 0
        self.group_sets = 0

    def run(self) -> list[Document]:
        warnings = self.reader.warnings
        for segment in self.reader:
            if len(warnings) != self.seen_warnings:
                self.take_reader_warnings()
            self.feed(segment)
        self.take_reader_warnings()
        self.finish()
        return self.documents

    def take_reader_warnings(self) -> None:
        """Give the reader's new warnings to the payment being read (or the next one)."""
        new = self.reader.warnings[self.seen_warnings :]
        self.seen_warnings = len(self.reader.warnings)
        if self.payment is not None:
            for message in new:
                self.payment.warn(message)
        else:
            self.pending.extend(new)

    def feed(self, segment: Segment) -> None:
        name = segment.id
        if name in ENVELOPE:
            self.envelope(segment)
            return
        if name == "ST":
            self.start(segment)
            return
        if self.skipping:
            self.skipping = name != "SE"
            return
        payment = self.payment
        if payment is None:
            payment = self.open("", implicit=True)
        if not segment.complete and name not in CLOSING:
            payment.warn(
                "The file was cut off in the middle of its last segment; we left that part out."
            )
            return
        payment.segments += 1
        if name == "SE":
            self.end(segment)
            return
        handler = HANDLERS.get(name)
        if handler is not None:
            handler(payment, segment)

    def envelope(self, segment: Segment) -> None:
        """GS/GE: count the transaction sets of a group (GE01 must equal their number)."""
        if segment.id == "GS":
            self.group_sets = 0
        elif (
            segment.id == "GE"
            and segment.get(1).isdigit()
            and int(segment.get(1)) != self.group_sets
        ):
            message = (
                f"The file says its group holds {int(segment.get(1))} payment records, but we "
                f"found {self.group_sets}. Part of the file may be missing."
            )
            self.attach(message)

    def attach(self, message: str) -> None:
        """A warning about the file as a whole, on the payment being read or the last one."""
        if self.payment is not None:
            self.payment.warn(message)
        elif self.documents:
            last = self.documents[-1]
            self.documents[-1] = replace(last, warnings=(*last.warnings, message))
        else:
            self.pending.append(message)

    def start(self, segment: Segment) -> None:
        """ST opens a transaction set; only 835 (health care claim payment) is read."""
        if self.payment is not None:
            self.payment.warn(
                f"The payment record {self.payment.control or ''} has no end marker (SE); "
                "the next one starts before it ends. Part of it may be missing."
            )
            self.close()
        self.group_sets += 1
        kind = segment.get(1)
        if kind != "835":
            self.other_types.append(kind)
            self.skipping = True
            return
        self.skipping = False
        self.open(segment.get(2))

    def open(self, control: str, implicit: bool = False) -> _PaymentDraft:
        payment = _PaymentDraft(control=control)
        payment.segments = 0 if implicit else 1
        if implicit:
            payment.warn(
                "The file does not mark where its payment record starts (no ST segment); "
                "we read it anyway."
            )
        for message in self.pending:
            payment.warn(message)
        self.pending = []
        self.payment = payment
        return payment

    def end(self, segment: Segment) -> None:
        """SE closes the set: SE01 counts its segments (ST and SE included), SE02 repeats ST02."""
        payment = self.payment
        assert payment is not None
        declared = segment.get(1)
        if declared.isdigit() and int(declared) != payment.segments:
            payment.warn(
                f"The payment record {payment.control} says it holds {int(declared)} segments, but "
                f"we found {payment.segments}. Part of it may be missing or damaged."
            )
        if payment.control and segment.get(2) and segment.get(2) != payment.control:
            payment.warn(
                f"The payment record {payment.control} ends with the number {segment.get(2)}; "
                "the file may have been put together from pieces."
            )
        self.close()

    def close(self) -> None:
        payment = self.payment
        if payment is not None:
            self.documents.append(_finish_payment(payment, self.source))
        self.payment = None

    def finish(self) -> None:
        """End of file: an open payment was cut off; say how much of it we read."""
        payment = self.payment
        if payment is not None:
            claim = payment.claim
            if claim is not None:
                count = len(claim.lines)
                payment.warn(
                    f"The file ends in the middle of {claim.where}; we read {count} of its lines."
                )
            else:
                payment.warn(
                    "The file ends before the end of its payment record; "
                    "some claims may be missing."
                )
            self.close()
        if self.pending and self.documents:
            last = self.documents[-1]
            self.documents[-1] = replace(last, warnings=(*last.warnings, *self.pending))


def extract_era(data: bytes, source: str) -> list[Document]:
    """Read an 835 file into one Document per payment (ST/SE transaction set)."""
    extraction = _Extraction(X12Reader(data, source), source)
    documents = extraction.run()
    if documents:
        return documents
    if extraction.other_types:
        kinds = ", ".join(sorted(set(extraction.other_types)))
        raise UnsupportedDocument(
            f"“{source}” is an X12 file of type {kinds}, not an 835 remittance. "
            "We can only explain 835 files.",
            source=source,
        )
    raise UnreadableDocument(f"We found no 835 payment record in “{source}”.", source=source)
