"""The arithmetic of adjudicated lines, and a case's truth in the form score.py reads.

Every amount a family prints comes from a `PaidLine` built here, so the paper and its truth
share one source and can be checked against each other (`check_case`). Sequestration: 2 % of
Medicare's payment before the cut for dates from 2022-07-01 (FACTS.md §1.1, §1.4); the zoo
only uses dates in 2024-2026, all inside that period.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SEQUESTRATION = Decimal("0.02")


def q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def s(x: Decimal) -> str:
    """An amount as truth.json writes it."""
    return f"{q(x):.2f}"


@dataclass(frozen=True)
class Service:
    """A procedure with a plausible charge band; descriptions are our own lay words."""

    code: str
    desc: str
    lo: int
    hi: int


PART_B = (
    Service("99213", "Office visit, established patient, low complexity", 110, 190),
    Service("99214", "Office/outpatient visit, established patient", 160, 260),
    Service("99215", "Office visit, established patient, high complexity", 230, 360),
    Service("99203", "Office visit, new patient", 150, 240),
    Service("99204", "Office visit, new patient, moderate complexity", 240, 380),
    Service("99310", "Nursing facility visit, subsequent", 180, 300),
    Service("36415", "Collection of venous blood by needle", 12, 30),
    Service("80053", "Comprehensive metabolic panel blood test", 40, 95),
    Service("85025", "Complete blood count with automated differential", 25, 70),
    Service("83036", "Hemoglobin A1C blood test", 30, 75),
    Service("71046", "Chest x-ray, two views", 90, 210),
    Service("93000", "Electrocardiogram with interpretation and report", 60, 140),
    Service("97110", "Therapeutic exercises, each 15 minutes", 70, 140),
    Service("97140", "Manual therapy techniques, each 15 minutes", 65, 130),
    Service("G0439", "Annual wellness visit, subsequent", 160, 240),
    Service("20610", "Joint injection or aspiration, major joint", 150, 320),
    Service("J1100", "Injection, dexamethasone sodium phosphate, 1 mg", 8, 25),
    Service("81002", "Urinalysis, non-automated, without microscopy", 10, 30),
    Service("11721", "Debridement of nails, six or more", 70, 150),
    Service("73562", "X-ray of knee, three views", 110, 230),
)

DME = (
    Service("E0601", "Continuous positive airway pressure (CPAP) device", 95, 180),
    Service("A7030", "Full face mask used with positive airway pressure device", 140, 220),
    Service("A7037", "Tubing used with positive airway pressure device", 30, 70),
    Service("E0114", "Crutches, underarm, pair", 60, 120),
    Service("E1390", "Oxygen concentrator, single delivery port", 180, 320),
    Service("K0001", "Standard wheelchair", 90, 200),
    Service("A4253", "Blood glucose test strips, per 50", 30, 70),
    Service("E0143", "Walker, folding, wheeled", 90, 170),
)

HOSPITAL = (
    Service("99284", "Emergency department visit, high severity", 900, 1900),
    Service("74177", "CT scan of abdomen and pelvis with contrast", 1800, 4200),
    Service("96374", "Intravenous push, single or initial drug", 180, 420),
    Service("J2405", "Injection, ondansetron, per 1 mg", 20, 80),
    Service("80048", "Basic metabolic panel blood test", 90, 260),
    Service("85025", "Complete blood count with automated differential", 70, 190),
    Service("81001", "Urinalysis, automated, with microscopy", 40, 120),
    Service("71045", "Chest x-ray, single view", 250, 600),
    Service("93005", "Electrocardiogram, tracing only", 150, 420),
    Service("36415", "Collection of venous blood by needle", 25, 60),
)


def money_between(rng: random.Random, lo: float, hi: float) -> Decimal:
    return q(Decimal(str(round(rng.uniform(lo, hi), 2))))


def some_date(rng: random.Random, start: date = date(2024, 1, 8), days: int = 900) -> date:
    return start + timedelta(days=rng.randrange(days))


@dataclass
class PaidLine:
    """One adjudicated service line. `patient` is what the payer says the patient may owe."""

    dos: date
    code: str
    desc: str
    billed: Decimal
    allowed: Decimal
    deductible: Decimal = ZERO
    coinsurance: Decimal = ZERO
    copay: Decimal = ZERO
    cut: Decimal = ZERO  # sequestration (CO 253) taken from the payer's payment
    paid: Decimal = ZERO
    denied: bool = False
    noncovered: Decimal = ZERO

    @property
    def patient(self) -> Decimal:
        return self.deductible + self.coinsurance + self.copay + self.noncovered

    @property
    def contractual(self) -> Decimal:
        """The write-off: what was billed beyond the allowed amount."""
        return self.billed - self.allowed - self.noncovered

    def balanced(self) -> bool:
        if self.denied:
            return self.paid == ZERO and self.allowed == ZERO
        return self.allowed == self.paid + self.cut + self.deductible + self.coinsurance + self.copay


def medicare_line(rng: random.Random, svc: Service, dos: date, deductible_left: Decimal,
                  *, unassigned: bool = False) -> PaidLine:
    """An Original Medicare 80/20 line, 2 % sequestration taken after deductible and
    coinsurance (FACTS.md §1.4). On an unassigned claim `allowed` is the non-par amount."""
    billed = money_between(rng, svc.lo, svc.hi)
    allowed = q(billed * Decimal(str(rng.uniform(0.38, 0.78))))
    ded = min(deductible_left, allowed)
    coins = q((allowed - ded) * Decimal("0.2"))
    before_cut = allowed - ded - coins
    cut = q(before_cut * SEQUESTRATION)
    return PaidLine(dos, svc.code, svc.desc, billed, allowed, deductible=ded, coinsurance=coins,
                    cut=cut, paid=before_cut - cut)


def denied_line(rng: random.Random, svc: Service, dos: date) -> PaidLine:
    billed = money_between(rng, svc.lo, svc.hi)
    return PaidLine(dos, svc.code, svc.desc, billed, ZERO, denied=True)


def plan_line(rng: random.Random, svc: Service, dos: date, *, copay: Decimal = ZERO,
              coins_rate: Decimal = Decimal("0.2"), deductible_left: Decimal = ZERO,
              sequestration: bool = False) -> PaidLine:
    """A plan-adjudicated line (commercial, Medicare Advantage, Medicaid)."""
    billed = money_between(rng, svc.lo, svc.hi)
    allowed = q(billed * Decimal(str(rng.uniform(0.35, 0.8))))
    cp = min(copay, allowed)
    ded = min(deductible_left, allowed - cp)
    coins = q((allowed - cp - ded) * coins_rate)
    before_cut = allowed - cp - ded - coins
    cut = q(before_cut * SEQUESTRATION) if sequestration else ZERO
    return PaidLine(dos, svc.code, svc.desc, billed, allowed, deductible=ded, coinsurance=coins,
                    copay=cp, cut=cut, paid=before_cut - cut)


@dataclass
class Case:
    """One case folder: its papers and its truth."""

    family: str
    name: str
    index: int = 1  # the case's number in its family: scenarios cycle by it
    files: dict[str, bytes] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    lines: list[dict[str, str]] = field(default_factory=list)
    adjustments: list[dict[str, str]] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    # printed amounts the self-check looks for in each paper's text: file -> amounts
    printed: dict[str, list[str]] = field(default_factory=dict)
    # sums the paper claims (label, parts, printed total) for the self-check
    sums: list[tuple[str, list[Decimal], Decimal]] = field(default_factory=list)
    paid_lines: list[PaidLine] = field(default_factory=list)
    rendered_from: dict[str, bytes] = field(default_factory=dict)  # photo -> the PDF it shows
    notes: list[str] = field(default_factory=list)  # what this case is about, for humans

    def pick(self, options: tuple[str, ...]) -> str:
        """Scenarios cycle through a family's cases, so every family holds each of them."""
        return options[(self.index - 1) % len(options)]

    def line(self, source: str, pl: PaidLine | None = None, *, dos: date | None = None,
             code: str | None = None, amounts: dict[str, Decimal]) -> None:
        """A truth line: the amounts (billed, allowed, paid, patient_owes) the paper prints."""
        row: dict[str, str] = {"source": source}
        d = dos if dos is not None else (pl.dos if pl else None)
        if d is not None:
            row["date_of_service"] = d.isoformat()
        c = code if code is not None else (pl.code if pl else None)
        if c:
            row["procedure_code"] = c
            self.code(c)
        for k, v in amounts.items():
            row[k] = s(v)
            self.printed.setdefault(source, []).append(s(v))
        self.lines.append(row)

    def adjustment(self, source: str, group: str, reason: str, amount: Decimal) -> None:
        if amount == ZERO:
            return
        self.adjustments.append({"source": source, "group": group, "reason": reason,
                                 "amount": s(amount)})
        self.code(group)
        self.code(reason)

    def finding(self, rule: str, amount: Decimal | None = None) -> None:
        f = {"rule": rule}
        if amount is not None:
            f["amount"] = s(amount)
        self.findings.append(f)

    def code(self, c: str) -> None:
        if c not in self.codes:
            self.codes.append(c)

    def add_sum(self, label: str, parts: list[Decimal], total: Decimal) -> None:
        self.sums.append((label, list(parts), total))

    def truth(self) -> dict[str, Any]:
        return {"args": self.args, "lines": self.lines, "adjustments": self.adjustments,
                "findings": self.findings, "codes": self.codes,
                "zoo": {"family": self.family, "notes": self.notes}}


def check_case(case: Case) -> list[str]:
    """The case's own arithmetic and truth consistency; returns the problems found."""
    problems = []
    for pl in case.paid_lines:
        if not pl.balanced():
            problems.append(f"line {pl.code} {pl.dos}: allowed {pl.allowed} != paid + shares")
        if pl.cut and abs(pl.cut - SEQUESTRATION * (pl.paid + pl.cut)) > CENT:
            problems.append(f"line {pl.code}: CO 253 {pl.cut} is not 2% of {pl.paid + pl.cut}")
        if pl.billed < pl.allowed:
            problems.append(f"line {pl.code}: billed {pl.billed} < allowed {pl.allowed}")
    for label, parts, total in case.sums:
        if sum(parts, ZERO) != total:
            problems.append(f"{label}: {sum(parts, ZERO)} != printed {total}")
    files = set(case.files)
    for i, a in enumerate(case.args):
        valued = i > 0 and case.args[i - 1] in ("--coverage", "--received")
        if not a.startswith("--") and not valued and a not in files:
            problems.append(f"argument {a} is not a file of the case")
    for row in case.lines:
        if row["source"] not in files:
            problems.append(f"truth line names {row['source']}, not a file of the case")
    for f in case.findings:
        if f["rule"] not in RULE_IDS:
            problems.append(f"finding rule {f['rule']} is not in RULES.md")
    return problems


RULE_IDS = {
    "contractual-billed-to-patient", "bill-exceeds-notice", "sequestration-amount-wrong",
    "sequestration-unexpected", "duplicate-charge", "service-not-on-notice", "date-mismatch",
    "provider-mismatch", "line-denied", "arithmetic-mismatch", "payment-total-mismatch",
    "qmb-billed", "limiting-charge-exceeded", "appeal-deadline", "unknown-code",
}
