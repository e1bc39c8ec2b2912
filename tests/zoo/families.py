"""The families: which papers a case holds and which scenario its bill plays.

Each family is a function that fills a `Case` from its own random generator; everything that
varies inside a family (layout, look, wordings, scenario) is drawn independently.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import vocab
from .msn import msn_claims, msn_pdf
from .scenario import MEDICARE_SCENARIOS, bill_for
from .statement import statement_pdf
from .truth import DME, PART_B, Case, Service

Family = Callable[[random.Random, Case], None]


def _msn_and_bill(rng: random.Random, case: Case, *, layout: str, catalog: tuple[Service, ...] = PART_B,
                  providers: tuple[str, ...] = vocab.PROVIDERS, part: str = "B",
                  scenarios: tuple[str, ...] = MEDICARE_SCENARIOS, aging: bool = False,
                  summary: bool = False, denied: bool = False, bill: bool = True) -> None:
    claims = msn_claims(rng, catalog, n_claims=rng.randrange(1, 4), providers=providers,
                        denied=denied, one_date=layout == "heading")
    case.files["msn.pdf"] = msn_pdf(rng, case, "msn.pdf", claims, layout=layout, part=part)
    case.args += ["--notice", "msn.pdf"]
    if not bill:
        return
    cl = rng.choice([c for c in claims if any(not pl.denied for pl in c.lines)])
    scenario = rng.choice(scenarios)
    mismatch = scenario == "mismatch"
    bl = bill_for(rng, case, cl.lines, "clean" if mismatch else scenario, spare=catalog)
    case.files["bill.pdf"] = statement_pdf(rng, case, "bill.pdf", cl.provider, bl, aging=aging,
                                           summary=summary, mismatch=mismatch)
    case.args += ["--bill", "bill.pdf"]


def msn_b_daterows(rng: random.Random, case: Case) -> None:
    """The issue's first case: CMS layout, each date of service its own row above its services."""
    _msn_and_bill(rng, case, layout="daterows")


def msn_b_heading(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout="heading")


def msn_b_classic(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout="classic")


def msn_b_denied(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")), denied=True,
                  scenarios=("clean",), bill=rng.random() < 0.5)


def msn_dme(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading")), catalog=DME,
                  providers=vocab.DME_SUPPLIERS, part="DME",
                  scenarios=("clean", "clean", "contractual", "exceeds", "duplicate"))


def msn_b_qmb(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")),
                  scenarios=("qmb", "qmb", "qmb_clean"))


def stmt_aging(rng: random.Random, case: Case) -> None:
    """Statements with an aging box: the box feeds totals, never lines."""
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")), aging=True,
                  scenarios=("clean", "clean", "clean", "contractual", "exceeds"))


def stmt_summary(rng: random.Random, case: Case) -> None:
    """Statements with an account summary; some whose balance does not add up."""
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")), summary=True,
                  aging=rng.random() < 0.3,
                  scenarios=("clean", "clean", "mismatch", "contractual", "not_on_notice"))


FAMILIES: dict[str, Family] = {
    "msn_b_daterows": msn_b_daterows,
    "msn_b_heading": msn_b_heading,
    "msn_b_classic": msn_b_classic,
    "msn_b_denied": msn_b_denied,
    "msn_dme": msn_dme,
    "msn_b_qmb": msn_b_qmb,
    "stmt_aging": stmt_aging,
    "stmt_summary": stmt_summary,
}
