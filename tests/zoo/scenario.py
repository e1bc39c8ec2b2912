"""What a provider's bill asks for, against what the notice says, and the findings that follow.

Each scenario changes at most one thing from a bill that agrees with its notice, so its truth
names exactly one cause (RULES.md "One cause, one finding"); `clean` changes nothing, and
clean cases are what catch false alerts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from .truth import ZERO, Case, PaidLine, Service, money_between


@dataclass
class BillLine:
    dos: date
    code: str
    desc: str
    charge: Decimal
    paid: Decimal  # the insurer's payment the bill prints
    asked: Decimal  # what the bill asks the patient for this line

    @property
    def adjustment(self) -> Decimal:
        return self.charge - self.paid - self.asked


MEDICARE_SCENARIOS = ("clean", "clean", "clean", "contractual", "exceeds", "not_on_notice",
                      "duplicate", "date_mismatch", "qmb", "qmb_clean")
PLAN_SCENARIOS = ("clean", "clean", "clean", "exceeds", "not_on_notice", "duplicate",
                  "date_mismatch")


def bill_for(rng: random.Random, case: Case, notice_lines: list[PaidLine], scenario: str,
             *, spare: tuple[Service, ...], co_amount: str | None = None) -> list[BillLine]:
    """The bill's lines for the notice's lines of one provider, and the case's findings.

    `co_amount`: on which per-line amount the notice prints under group CO, a bill asking it
    on top of the patient's share is `contractual-billed-to-patient` ("cut" on Original
    Medicare, where the sequestration is implied by the notice's own arithmetic; "contractual"
    where a payer prints the write-off as CO 45)."""
    lines = [pl for pl in notice_lines if not pl.denied]
    bill = [BillLine(pl.dos, pl.code, pl.desc, pl.billed, pl.paid, pl.patient) for pl in lines]
    case.notes.append(f"scenario {scenario}")
    if scenario == "contractual":
        field = co_amount or "cut"
        options = [i for i, pl in enumerate(lines) if getattr(pl, field) > ZERO]
        if options:
            i = rng.choice(options)
            extra = getattr(lines[i], field)
            bill[i].asked += extra
            case.finding("contractual-billed-to-patient", extra)
            return bill
        scenario = "exceeds"
    if scenario == "exceeds":
        i = rng.randrange(len(bill))
        cut = lines[i].cut
        extra = money_between(rng, 4, 45)
        if extra in (cut, lines[i].contractual):
            extra += Decimal("1.17")
        bill[i].asked += extra
        case.finding("bill-exceeds-notice", extra)
    elif scenario == "not_on_notice":
        have = {pl.code for pl in notice_lines}
        svc = rng.choice([sv for sv in spare if sv.code not in have])
        charge = money_between(rng, svc.lo, svc.hi)
        bill.insert(rng.randrange(len(bill) + 1),
                    BillLine(rng.choice(lines).dos, svc.code, svc.desc, charge, ZERO, charge))
        case.finding("service-not-on-notice", charge)
    elif scenario == "duplicate":
        options = [i for i, b in enumerate(bill) if b.asked > ZERO] or list(range(len(bill)))
        i = rng.choice(options)
        bill.insert(i + 1, replace(bill[i]))
        case.finding("duplicate-charge")
    elif scenario == "date_mismatch":
        i = rng.randrange(len(bill))
        bill[i].dos = bill[i].dos + timedelta(days=rng.choice((-3, -2, -1, 1, 2, 7)))
        case.finding("date-mismatch")
    elif scenario == "qmb":
        case.args.append("--qmb")
        options = [i for i, b in enumerate(bill) if b.asked > ZERO]
        if not options:
            return bill
        i = rng.choice(options)
        bill = [bill[i]]
        case.finding("qmb-billed", bill[0].asked)
    elif scenario == "qmb_clean":
        # a QMB's bill that asks nothing: the provider wrote the cost-sharing off
        case.args.append("--qmb")
        for b in bill:
            b.asked = ZERO
    return bill
