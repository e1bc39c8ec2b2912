"""Build 835 remittance text from Python objects, for tests and benchmarks.

Amounts left out are computed so that the file balances (line charge = payment +
adjustments; claim = sum of its lines; BPR02 = claim payments − PLB): a test changes one
figure on purpose to make it not balance. Separators, envelope, newlines, BOM and a
collapsed ISA are all choices of `build_835`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    """An X12 R element: no trailing zeros beyond the cents, no '+'."""
    text = f"{value.quantize(CENT):f}"
    return text[:-3] if text.endswith(".00") else text


@dataclass(frozen=True)
class Cas:
    """One CAS triplet."""

    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None = None


@dataclass(frozen=True)
class Line:
    """One SVC loop. `paid` defaults to billed − adjustments."""

    billed: Decimal
    procedure: str = "99213"
    modifiers: tuple[str, ...] = ()
    qualifier: str = "HC"
    adjustments: tuple[Cas, ...] = ()
    paid: Decimal | None = None
    units: Decimal | None = Decimal("1")
    allowed: Decimal | None = None
    remarks: tuple[str, ...] = ()
    service_date: date | None = date(2024, 3, 4)
    through: date | None = None
    control: str | None = None

    @property
    def payment(self) -> Decimal:
        if self.paid is not None:
            return self.paid
        return self.billed - sum((cas.amount for cas in self.adjustments), ZERO)


@dataclass(frozen=True)
class ClaimSpec:
    """One CLP loop. Billed/paid/patient share default to the sums over the lines."""

    number: str
    lines: tuple[Line, ...] = ()
    status: str = "1"
    filing: str = "MB"
    billed: Decimal | None = None
    paid: Decimal | None = None
    patient_owes: Decimal | None = None
    adjustments: tuple[Cas, ...] = ()
    remarks: tuple[str, ...] = ()
    inpatient_remarks: tuple[str, ...] = ()
    patient: tuple[str, str] = ("DOE", "JANE")
    provider: str | None = "SMITH"
    date_from: date | None = None
    date_through: date | None = None
    received: date | None = None

    @property
    def charge(self) -> Decimal:
        if self.billed is not None:
            return self.billed
        return sum((line.billed for line in self.lines), ZERO)

    @property
    def payment(self) -> Decimal:
        if self.paid is not None:
            return self.paid
        lines = sum((line.payment for line in self.lines), ZERO)
        return (
            lines - sum((cas.amount for cas in self.adjustments), ZERO)
            if self.lines
            else (self.charge - sum((cas.amount for cas in self.adjustments), ZERO))
        )

    @property
    def owes(self) -> Decimal:
        if self.patient_owes is not None:
            return self.patient_owes
        every = [*self.adjustments, *(cas for line in self.lines for cas in line.adjustments)]
        return sum((cas.amount for cas in every if cas.group == "PR"), ZERO)


@dataclass(frozen=True)
class Plb:
    """One PLB pair: reason code, reference, amount (positive takes money off the payment)."""

    reason: str
    reference: str | None
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    """One ST/SE transaction set."""

    claims: tuple[ClaimSpec, ...] = ()
    payer: str = "MEDICARE PART B"
    payee: str = "SMALL CLINIC"
    total: Decimal | None = None
    paid_on: date | None = date(2024, 3, 15)
    produced_on: date = date(2024, 3, 13)
    trace: str = "EFT0001"
    plb: tuple[Plb, ...] = ()
    control: str = "0001"
    se_count: int | None = None

    @property
    def amount(self) -> Decimal:
        if self.total is not None:
            return self.total
        claims = sum((claim.payment for claim in self.claims), ZERO)
        return claims - sum((plb.amount for plb in self.plb), ZERO)


@dataclass(frozen=True)
class Delimiters:
    """The four separators; `newline` is written after each terminator."""

    element: str = "*"
    segment: str = "~"
    component: str = ":"
    repetition: str = "^"
    newline: str = "\n"


def _d(day: date) -> str:
    return day.strftime("%Y%m%d")


# --- segments, as lists of elements ------------------------------------------------------


def _line_segments(line: Line, component: str) -> list[list[str]]:
    procedure = component.join([line.qualifier, line.procedure, *line.modifiers])
    units = money(line.units) if line.units is not None else ""
    rows = [["SVC", procedure, money(line.billed), money(line.payment), "", units]]
    if line.service_date and line.through:
        rows += [["DTM", "150", _d(line.service_date)], ["DTM", "151", _d(line.through)]]
    elif line.service_date:
        rows.append(["DTM", "472", _d(line.service_date)])
    rows += _cas_segments(line.adjustments)
    if line.control:
        rows.append(["REF", "6R", line.control])
    if line.allowed is not None:
        rows.append(["AMT", "B6", money(line.allowed)])
    rows += [["LQ", "HE", remark] for remark in line.remarks]
    return rows


def _cas_segments(adjustments: tuple[Cas, ...]) -> list[list[str]]:
    """One CAS per group, up to six triplets each (X12 835 CAS02-CAS19)."""
    rows: list[list[str]] = []
    groups: dict[str, list[Cas]] = {}
    for cas in adjustments:
        groups.setdefault(cas.group, []).append(cas)
    for group, items in groups.items():
        for start in range(0, len(items), 6):
            row = ["CAS", group]
            for cas in items[start : start + 6]:
                quantity = money(cas.quantity) if cas.quantity is not None else ""
                row += [cas.reason, money(cas.amount), quantity]
            while row[-1] == "":
                row.pop()
            rows.append(row)
    return rows


def _claim_segments(claim: ClaimSpec, component: str) -> list[list[str]]:
    rows = [
        [
            "CLP", claim.number, claim.status, money(claim.charge), money(claim.payment),
            money(claim.owes) if claim.owes else "", claim.filing, "PCN" + claim.number, "11", "1",
        ]
    ]  # fmt: skip
    rows += _cas_segments(claim.adjustments)
    rows.append(
        ["NM1", "QC", "1", claim.patient[0], claim.patient[1], "", "", "", "MI", "1EG4TE5MK72"]
    )
    if claim.provider:
        rows.append(["NM1", "82", "1", claim.provider, "ANNA", "", "", "", "XX", "1234567893"])
    if claim.inpatient_remarks:
        rows.append(["MIA", "0", "", "", "", claim.inpatient_remarks[0]])
    if claim.remarks:
        rows.append(["MOA", "", "", *claim.remarks[:5]])
    if claim.received:
        rows.append(["DTM", "050", _d(claim.received)])
    if claim.date_from:
        rows.append(["DTM", "232", _d(claim.date_from)])
    if claim.date_through:
        rows.append(["DTM", "233", _d(claim.date_through)])
    for line in claim.lines:
        rows += _line_segments(line, component)
    return rows


def _plb_segments(payment: Payment, component: str) -> list[list[str]]:
    rows = []
    for start in range(0, len(payment.plb), 6):
        row = ["PLB", "1234567893", "20241231"]
        for plb in payment.plb[start : start + 6]:
            reason = component.join([plb.reason, plb.reference]) if plb.reference else plb.reason
            row += [reason, money(plb.amount)]
        rows.append(row)
    return rows


def payment_segments(payment: Payment, component: str = ":") -> list[list[str]]:
    """ST … SE of one payment; SE01 counts them unless `se_count` says otherwise."""
    paid_on = _d(payment.paid_on) if payment.paid_on else ""
    rows = [
        ["ST", "835", payment.control],
        [
            "BPR", "I", money(abs(payment.amount)), "D" if payment.amount < 0 else "C", "ACH", "CCP",
            "01", "011000015", "DA", "123456", "1512345678", "", "01", "021000021", "DA",
            "654321", paid_on,
        ],
        ["TRN", "1", payment.trace, "1512345678"],
        ["DTM", "405", _d(payment.produced_on)],
        ["N1", "PR", payment.payer],
        ["N3", "PO BOX 1"],
        ["N4", "ANYTOWN", "PA", "17000"],
        ["PER", "BL", "", "TE", "8005551212"],
        ["N1", "PE", payment.payee, "XX", "1234567893"],
    ]  # fmt: skip
    if payment.claims:
        rows.append(["LX", "1"])
    for claim in payment.claims:
        rows += _claim_segments(claim, component)
    rows += _plb_segments(payment, component)
    count = payment.se_count if payment.se_count is not None else len(rows) + 1
    rows.append(["SE", str(count), payment.control])
    return rows


def _isa(delimiters: Delimiters, collapse: bool, control: str) -> list[str]:
    """ISA with its fixed widths (X12.5), or with the padding collapsed as S09 has it."""
    fields = [
        ("00", 2), ("", 10), ("00", 2), ("", 10), ("ZZ", 2), ("PAYER", 15), ("ZZ", 2),
        ("CLINIC", 15), ("240313", 6), ("1200", 4), (delimiters.repetition, 1), ("00501", 5),
        (control, 9), ("0", 1), ("P", 1), (delimiters.component, 1),
    ]  # fmt: skip
    if collapse:
        return ["ISA", *(value or " " for value, _ in fields)]
    return ["ISA", *(value.ljust(width) for value, width in fields)]


def _trimmed(row: list[str]) -> list[str]:
    """No trailing empty elements: X12 forbids a segment ending in element separators."""
    end = len(row)
    while end > 1 and row[end - 1] == "" and row[0] != "ISA":
        end -= 1
    return row[:end]


def build_835(
    payments: Payment | list[Payment],
    *,
    delimiters: Delimiters | None = None,
    envelope: bool = True,
    collapse_isa: bool = False,
    bom: bool = False,
    cut_at: int | None = None,
) -> bytes:
    """The 835 file: ISA/GS … GE/IEA around the payments (unless `envelope` is False).

    `cut_at` truncates the bytes there, as a failed download would.
    """
    delimiters = delimiters or Delimiters()
    items = payments if isinstance(payments, list) else [payments]
    rows: list[list[str]] = []
    for payment in items:
        rows += payment_segments(payment, delimiters.component)
    if envelope:
        rows = [
            _isa(delimiters, collapse_isa, "000000001"),
            ["GS", "HP", "PAYER", "CLINIC", "20240313", "1200", "1", "X", "005010X221A1"],
            *rows,
            ["GE", str(len(items)), "1"],
            ["IEA", "1", "000000001"],
        ]
    end = delimiters.segment + delimiters.newline
    text = end.join(delimiters.element.join(_trimmed(row)) for row in rows) + end
    data = text.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    return data[:cut_at] if cut_at is not None else data


# --- ready-made claims ---------------------------------------------------------------------


def medicare_line(
    billed: Decimal,
    allowed: Decimal,
    *,
    deductible: Decimal = ZERO,
    rate: Decimal = Decimal("0.02"),
    procedure: str = "99214",
    remarks: tuple[str, ...] = (),
    service_date: date = date(2024, 3, 4),
) -> Line:
    """An Original Medicare Part B line: CO-45 write-off, PR-1/PR-2, then CO 253.

    Medicare pays 80% of (allowed − deductible); the cut is `rate` of that payment, taken
    after deductible and coinsurance (FACTS.md §1.4).
    """
    before_cut = ((allowed - deductible) * Decimal("0.80")).quantize(CENT, ROUND_HALF_UP)
    coinsurance = allowed - deductible - before_cut
    cut = (before_cut * rate).quantize(CENT, ROUND_HALF_UP)
    adjustments = [Cas("CO", "45", billed - allowed)]
    if deductible:
        adjustments.append(Cas("PR", "1", deductible))
    adjustments.append(Cas("PR", "2", coinsurance))
    if cut:
        adjustments.append(Cas("CO", "253", cut))
    return Line(
        billed=billed,
        procedure=procedure,
        adjustments=tuple(adjustments),
        allowed=allowed,
        remarks=remarks,
        service_date=service_date,
    )


def qmb_claim(number: str = "QMB1") -> ClaimSpec:
    """A Medicare claim for a Qualified Medicare Beneficiary: N781/N782 on the lines."""
    line = medicare_line(Decimal("150.00"), Decimal("100.00"), remarks=("N781", "N782"))
    return ClaimSpec(number=number, lines=(line,), remarks=("MA01",))


def denied_claim(number: str = "DEN1", reason: str = "50") -> ClaimSpec:
    """CLP02 4: nothing paid; the whole charge under CO `reason`."""
    line = Line(billed=Decimal("200.00"), adjustments=(Cas("CO", reason, Decimal("200.00")),))
    return ClaimSpec(number=number, status="4", lines=(line,), remarks=("MA01",))


def reversal_of(claim: ClaimSpec, *, negate_cas: bool = True) -> ClaimSpec:
    """CLP02 22: the claim repeated with charge, payment and (per the TR3) CAS negated.

    `negate_cas=False` writes the CAS amounts unchanged, as some payers do.
    """
    sign = Decimal(-1)

    def flip(items: tuple[Cas, ...]) -> tuple[Cas, ...]:
        return (
            tuple(replace(cas, amount=cas.amount * sign) for cas in items) if negate_cas else items
        )

    lines = tuple(
        replace(
            line,
            billed=line.billed * sign,
            paid=line.payment * sign,
            adjustments=flip(line.adjustments),
            units=None,
        )
        for line in claim.lines
    )
    return replace(
        claim,
        status="22",
        lines=lines,
        adjustments=flip(claim.adjustments),
        billed=claim.charge * sign,
        paid=claim.payment * sign,
        patient_owes=claim.owes * sign if negate_cas else claim.owes,
    )


def many_claims(count: int, *, lines: int = 2) -> Payment:
    """A large Medicare payment for benchmarks: CAS and LQ on every line."""
    claims = tuple(
        ClaimSpec(
            number=f"C{number:07d}",
            lines=tuple(
                medicare_line(Decimal("150.00") + index, Decimal("100.00"), remarks=("N130",))
                for index in range(lines)
            ),
        )
        for number in range(count)
    )
    return Payment(claims=claims)


__all__ = [
    "Cas",
    "ClaimSpec",
    "Delimiters",
    "Line",
    "Payment",
    "Plb",
    "build_835",
    "denied_claim",
    "many_claims",
    "medicare_line",
    "money",
    "payment_segments",
    "qmb_claim",
    "reversal_of",
]
