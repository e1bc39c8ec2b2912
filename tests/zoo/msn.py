"""Medicare Summary Notices: Part B in the CMS layout (date rows above each day's services, or
the date in the claim heading), the older layout (a "Dates of Service" column), unassigned
claims ("Medicare Paid You"), DME supplier claims, and Part A facility claims.

After the CMS sample MSNs and the decoders that reproduce them (FACTS.md §4): a first-page
dashboard with "Total You May Be Billed", claims by provider with "Claim Number", a table per
claim ending "Total for Claim #…", lettered notes that state amounts in words.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from . import vocab
from .render import Col, Look, Paper, Row, random_look
from .truth import (
    PART_B,
    SEQUESTRATION,
    ZERO,
    Case,
    PaidLine,
    Service,
    denied_line,
    medicare_line,
    money_between,
    q,
    some_date,
)

LIMIT = Decimal("1.15")  # limiting charge: 115 % of the non-par approved amount (FACTS.md §5)


@dataclass
class MsnClaim:
    provider: str
    number: str
    lines: list[PaidLine] = field(default_factory=list)
    assigned: bool = True


def msn_claims(rng: random.Random, catalog: tuple[Service, ...], *, n_claims: int,
               providers: tuple[str, ...], denied: bool = False, one_date: bool = False,
               unassigned: bool = False) -> list[MsnClaim]:
    start = some_date(rng)
    ded_left = rng.choice((ZERO, ZERO, Decimal(rng.randrange(20, 257))))
    claims = []
    names = rng.sample(providers, n_claims)
    for k in range(n_claims):
        cl = MsnClaim(names[k], f"{rng.randrange(10, 99)}-{rng.randrange(10**4, 10**5)}-"
                      f"{rng.randrange(100, 999)}-{rng.randrange(100, 999)}", assigned=not unassigned)
        days = [start + timedelta(days=rng.randrange(0, 40))]
        if not one_date and rng.random() < 0.5:
            days.append(days[0] + timedelta(days=rng.randrange(1, 20)))
        for d in sorted(days):
            for svc in rng.sample(catalog, rng.randrange(1, 4)):
                if any(pl.code == svc.code and pl.dos == d for pl in cl.lines):
                    continue
                pl = medicare_line(rng, svc, d, ded_left)
                ded_left -= pl.deductible
                cl.lines.append(pl)
        if denied and k == n_claims - 1:
            svc = rng.choice([s for s in catalog if s.code not in {pl.code for pl in cl.lines}])
            cl.lines.append(denied_line(rng, svc, cl.lines[-1].dos))
        claims.append(cl)
    return claims


def unassigned_claims(rng: random.Random, *, over: bool) -> list[MsnClaim]:
    """Unassigned Part B claims: Medicare pays the patient; the provider may charge up to the
    limiting charge, which the MSN prints as the most the patient may be billed. `over`: one
    line charges more than that (`limiting-charge-exceeded`)."""
    claims = msn_claims(rng, PART_B, n_claims=rng.randrange(1, 3),
                        providers=vocab.PROVIDERS, unassigned=True)
    target = rng.choice([pl for cl in claims for pl in cl.lines]) if over else None
    for cl in claims:
        for pl in cl.lines:
            limit = q(pl.allowed * LIMIT)
            if pl is target:
                pl.billed = limit + money_between(rng, 3, 40)
            else:
                pl.billed = q(pl.allowed * Decimal(str(rng.uniform(1.0, 1.15))))
            may_owe = min(pl.billed, limit)
            pl.noncovered = may_owe - pl.deductible - pl.coinsurance  # the part above approved
    return claims


def part_a_claims(rng: random.Random) -> list[MsnClaim]:
    """Inpatient and skilled nursing claims: one row per stay, no procedure code; deductible
    and non-covered charges are what the patient may be billed."""
    start = some_date(rng)
    claims = []
    for k, name in enumerate(rng.sample(vocab.HOSPITALS, rng.randrange(1, 3))):
        d = start + timedelta(days=40 * k + rng.randrange(0, 20))
        desc = rng.choice(("Inpatient hospital stay", "Skilled nursing facility care",
                           "Inpatient rehabilitation stay"))
        billed = money_between(rng, 9000, 60000)
        before_cut = money_between(rng, float(billed) * 0.2, float(billed) * 0.55)
        ded = rng.choice((ZERO, Decimal("1676.00"), Decimal("1632.00"))) if k == 0 else ZERO
        cut = q(before_cut * SEQUESTRATION)
        noncov = rng.choice((ZERO, ZERO, Decimal("45.00"), Decimal("120.00")))
        pl = PaidLine(d, "", desc, billed, before_cut + ded, deductible=ded, cut=cut,
                      paid=before_cut - cut, noncovered=noncov)
        claims.append(MsnClaim(name, f"{rng.randrange(10**12, 10**13)}", [pl]))
    return claims


def msn_pdf(rng: random.Random, case: Case, fname: str, claims: list[MsnClaim], *,
            layout: str, part: str = "B", look: Look | None = None) -> bytes:
    """layout: daterows | heading | classic. Writes truth lines and sums into `case`."""
    look = look or random_look(rng)
    ms = rng.choice(("dollar comma", "dollar plain", "comma"))
    ds = "%b %d, %Y" if layout != "classic" else vocab.date_style(rng, words=False)
    m = functools.partial(vocab.money, ms)
    every = [pl for cl in claims for pl in cl.lines]
    total_owe = sum((pl.patient for pl in every), ZERO)
    notice_date = max(pl.dos for pl in every) + timedelta(days=rng.randrange(20, 60))
    title = {"B": "Part B (Medical Insurance)", "DME": "Part B (Medical Insurance)",
             "A": "Part A (Hospital Insurance)"}[part]
    p = Paper(look, footer=f"{rng.choice(vocab.PATIENTS)}   Medicare Summary Notice")
    p.text("Medicare Summary Notice", size=look.size + 6, bold=True)
    p.text(f"for People with Medicare {title}")
    p.text("THIS IS NOT A BILL", bold=True, gap=4)
    p.pairs([("Notice for", rng.choice(vocab.PATIENTS)),
             ("Medicare Number", f"XXXX-XX{rng.randrange(1000, 9999)}"),
             ("Date of This Notice", notice_date.strftime("%B %d, %Y"))])
    if layout != "classic":
        p.text("Your Claims & Costs This Period", bold=True, gap=8)
        p.text(f"Did Medicare Approve All Services?  {'NO' if any(pl.denied for pl in every) else 'YES'}")
        p.text(f"Total You May Be Billed  {m(total_owe)}", bold=True)
        p.text(f"Providers with claims this period: {', '.join(cl.provider for cl in claims)}")
        case.add_sum(f"{fname} dashboard", [pl.patient for pl in every], total_owe)
    ded_total = sum((pl.deductible for pl in every), ZERO)
    p.text("Your Deductible Status", bold=True, gap=8)
    p.para("Your deductible is what you must pay for most health services before Medicare "
           "begins to pay. " + ("You have met your Part B deductible for this year."
                                if ded_total == ZERO else "Part of your deductible was applied "
                                "to the claims on this notice; see the notes below."))
    unassigned = any(not cl.assigned for cl in claims)
    p.text(f"Your {'Unassigned ' if unassigned else ''}Claims for {title}", bold=True,
           size=look.size + 2, gap=12)
    for cl in claims:
        _claim(rng, p, case, fname, cl, layout=layout, m=m, ds=ds, part=part)
    p.text("How to Handle Denied Claims or File an Appeal", bold=True, gap=10)
    p.para("If you disagree with a coverage decision, file an appeal within 120 days of the "
           "date you get this notice. Circle the services you disagree with and explain why.")
    return p.finish()


def _claim(rng: random.Random, p: Paper, case: Case, fname: str, cl: MsnClaim, *, layout: str,
           m: Callable[[Decimal], str], ds: str, part: str) -> None:
    money = m
    days = sorted({pl.dos for pl in cl.lines})
    p.space(6)
    # the date goes in the heading only when the claim has one date; otherwise date rows
    heading_date = len(days) == 1 and (layout == "heading" or (layout == "daterows"
                                                               and rng.random() < 0.3))
    date_rows = layout in ("daterows", "heading") and not heading_date
    p.text(cl.provider, bold=True, gap=4)
    items = [("Claim Number", cl.number)]
    if heading_date:
        items.insert(0, ("Date Service Received" if rng.random() < 0.5 else "Service Date",
                         vocab.fmt_date(ds, days[0])))
    if part != "A" and not cl.assigned:
        items.append(("Your provider did not accept assignment.", ""))
    p.pairs(items)
    paid_head = "Amount Medicare Paid You" if not cl.assigned else None
    if layout == "classic":
        cols = [Col(vocab.header(rng, "date"), 1.1), Col(vocab.header(rng, "desc"), 2.6, wrap=True)]
        keys = ["date", "desc"]
    else:
        cols = [Col(vocab.header(rng, "desc_code"), 3.0, wrap=True),
                Col(vocab.header(rng, "approved_yn"), 0.9)]
        keys = ["desc", "yn"]
    money_keys = ["billed", "allowed", "paid", "owe"] if part != "A" else ["billed", "noncov",
                                                                           "paid", "owe"]
    heads = {"billed": vocab.header(rng, "billed"), "allowed": vocab.header(rng, "allowed"),
             "paid": [paid_head] if paid_head else vocab.header(rng, "msn_paid"),
             "owe": vocab.header(rng, "msn_owe"), "noncov": ["Non-Covered", "Charges"]}
    for k in money_keys:
        cols.append(Col(heads[k], 1.25, "r"))
        keys.append(k)
    cols.append(Col(vocab.header(rng, "notes"), 0.6))
    keys.append("notes")

    notes: list[str] = []
    rows: list[Row] = []
    last = None
    for pl in cl.lines:
        if date_rows and pl.dos != last:
            rows.append(Row(span=vocab.fmt_date(ds, pl.dos)))
        last = pl.dos
        letters = ""
        if pl.deductible:
            letters += chr(ord("A") + len(notes))
            notes.append(f"{money(pl.deductible)} of this approved amount has been applied "
                         "toward your deductible.")
            case.adjustment(fname, "PR", "1", pl.deductible)
        if pl.denied:
            letters += chr(ord("A") + len(notes))
            notes.append("Medicare does not pay for this service because it is not reasonable "
                         "and necessary for your diagnosis. You do not have to pay this amount.")
            case.finding("line-denied")
        units = f"{rng.randrange(1, 3)} " if layout == "classic" and rng.random() < 0.5 else ""
        desc = (pl.desc if not pl.code else f"{units}{pl.desc} ({pl.code})"
                if rng.random() < 0.8 else f"{pl.desc} - {pl.code}")
        val = {"date": vocab.fmt_date(ds, pl.dos), "desc": desc,
               "yn": "No" if pl.denied else "Yes", "billed": money(pl.billed),
               "allowed": money(pl.allowed), "paid": money(pl.paid), "owe": money(pl.patient),
               "noncov": money(pl.noncovered), "notes": letters}
        rows.append(Row([val[k] for k in keys]))
        amounts = {"billed": pl.billed, "paid": pl.paid, "patient_owes": pl.patient}
        if part != "A":
            amounts["allowed"] = pl.allowed
        case.line(fname, pl, amounts=amounts)
        case.paid_lines.append(pl)
    tot = {k: sum((getattr(pl, a) for pl in cl.lines), ZERO) for k, a in
           (("billed", "billed"), ("allowed", "allowed"), ("paid", "paid"), ("owe", "patient"),
            ("noncov", "noncovered"))}
    label = rng.choice((f"Total for Claim #{cl.number}", "Total for this claim", "Claim Total"))
    trow = [money(tot[k]) if k in tot else "" for k in keys]
    trow[0] = label
    rows.append(Row(trow, bold=True))
    p.table(cols, rows)
    case.add_sum(f"{fname} claim {cl.number} owe", [pl.patient for pl in cl.lines], tot["owe"])
    for i, text in enumerate(notes):
        p.para(f"{chr(ord('A') + i)}  {text}")
