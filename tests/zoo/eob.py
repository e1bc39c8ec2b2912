"""Insurer EOBs: member copies (commercial, Medicare Advantage, Medicaid) and provider copies
(remittance-style, several patients, "RECEIPT DATE:" group rows, per-claim "TOTALS:", a
"STATEMENT TOTALS:" row, adjustment codes, the sequestration sentence).

After insurers' "how to read your EOB" guides (Amount Billed / Plan Discount / Allowed / Plan
Paid / Deductible / Copay / Coinsurance / What You Owe, a claim summary box, remark codes) and
plan provider EOBs whose headers are stacked three rows deep.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from . import vocab
from .render import Col, Look, Paper, Row, random_look
from .truth import ZERO, Case, PaidLine, Service, denied_line, plan_line, some_date

SEQ_SENTENCES = (
    "A REDUCTION IN PAYMENT OF {amt} HAS BEEN APPLIED DUE TO SEQUESTRATION",
    "Payment reduced by {amt} due to federal sequestration.",
    "This claim's payment includes a sequestration reduction of {amt}.",
    "SEQUESTRATION ADJUSTMENT OF {amt} APPLIED TO THIS CLAIM",
    "A {amt} reduction was taken from this payment because of the federal budget sequester.",
)


@dataclass
class EobClaim:
    provider: str
    number: str
    patient: str
    received: date
    lines: list[PaidLine] = field(default_factory=list)

    @property
    def cut(self) -> Decimal:
        return sum((pl.cut for pl in self.lines), ZERO)


def plan_claims(rng: random.Random, catalog: tuple[Service, ...], *, kind: str, n_claims: int,
                providers: tuple[str, ...], patients: int = 1, sequestration: bool = False,
                max_lines: int = 3, denied: bool = False) -> list[EobClaim]:
    """kind: commercial | ma | medicaid (decides copays, coinsurance, deductibles)."""
    start = some_date(rng)
    people = rng.sample(vocab.PATIENTS, patients)
    ded_left = rng.choice((ZERO, Decimal(rng.randrange(50, 800)))) if kind == "commercial" else ZERO
    claims = []
    for _ in range(n_claims):
        d = start + timedelta(days=rng.randrange(0, 30))
        cl = EobClaim(rng.choice(providers), f"{rng.randrange(10**9, 10**10)}{rng.randrange(10, 99)}",
                      rng.choice(people), d + timedelta(days=rng.randrange(3, 20)))
        for svc in rng.sample(catalog, rng.randrange(1, max_lines + 1)):
            if kind == "commercial":
                pl = plan_line(rng, svc, d, copay=Decimal(rng.choice((0, 0, 25, 40))) if
                               svc.code.startswith("99") else ZERO,
                               coins_rate=Decimal(rng.choice(("0.1", "0.2", "0.3"))),
                               deductible_left=ded_left, sequestration=sequestration)
                ded_left -= pl.deductible
            elif kind == "ma":
                pl = plan_line(rng, svc, d, copay=Decimal(rng.choice((0, 10, 20, 35))),
                               coins_rate=Decimal(rng.choice(("0", "0.2"))),
                               sequestration=sequestration)
            else:
                pl = plan_line(rng, svc, d, copay=Decimal(rng.choice((0, 0, 1, 2, 4))),
                               coins_rate=ZERO)
            cl.lines.append(pl)
        claims.append(cl)
    if denied:
        cl = claims[-1]
        svc = rng.choice([s for s in catalog if s.code not in {pl.code for pl in cl.lines}])
        cl.lines.append(denied_line(rng, svc, cl.lines[0].dos))
    return claims


def member_eob_pdf(rng: random.Random, case: Case, fname: str, claims: list[EobClaim], plan: str,
                   *, look: Look | None = None) -> bytes:
    look = look or random_look(rng)
    ms = vocab.money_style(rng)
    ds = vocab.date_style(rng)
    m = functools.partial(vocab.money, ms)
    every = [pl for cl in claims for pl in cl.lines]
    split = rng.random() < 0.7  # deductible / copay / coinsurance as their own columns
    show_allowed = rng.random() < 0.8
    show_discount = rng.random() < 0.6
    date_as = rng.choice(("column", "column", "heading", "row"))
    p = Paper(look, footer=f"{plan} - Explanation of Benefits")
    p.text(plan, size=look.size + 5, bold=True)
    p.text(rng.choice(("Explanation of Benefits", "EXPLANATION OF BENEFITS", "Your Claim Statement")),
           size=look.size + 2, bold=True)
    p.text("THIS IS NOT A BILL", bold=True)
    p.pairs([("Member:", claims[0].patient), ("Member ID:", f"W{rng.randrange(10**8, 10**9)}"),
             ("Statement Date:", vocab.fmt_date(ds, max(c.received for c in claims)
                                                + timedelta(days=5)))])
    tb = sum((pl.billed for pl in every), ZERO)
    tp = sum((pl.paid for pl in every), ZERO)
    to = sum((pl.patient for pl in every), ZERO)
    p.box(["Amount Billed", "Your Plan Paid", "You May Owe"], [m(tb), m(tp), m(to)],
          title=rng.choice(("Claims Summary", "Your Claims at a Glance", "Summary")), width_share=0.6)
    for cl in claims:
        p.space(8)
        items = [("Claim Number:", cl.number), ("Patient:", cl.patient), ("Provider:", cl.provider)]
        if date_as == "heading":
            items.append(("Date of Service:", vocab.fmt_date(ds, cl.lines[0].dos)))
        items.append(("Received:", vocab.fmt_date(ds, cl.received)))
        for lab, val in items:
            p.text(f"{lab} {val}", bold=lab == "Claim Number:")
        keys = (["date"] if date_as == "column" else []) + ["desc", "billed"]
        keys += (["discount"] if show_discount else []) + (["allowed"] if show_allowed else [])
        keys += ["paid"] + (["deductible", "copay", "coinsurance"] if split else []) + ["owe"]
        heads = {"date": "date", "desc": "desc_code", "billed": "billed", "discount": "contractual",
                 "allowed": "allowed", "paid": "plan_paid", "deductible": "deductible",
                 "copay": "copay", "coinsurance": "coinsurance", "owe": "patient"}
        cols = [Col(vocab.header(rng, heads[k]), 2.6 if k == "desc" else 1.0 if k == "date" else 0.9,
                    "l" if k in ("date", "desc") else "r", wrap=k == "desc") for k in keys]
        rows = [Row(span=vocab.fmt_date(ds, cl.lines[0].dos))] if date_as == "row" else []
        for pl in cl.lines:
            mark = " *" if pl.denied else ""
            cells = {"date": vocab.fmt_date(ds, pl.dos), "desc": f"{pl.desc} ({pl.code}){mark}",
                   "billed": m(pl.billed), "discount": m(pl.contractual if not pl.denied else ZERO),
                   "allowed": m(pl.allowed), "paid": m(pl.paid), "deductible": m(pl.deductible),
                   "copay": m(pl.copay), "coinsurance": m(pl.coinsurance),
                   "owe": m(pl.patient if not pl.denied else ZERO)}
            rows.append(Row([cells[k] for k in keys]))
            amounts = {"billed": pl.billed, "paid": pl.paid, "patient_owes": pl.patient}
            if show_allowed:
                amounts["allowed"] = pl.allowed
            case.line(fname, pl, amounts=amounts)
            case.paid_lines.append(pl)
            if pl.denied:
                case.finding("line-denied")
            elif split:
                case.adjustment(fname, "PR", "1", pl.deductible)
                case.adjustment(fname, "PR", "2", pl.coinsurance)
                case.adjustment(fname, "PR", "3", pl.copay)
        total = {k: sum((getattr(pl, a) for pl in cl.lines), ZERO) for k, a in
                 (("billed", "billed"), ("allowed", "allowed"), ("paid", "paid"),
                  ("deductible", "deductible"), ("copay", "copay"),
                  ("coinsurance", "coinsurance"), ("owe", "patient"), ("discount", "contractual"))}
        trow = [m(total[k]) if k in total else "" for k in keys]
        trow[keys.index("desc")] = rng.choice(("Claim Total", "Totals", "TOTAL"))
        rows.append(Row(trow, bold=True))
        p.table(cols, rows)
        if any(pl.denied for pl in cl.lines):
            p.para("* This service is not covered by your plan. You do not have to pay "
                   "the provider for it unless you agreed in writing before the service.")
    p.space(8)
    p.para("Keep this notice for your records. If you think a claim was processed in error, "
           "call Member Services or file an appeal within 180 days of this notice.")
    case.add_sum(f"{fname} summary", [pl.patient for pl in every], to)
    return p.finish()


def provider_eob_pdf(rng: random.Random, case: Case, fname: str, claims: list[EobClaim],
                     plan: str, *, look: Look | None = None, codes: bool = False,
                     sequestration: bool = False, sentence: int | None = None) -> bytes:
    """A provider's copy: all claims in one table, grouped by "RECEIPT DATE:" rows."""
    look = look or random_look(rng)
    ms = rng.choice(("comma", "plain", "dollar comma"))
    ds = rng.choice(("%m/%d/%Y", "%m/%d/%y", "numeric-nopad"))
    m = functools.partial(vocab.money, ms)
    keys = ["dates", "code", "units", "billed", "contractual", "allowed", "deductible",
            "coinsurance", "copay", "patient", "paid"] + (["reason"] if codes else [])
    stacked = {"dates": ["SERVICE", "DATES"], "code": ["PROC", "CODE"], "units": ["UNITS"],
               "billed": ["BILLED", "AMOUNT"], "contractual": ["CONTRACTUAL", "ADJUSTMENT", "AMOUNT"],
               "allowed": ["ALLOWED", "AMOUNT"], "deductible": ["DEDUCTIBLE", "AMOUNT"],
               "coinsurance": ["CO-", "INSURANCE", "AMOUNT"], "copay": ["COPAY", "AMOUNT"],
               "patient": ["PATIENT", "RESP", "AMOUNT"], "paid": ["PAID", "AMOUNT"],
               "reason": ["ADJ", "REASON", "CODES"]}
    widths = {"dates": 2.0, "reason": 1.4, "units": 0.6, "code": 0.8}
    cols = [Col(stacked[k], widths.get(k, 1.15),
                "l" if k in ("dates", "code", "reason") else "r") for k in keys]
    p = Paper(look, footer=f"{plan}  Provider Explanation of Benefits")
    p.text(plan, size=look.size + 4, bold=True)
    p.text(rng.choice(("PROVIDER EXPLANATION OF BENEFITS", "PROVIDER REMITTANCE ADVICE",
                       "EXPLANATION OF PAYMENT")), bold=True)
    p.pairs([("PAYEE:", claims[0].provider.upper()), ("NPI:", str(rng.randrange(10**9, 10**10))),
             ("CHECK/EFT NUMBER:", str(rng.randrange(10**7, 10**8))),
             ("PAYMENT DATE:", vocab.fmt_date(ds, max(c.received for c in claims)
                                              + timedelta(days=14)))])
    rows: list[Row] = []
    stmt = {k: ZERO for k in ("billed", "contractual", "allowed", "deductible", "coinsurance",
                              "copay", "patient", "paid")}
    notes: list[str] = []
    for cl in claims:
        rows.append(Row(span=f"RECEIPT DATE: {vocab.fmt_date(ds, cl.received)}   CLAIM NUMBER: "
                    f"{cl.number}   PATIENT: {cl.patient.upper()}   MEMBER ID: "
                    f"{rng.randrange(10**8, 10**9)}"))
        tot = {k: ZERO for k in stmt}
        for pl in cl.lines:
            vals = {"billed": pl.billed, "contractual": pl.contractual, "allowed": pl.allowed,
                    "deductible": pl.deductible, "coinsurance": pl.coinsurance, "copay": pl.copay,
                    "patient": pl.patient, "paid": pl.paid}
            for k, v in vals.items():
                tot[k] += v
            reasons = [f"{g}{r}" for g, r, v in (("CO", "45", pl.contractual),
                                                  ("PR", "1", pl.deductible),
                                                  ("PR", "2", pl.coinsurance),
                                                  ("PR", "3", pl.copay)) if v]
            cells = {"dates": f"{vocab.fmt_date(ds, pl.dos)}-{vocab.fmt_date(ds, pl.dos)}",
                     "code": pl.code, "units": "1", "reason": " ".join(reasons),
                     **{k: m(v) for k, v in vals.items()}}
            rows.append(Row([cells[k] for k in keys]))
            case.line(fname, pl, amounts={"billed": pl.billed, "allowed": pl.allowed,
                                          "paid": pl.paid, "patient_owes": pl.patient})
            case.paid_lines.append(pl)
            case.adjustment(fname, "PR", "1", pl.deductible)
            case.adjustment(fname, "PR", "2", pl.coinsurance)
            case.adjustment(fname, "PR", "3", pl.copay)
            if codes:
                case.adjustment(fname, "CO", "45", pl.contractual)
        trow = ["TOTALS:", "", ""] + [m(tot[k]) for k in keys[3:11]] + ([""] if codes else [])
        rows.append(Row(trow, bold=True))
        for k in stmt:
            stmt[k] += tot[k]
        if sequestration and cl.cut:
            case.adjustment(fname, "CO", "253", cl.cut)
            words = SEQ_SENTENCES[sentence] if sentence is not None else rng.choice(SEQ_SENTENCES)
            rows.append(Row(span=words.format(amt="$" + f"{cl.cut:.2f}")))
            notes.append(f"{cl.cut:.2f}")
    rows.append(Row(["STATEMENT TOTALS:", "", ""] + [m(stmt[k]) for k in keys[3:11]]
                    + ([""] if codes else []), bold=True))
    p.space(6)
    p.table(cols, rows)
    if codes:
        p.space(6)
        p.text("ADJUSTMENT CODES:", bold=True)
        for line in ("CO45 CHARGE EXCEEDS FEE SCHEDULE/MAXIMUM ALLOWABLE - PROVIDER WRITE-OFF",
                     "PR1 DEDUCTIBLE AMOUNT", "PR2 COINSURANCE AMOUNT", "PR3 CO-PAYMENT AMOUNT"):
            p.text(line)
    case.add_sum(f"{fname} statement paid", [pl.paid for cl in claims for pl in cl.lines],
                 stmt["paid"])
    return p.finish()
