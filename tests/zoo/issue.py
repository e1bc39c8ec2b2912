"""The four papers issue 13 names, rebuilt with their printed amounts; everything around them
(looks, wordings, the other lines) still varies with the case's generator."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from . import vocab
from .eob import EobClaim, provider_eob_pdf
from .msn import MsnClaim, msn_claims, msn_pdf
from .render import random_look
from .scenario import bill_for
from .statement import statement_pdf
from .truth import PART_B, ZERO, Case, PaidLine, medicare_line, plan_line

D = Decimal


def issue_cases(rng: random.Random, case: Case) -> None:
    kind = case.pick(("msn_date_rows", "spaceless_eob", "aging", "summary"))
    case.notes.append(f"issue 13: {kind}")
    if kind == "spaceless_eob":
        _spaceless_eob(rng, case)
        return
    claims = _msn_with_the_issue_line(rng) if kind == "msn_date_rows" else \
        msn_claims(rng, PART_B, n_claims=rng.randrange(1, 3), providers=vocab.PROVIDERS)
    case.files["msn.pdf"] = msn_pdf(rng, case, "msn.pdf", claims, layout="daterows")
    bl = bill_for(rng, case, claims[0].lines, "clean", spare=PART_B)
    case.files["bill.pdf"] = statement_pdf(rng, case, "bill.pdf", claims[0].provider, bl,
                                           aging=kind == "aging", summary=kind == "summary")
    case.args += ["--notice", "msn.pdf", "--bill", "bill.pdf"]


def _msn_with_the_issue_line(rng: random.Random) -> list[MsnClaim]:
    """"Jan 14, 2025" then "Office/outpatient visit, est (99214) | Yes | $210.00 | $128.11 |
    $0.00 | $128.11 | A": the whole approved amount went to the deductible."""
    visit = PaidLine(date(2025, 1, 14), "99214", "Office/outpatient visit, est", D("210.00"),
                     D("128.11"), deductible=D("128.11"), paid=ZERO)
    claim = MsnClaim(rng.choice(vocab.PROVIDERS), "12-25020-104-330", [visit])
    later = date(2025, 1, 14 + rng.randrange(1, 15))
    for svc in rng.sample([s for s in PART_B if s.code != "99214"], rng.randrange(1, 3)):
        claim.lines.append(medicare_line(rng, svc, later, ZERO))
    return [claim]


def _spaceless_eob(rng: random.Random, case: Case) -> None:
    """A plan's provider EOB: two claims of one 99310 line each, a space-less text layer,
    RECEIPT DATE rows, three-row headers, TOTALS:, STATEMENT TOTALS:, and "A REDUCTION IN
    PAYMENT OF $2.31 HAS BEEN APPLIED DUE TO SEQUESTRATION" (2 % of $115.50)."""
    svc = next(s for s in PART_B if s.code == "99310")
    first = PaidLine(date(2025, 1, 6), "99310", svc.desc, D("245.00"), D("135.50"),
                     copay=D("20.00"), cut=D("2.31"), paid=D("113.19"))
    second = plan_line(rng, svc, date(2025, 1, 20), copay=D("20.00"), coins_rate=ZERO,
                       sequestration=True)
    claims = [EobClaim(rng.choice(vocab.PROVIDERS), "2025010600417", rng.choice(vocab.PATIENTS),
                       date(2025, 1, 13), [first]),
              EobClaim(rng.choice(vocab.PROVIDERS), "2025012000918", rng.choice(vocab.PATIENTS),
                       date(2025, 1, 27), [second])]
    claims[1].provider = claims[0].provider  # one payee
    look = random_look(rng, text_modes=("spaceless",), allow_landscape=False)
    case.files["eob.pdf"] = provider_eob_pdf(rng, case, "eob.pdf", claims,
                                             rng.choice(vocab.PLANS_MA), look=look,
                                             sequestration=True, sentence=0)
    case.args += ["--notice", "eob.pdf"]
    for cl in claims:  # Medicare Advantage: the cut is `info`, explained (RULES.md)
        case.finding("sequestration-unexpected", cl.cut)
