"""The families: which papers a case holds and which scenario its bill plays.

Each family is a function that fills a `Case` from its own random generator; everything that
varies inside a family (layout, look, wordings, scenario) is drawn independently.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import typed, vocab
from .eob import member_eob_pdf, plan_claims, provider_eob_pdf
from .issue import issue_cases
from .ledger import itemized_pdf, ledger_pdf
from .msn import MsnClaim, msn_claims, msn_pdf, part_a_claims, unassigned_claims
from .photo import photo_of
from .render import Look, random_look
from .scenario import MEDICARE_SCENARIOS, PLAN_SCENARIOS, bill_for
from .statement import statement_pdf
from .truth import DME, PART_B, Case, Service

Family = Callable[[random.Random, Case], None]


def _msn_and_bill(rng: random.Random, case: Case, *, layout: str, catalog: tuple[Service, ...] = PART_B,
                  providers: tuple[str, ...] = vocab.PROVIDERS, part: str = "B",
                  scenarios: tuple[str, ...] = MEDICARE_SCENARIOS, aging: bool = False,
                  summary: bool = False, denied: bool = False, bill: bool = True,
                  n_claims: tuple[int, int] = (1, 4), look: Look | None = None,
                  typed_bill: bool = False) -> None:
    claims = msn_claims(rng, catalog, n_claims=rng.randrange(*n_claims), providers=providers,
                        denied=denied, one_date=layout == "heading")
    case.files["msn.pdf"] = msn_pdf(rng, case, "msn.pdf", claims, layout=layout, part=part,
                                    look=look)
    case.args += ["--notice", "msn.pdf"]
    if not bill:
        return
    cl = rng.choice([c for c in claims if any(not pl.denied for pl in c.lines)])
    scenario = case.pick(scenarios)
    mismatch = scenario == "mismatch"
    on_notice = {pl.code for c in claims for pl in c.lines}
    spare = tuple(s for s in catalog if s.code not in on_notice)
    bl = bill_for(rng, case, cl.lines, "clean" if mismatch else scenario, spare=spare)
    if typed_bill:
        case.files["bill.txt"] = typed.typed_bill(rng, case, "bill.txt", cl.provider, bl)
        case.args += ["--bill", "bill.txt"]
        return
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


def msn_b_multipage(rng: random.Random, case: Case) -> None:
    """Many claims: tables run over pages, with and without repeated headers."""
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "classic")), n_claims=(4, 7),
                  scenarios=("clean", "clean", "contractual", "exceeds", "not_on_notice"))


def msn_b_textlayer(rng: random.Random, case: Case) -> None:
    """Space-less and letter-spaced text layers."""
    look = random_look(rng, text_modes=("spaceless", "letterspaced"))
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")), look=look,
                  scenarios=("clean", "contractual", "exceeds", "duplicate"))


def msn_b_unassigned(rng: random.Random, case: Case) -> None:
    """Unassigned claims ("Medicare Paid You"); some charge above the limiting charge."""
    over = case.pick(("clean", "over", "clean")) == "over"
    claims = unassigned_claims(rng, over=over)
    if over:
        case.finding("limiting-charge-exceeded")
    case.files["msn.pdf"] = msn_pdf(rng, case, "msn.pdf", claims,
                                    layout=rng.choice(("daterows", "heading", "classic")))
    case.args += ["--notice", "msn.pdf"]


def msn_a(rng: random.Random, case: Case) -> None:
    """Part A facility claims: one row per stay, no procedure code."""
    case.files["msn.pdf"] = msn_pdf(rng, case, "msn.pdf", part_a_claims(rng),
                                    layout=rng.choice(("heading", "classic")), part="A")
    case.args += ["--notice", "msn.pdf"]


def msn_typed_bill(rng: random.Random, case: Case) -> None:
    _msn_and_bill(rng, case, layout=rng.choice(("daterows", "heading", "classic")),
                  typed_bill=True)


def _plan_and_bill(rng: random.Random, case: Case, *, kind: str, plan: str,
                   scenarios: tuple[str, ...], provider_copy: bool = False, codes: bool = False,
                   sequestration: bool = False, look: Look | None = None,
                   denied: bool = False, typed_notice: bool = False,
                   catalog: tuple[Service, ...] = PART_B, n_claims: tuple[int, int] = (1, 4),
                   max_lines: int = 3) -> None:
    scenario = case.pick(scenarios)
    patients = 1 if not provider_copy or scenario != "none" else rng.randrange(1, 4)
    claims = plan_claims(rng, catalog, kind=kind, n_claims=rng.randrange(*n_claims),
                         providers=vocab.PROVIDERS if not provider_copy
                         else (rng.choice(vocab.PROVIDERS),), patients=patients,
                         sequestration=sequestration or scenario == "seq_unexpected",
                         max_lines=min(max_lines, 2) if sequestration else max_lines,
                         denied=denied)
    if scenario == "seq_unexpected":
        # CO 253 on commercial coverage: the user says which coverage it is
        case.args += ["--coverage", "commercial"]
        claims = claims[:1]
        sequestration = True
        if claims[0].cut:  # a claim whose payment was all deductible shows no cut at all
            case.finding("sequestration-unexpected", claims[0].cut)
    elif sequestration and kind == "ma" and provider_copy:
        # RULES.md: on Medicare Advantage the plan may pass the cut on; the same rule is then
        # `info`, explained — still a finding, one per claim that shows a cut
        for cl in claims:
            if cl.cut:
                case.finding("sequestration-unexpected", cl.cut)
    if typed_notice:
        lines = [pl for cl in claims for pl in cl.lines]
        case.files["eob.txt"] = typed.typed_notice(rng, case, "eob.txt", lines,
                                                   heading=typed.eob_heading(rng, plan),
                                                   provider=claims[0].provider,
                                                   table=rng.random() < 0.4, plan=True)
        notice = "eob.txt"
    elif provider_copy:
        case.files["eob.pdf"] = provider_eob_pdf(rng, case, "eob.pdf", claims, plan, look=look,
                                                 codes=codes, sequestration=sequestration)
        notice = "eob.pdf"
    else:
        case.files["eob.pdf"] = member_eob_pdf(rng, case, "eob.pdf", claims, plan, look=look)
        notice = "eob.pdf"
    case.args += ["--notice", notice]
    if scenario in ("none", "seq_unexpected"):
        return
    cl = rng.choice([c for c in claims if any(not pl.denied for pl in c.lines)])
    on_notice = {pl.code for c in claims for pl in c.lines}
    bl = bill_for(rng, case, cl.lines, scenario, co_amount="contractual",
                  spare=tuple(s for s in PART_B if s.code not in on_notice))
    if typed_notice:
        case.files["bill.txt"] = typed.typed_bill(rng, case, "bill.txt", cl.provider, bl)
        case.args += ["--bill", "bill.txt"]
    else:
        case.files["bill.pdf"] = statement_pdf(rng, case, "bill.pdf", cl.provider, bl,
                                               aging=rng.random() < 0.3, summary=rng.random() < 0.3)
        case.args += ["--bill", "bill.pdf"]


def eob_member_commercial(rng: random.Random, case: Case) -> None:
    _plan_and_bill(rng, case, kind="commercial", plan=rng.choice(vocab.PLANS_COMMERCIAL),
                   scenarios=("none", "none", "none") + PLAN_SCENARIOS[3:], denied=rng.random() < 0.2)


def stmt_after_eob(rng: random.Random, case: Case) -> None:
    """A commercial member EOB and the provider's statement that follows it."""
    _plan_and_bill(rng, case, kind="commercial", plan=rng.choice(vocab.PLANS_COMMERCIAL),
                   scenarios=PLAN_SCENARIOS)


def eob_member_ma(rng: random.Random, case: Case) -> None:
    _plan_and_bill(rng, case, kind="ma", plan=rng.choice(vocab.PLANS_MA),
                   scenarios=("none", "clean", "none", "exceeds", "clean", "not_on_notice"))


def eob_member_medicaid(rng: random.Random, case: Case) -> None:
    _plan_and_bill(rng, case, kind="medicaid", plan=rng.choice(vocab.PLANS_MEDICAID),
                   scenarios=("none", "clean", "none", "exceeds", "duplicate"))


def eob_provider_seq(rng: random.Random, case: Case) -> None:
    """The issue's second case: a Medicare Advantage plan's provider EOB with a space-less or
    letter-spaced text layer, RECEIPT DATE rows, three-row headers, TOTALS:, STATEMENT TOTALS:
    and the sequestration sentence (CO 253 at claim level; on MA it is no warning)."""
    look = random_look(rng, text_modes=("spaceless", "spaceless", "letterspaced", "normal"))
    as_in_issue = case.index % 2 == 1  # two claims of one nursing-facility visit each
    _plan_and_bill(rng, case, kind="ma", plan=rng.choice(vocab.PLANS_MA), scenarios=("none",),
                   provider_copy=True, sequestration=True, look=look,
                   catalog=tuple(s for s in PART_B if s.code == "99310") if as_in_issue else PART_B,
                   n_claims=(2, 3) if as_in_issue else (1, 4), max_lines=1 if as_in_issue else 2)


def eob_provider_codes(rng: random.Random, case: Case) -> None:
    """A commercial provider EOB printing CO 45 / PR 1 / PR 2 / PR 3 per line."""
    _plan_and_bill(rng, case, kind="commercial", plan=rng.choice(vocab.PLANS_COMMERCIAL),
                   scenarios=("none", "clean", "contractual", "seq_unexpected", "exceeds"),
                   provider_copy=True, codes=True)


def eob_provider_landscape(rng: random.Random, case: Case) -> None:
    look = random_look(rng)
    look.landscape = True
    _plan_and_bill(rng, case, kind=rng.choice(("ma", "medicaid")),
                   plan=rng.choice(vocab.PLANS_MA + vocab.PLANS_MEDICAID), scenarios=("none",),
                   provider_copy=True, codes=rng.random() < 0.5, look=look)


def hospital_itemized(rng: random.Random, case: Case) -> None:
    case.files["bill.pdf"] = itemized_pdf(rng, case, "bill.pdf",
                                          scenario=case.pick(("clean", "clean", "duplicate", "mismatch")))
    case.args += ["--bill", "bill.pdf"]


def ledger(rng: random.Random, case: Case) -> None:
    case.files["ledger.pdf"] = ledger_pdf(rng, case, "ledger.pdf",
                                          scenario=case.pick(("clean", "clean", "duplicate", "mismatch",
                                                              "seq_wrong")))
    case.args += ["--bill", "ledger.pdf"]


def _typed_msn(rng: random.Random, case: Case, *, table: bool) -> None:
    claims = msn_claims(rng, PART_B, n_claims=1, providers=vocab.PROVIDERS)
    cl = claims[0]
    notice_date = max(pl.dos for pl in cl.lines)
    case.files["notice.txt"] = typed.typed_notice(
        rng, case, "notice.txt", cl.lines, heading=typed.msn_heading(rng, notice_date),
        provider=cl.provider, claim=cl.number, table=table)
    case.args += ["--notice", "notice.txt"]
    bl = bill_for(rng, case, cl.lines, case.pick(MEDICARE_SCENARIOS), spare=PART_B)
    case.files["bill.txt"] = typed.typed_bill(rng, case, "bill.txt", cl.provider, bl)
    case.args += ["--bill", "bill.txt"]


def typed_msn(rng: random.Random, case: Case) -> None:
    """Notice lines typed as sentences ("1/14/25 99214 charged $210 approved $128.11 ...")."""
    _typed_msn(rng, case, table=False)


def typed_table(rng: random.Random, case: Case) -> None:
    """Notice lines typed as a rough table (pipes, tabs or commas)."""
    _typed_msn(rng, case, table=True)


def typed_eob(rng: random.Random, case: Case) -> None:
    _plan_and_bill(rng, case, kind=rng.choice(("commercial", "ma")),
                   plan=rng.choice(vocab.PLANS_COMMERCIAL + vocab.PLANS_MA),
                   scenarios=PLAN_SCENARIOS, typed_notice=True)


def _one_page_msn(rng: random.Random, case: Case, fname: str) -> tuple[bytes, list[MsnClaim]]:
    look = Look(size=rng.choice((8.5, 9.0)), rules=rng.choice(("ruled", "unruled", "zebra")))
    claims = msn_claims(rng, PART_B, n_claims=1, providers=vocab.PROVIDERS)
    claims[0].lines = claims[0].lines[:4]
    return msn_pdf(rng, case, fname, claims, layout=rng.choice(("daterows", "heading")),
                   look=look), claims


def photo_msn(rng: random.Random, case: Case) -> None:
    """A phone photo of a one-page MSN, and the provider's statement as a PDF."""
    pdf, claims = _one_page_msn(rng, case, "msn.jpg")
    case.rendered_from["msn.jpg"] = pdf
    case.files["msn.jpg"] = photo_of(pdf, rng)
    case.args += ["--notice", "msn.jpg"]
    bl = bill_for(rng, case, claims[0].lines, case.pick(("clean", "contractual", "exceeds")),
                  spare=PART_B)
    case.files["bill.pdf"] = statement_pdf(rng, case, "bill.pdf", claims[0].provider, bl)
    case.args += ["--bill", "bill.pdf"]


def photo_statement(rng: random.Random, case: Case) -> None:
    """An MSN as a PDF, and a phone photo of the provider's one-page statement."""
    pdf, claims = _one_page_msn(rng, case, "msn.pdf")
    case.files["msn.pdf"] = pdf
    case.args += ["--notice", "msn.pdf"]
    bl = bill_for(rng, case, claims[0].lines, case.pick(("clean", "contractual", "exceeds")),
                  spare=PART_B)
    look = Look(size=9.0, rules=rng.choice(("ruled", "unruled", "zebra")))
    bill = statement_pdf(rng, case, "bill.jpg", claims[0].provider, bl, look=look,
                         aging=rng.random() < 0.5)
    case.rendered_from["bill.jpg"] = bill
    case.files["bill.jpg"] = photo_of(bill, rng)
    case.args += ["--bill", "bill.jpg"]


FAMILIES: dict[str, Family] = {
    "msn_b_daterows": msn_b_daterows,
    "msn_b_heading": msn_b_heading,
    "msn_b_classic": msn_b_classic,
    "msn_b_denied": msn_b_denied,
    "msn_dme": msn_dme,
    "msn_b_qmb": msn_b_qmb,
    "stmt_aging": stmt_aging,
    "stmt_summary": stmt_summary,
    "msn_b_multipage": msn_b_multipage,
    "msn_b_textlayer": msn_b_textlayer,
    "msn_b_unassigned": msn_b_unassigned,
    "msn_a": msn_a,
    "msn_typed_bill": msn_typed_bill,
    "eob_member_commercial": eob_member_commercial,
    "stmt_after_eob": stmt_after_eob,
    "eob_member_ma": eob_member_ma,
    "eob_member_medicaid": eob_member_medicaid,
    "eob_provider_seq": eob_provider_seq,
    "eob_provider_codes": eob_provider_codes,
    "eob_provider_landscape": eob_provider_landscape,
    "hospital_itemized": hospital_itemized,
    "ledger": ledger,
    "typed_msn": typed_msn,
    "typed_table": typed_table,
    "typed_eob": typed_eob,
    "photo_msn": photo_msn,
    "photo_statement": photo_statement,
    "issue_cases": issue_cases,
}
