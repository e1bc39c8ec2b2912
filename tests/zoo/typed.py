"""Typed notes: notice and bill lines the way people type them into a text box or a .txt file —
free sentences with amounts named in their own words, or a rough table (pipes, tabs, commas)."""

from __future__ import annotations

import random
from datetime import date

from . import vocab
from .scenario import BillLine
from .truth import Case, PaidLine

WORDS = {
    "billed": ("billed", "charged", "amount charged", "provider charged", "charge", "amt billed"),
    "allowed": ("approved", "medicare approved", "allowed", "approved amount", "allowed amt"),
    "paid": ("paid", "medicare paid", "ins paid", "insurance paid", "plan paid", "they paid"),
    "owe": ("you may owe", "i owe", "may be billed", "my share", "you may be billed",
            "patient owes", "owe"),
    "asked": ("balance due", "amount due", "they want", "bill says", "pay", "due", "balance"),
}
TABLE_HEADS = {
    "date": ("Date", "DOS", "Service date"), "code": ("Code", "CPT", "Proc"),
    "desc": ("Service", "Description", "What"), "billed": ("Charged", "Billed", "Charge"),
    "allowed": ("Approved", "Allowed", "Medicare approved"),
    "paid": ("Paid", "Medicare paid", "Ins paid"), "owe": ("You owe", "May owe", "My share"),
}


DATE_STYLES = ("{d.month}/{d.day}/{d.year}", "{d.month}/{d.day}/{yy:02d}", "{d:%m/%d/%Y}",
               "{d:%b %d %Y}", "{d:%b %d, %Y}")


def _date(style: str, d: date) -> str:
    """One style per paper: people keep to the way they started."""
    return style.format(d=d, yy=d.year % 100)


def _amt(rng: random.Random, x: object, style: str) -> str:
    return f"${x}" if style == "dollar" else str(x)


def _not_medicare(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w for w in words if "medicare" not in w.lower())


def typed_notice(rng: random.Random, case: Case, fname: str, lines: list[PaidLine], *,
                 heading: str, provider: str, claim: str | None = None,
                 table: bool = False, plan: bool = False) -> bytes:
    """Lines with billed / approved / paid / may-owe; returns the text as bytes. `plan`: an
    insurer's EOB, whose amounts people do not call Medicare's."""
    style = rng.choice(("dollar", "plain"))
    ds = rng.choice(DATE_STYLES)
    wording = {k: _not_medicare(v) if plan else v for k, v in WORDS.items()}
    heads = {k: _not_medicare(v) if plan else v for k, v in TABLE_HEADS.items()}
    said = {k: rng.choice(v) for k, v in wording.items()}  # one wording per paper
    fields = ["billed", "allowed", "paid", "owe"]
    if rng.random() < 0.3:
        fields.remove("billed")  # people leave the charge out (never approved: it carries the cut)
    out = [heading]
    if rng.random() < 0.7:
        out.append(f"Provider: {provider}")
    if claim and rng.random() < 0.6:
        out.append(f"Claim number: {claim}")
    if table:
        sep = rng.choice((" | ", "\t", ", "))
        order = ["date", "code"] + (["desc"] if sep != ", " and rng.random() < 0.5 else []) + fields
        out.append(sep.join(rng.choice(heads[k]) for k in order))
    for pl in lines:
        vals = {"billed": pl.billed, "allowed": pl.allowed, "paid": pl.paid, "owe": pl.patient}
        if table:
            cells = {"date": _date(ds, pl.dos), "code": pl.code, "desc": pl.desc.split(",")[0],
                     **{k: f"{v:.2f}" for k, v in vals.items()}}
            out.append(sep.join(cells[k] for k in order))
        else:
            words = [_date(ds, pl.dos), pl.code]
            if rng.random() < 0.5:
                words.append(pl.desc.split(",")[0].lower())
            words += [f"{said[k]} {_amt(rng, f'{vals[k]:.2f}', style)}" for k in fields]
            out.append(" ".join(words))
        amounts = {("patient_owes" if k == "owe" else k): vals[k] for k in fields}
        case.line(fname, pl, amounts=amounts)
        case.paid_lines.append(pl)
    return ("\n".join(out) + "\n").encode()


def typed_bill(rng: random.Random, case: Case, fname: str, provider: str,
               bill: list[BillLine]) -> bytes:
    style = rng.choice(("dollar", "plain"))
    ds = rng.choice(DATE_STYLES)
    asked = rng.choice(WORDS["asked"])
    out = [provider, rng.choice(("Statement", "Bill", "Patient statement", "bill from the doctor"))]
    show_charge = rng.random() < 0.4
    for b in bill:
        words = [_date(ds, b.dos), b.code]
        if rng.random() < 0.5:
            words.append(b.desc.split(",")[0].lower())
        if show_charge:
            words.append(f"charges {_amt(rng, f'{b.charge:.2f}', style)}")
        words.append(f"{asked} {_amt(rng, f'{b.asked:.2f}', style)}")
        out.append(" ".join(words))
        amounts = {"patient_owes": b.asked}
        if show_charge:
            amounts["billed"] = b.charge
        case.line(fname, code=b.code, dos=b.dos, amounts=amounts)
    return ("\n".join(out) + "\n").encode()


def msn_heading(rng: random.Random, notice_date: date) -> str:
    return rng.choice((f"Medicare Summary Notice\nNotice date: {notice_date:%m/%d/%Y}",
                       "Medicare Summary Notice", f"MSN from Medicare dated {notice_date:%B %d, %Y}",
                       "medicare summary notice part B"))


def eob_heading(rng: random.Random, plan: str) -> str:
    return rng.choice((f"{plan}\nExplanation of Benefits", f"EOB from {plan}",
                       f"Explanation of benefits - {plan}"))


PROVIDERS = vocab.PROVIDERS
