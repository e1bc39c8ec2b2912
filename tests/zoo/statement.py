"""Provider statements: service rows with what each asks, optional insurer payment and
adjustment columns, totals, account-summary and aging boxes, and the header's "Amount Due".

Layouts after the patient statements practices mail (statement date, account number, amount
due with a due date, a service table, "Account Summary" and "Current | 31-60 | 61-90 | 90+"
aging boxes).
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta
from decimal import Decimal

from . import vocab
from .render import Col, Look, Paper, Row, random_look
from .scenario import BillLine
from .truth import ZERO, Case


def statement_pdf(rng: random.Random, case: Case, fname: str, provider: str,
                  bill: list[BillLine], *, look: Look | None = None, aging: bool = False,
                  summary: bool = False, mismatch: bool = False, hospital: bool = False) -> bytes:
    """Write the statement, its truth lines and its sums into `case`; return the PDF."""
    look = look or random_look(rng)
    ms = vocab.money_style(rng)
    ds = vocab.date_style(rng)
    patient = rng.choice(vocab.PATIENTS)
    last = max(b.dos for b in bill)
    stmt_date = last + timedelta(days=rng.randrange(25, 80))
    date_as = rng.choice(("column", "column", "row"))
    code_as = rng.choice(("column", "column", "in_desc"))
    show_pay = rng.random() < 0.6
    show_charge = show_pay or rng.random() < 0.8
    totals = rng.random() < 0.7
    due = sum((b.asked for b in bill), ZERO)
    printed_due = due
    if mismatch:
        printed_due = due + rng.choice((Decimal("10.00"), Decimal("25.00"), Decimal("4.50")))
        case.finding("arithmetic-mismatch")
    m = functools.partial(vocab.money, ms)

    p = Paper(look, footer=f"{provider} - Statement")
    p.text(provider, size=look.size + 4, bold=True)
    p.text(f"{rng.randrange(100, 9999)} {rng.choice(('Main St', 'Oak Ave', 'Park Blvd'))}, "
           f"Springfield, IL 6270{rng.randrange(10)}")
    p.text(rng.choice(("PATIENT STATEMENT", "STATEMENT", "Itemized Statement", "BILLING STATEMENT"))
           if not hospital else "ITEMIZED STATEMENT OF HOSPITAL CHARGES", bold=True, gap=6)
    p.pairs([("Statement Date:", vocab.fmt_date(ds, stmt_date)),
             ("Account Number:", f"{rng.randrange(10**6, 10**7)}"),
             ("Patient:", patient)])
    due_label = rng.choice(("Amount Due:", "Please Pay This Amount:", "Balance Due:",
                            "Total Amount Due"))
    p.text(f"{due_label} {m(printed_due)}", bold=True, gap=4)
    p.text(f"Due Date: {vocab.fmt_date(ds, stmt_date + timedelta(days=30))}")
    p.space(8)

    cols: list[Col] = []
    keys: list[str] = []
    if date_as == "column":
        cols.append(Col(vocab.header(rng, "date"), 1.2))
        keys.append("date")
    if hospital:
        cols.append(Col(vocab.header(rng, "rev"), 0.7))
        keys.append("rev")
    if code_as == "column":
        cols.append(Col(vocab.header(rng, "code"), 0.9))
        keys.append("code")
    cols.append(Col(vocab.header(rng, "desc"), 3.2, wrap=True))
    keys.append("desc")
    money_keys = (["charge"] if show_charge else []) + (["paid", "adj"] if show_pay else []) + ["owe"]
    head_field = {"charge": "stmt_charge", "paid": "stmt_ins", "adj": "stmt_adj", "owe": "stmt_owe"}
    for k in money_keys:
        cols.append(Col(vocab.header(rng, head_field[k]), 1.1, "r"))
        keys.append(k)

    def cells(b: BillLine) -> list[str]:
        desc = b.desc if code_as == "column" else rng.choice((f"{b.desc} ({b.code})",
                                                               f"{b.code} {b.desc}"))
        val = {"date": vocab.fmt_date(ds, b.dos), "rev": rev_code(b.code), "code": b.code,
               "desc": desc, "charge": m(b.charge), "paid": m(-b.paid) if b.paid else m(ZERO),
               "adj": m(-b.adjustment) if b.adjustment else m(ZERO), "owe": m(b.asked)}
        return [val[k] for k in keys]

    rows: list[Row] = []
    last_date: date | None = None
    for b in bill:
        if date_as == "row" and b.dos != last_date:
            rows.append(Row(span=vocab.fmt_date(ds, b.dos)))
            last_date = b.dos
        rows.append(Row(cells(b)))
        case.line(fname, code=b.code, dos=b.dos,
                  amounts={**({"billed": b.charge} if show_charge else {}),
                           "patient_owes": b.asked})
    if totals:
        t = {"charge": sum((b.charge for b in bill), ZERO), "paid": sum((b.paid for b in bill), ZERO),
             "adj": sum((b.adjustment for b in bill), ZERO), "owe": printed_due}
        label = rng.choice(("Totals", "TOTAL", "Account Totals:", "Total Charges and Balance"))
        vals = [m(-t[k]) if k in ("paid", "adj") and t[k] else m(t[k]) if k in t else ""
                for k in keys]
        first_money = keys.index(money_keys[0])
        vals[max(0, first_money - 1)] = label
        rows.append(Row(vals, bold=True))
    p.table(cols, rows)
    case.add_sum(f"{fname} rows", [b.asked for b in bill], due)

    if summary:
        labels = ["Previous Balance", "New Charges", "Insurance Payments", "Adjustments",
                  "Patient Payments", "Balance Due"]
        tc = sum((b.charge for b in bill), ZERO)
        tp = sum((b.paid for b in bill), ZERO)
        ta = sum((b.adjustment for b in bill), ZERO)
        vals = [m(ZERO), m(tc), m(-tp) if tp else m(ZERO), m(-ta) if ta else m(ZERO), m(ZERO),
                m(printed_due)]
        if rng.random() < 0.5:
            p.box(labels, vals, title=rng.choice(("Account Summary", "ACCOUNT SUMMARY",
                                                  "Summary of Your Account")), width_share=0.95)
        else:
            p.text(rng.choice(("Account Summary", "Your Account at a Glance")), bold=True, gap=6)
            for lab, v in zip(labels, vals, strict=True):
                p.text(f"{lab}{'.' * rng.randrange(2, 12)} {v}")
        if not mismatch:
            case.add_sum(f"{fname} summary", [tc, -tp, -ta], due)
    if aging:
        buckets = [ZERO] * 5
        for b in bill:
            age = (stmt_date - b.dos).days
            buckets[0 if age <= 30 else 1 if age <= 60 else 2 if age <= 90 else 3 if age <= 120
                    else 4] += b.asked
        buckets[0] += printed_due - due
        labels = rng.choice((["Current", "31-60", "61-90", "91-120", "Over 120"],
                             ["0-30 Days", "31-60 Days", "61-90 Days", "91-120 Days", "120+ Days"],
                             ["Current", "30 Days", "60 Days", "90 Days", "120 Days"]))
        p.box(labels + ["Total Due"], [m(x) for x in buckets] + [m(printed_due)],
              title=rng.choice(("Account Aging", "Aging Summary", None)), width_share=0.8)
        case.add_sum(f"{fname} aging", buckets, printed_due)
    p.space(10)
    p.para(rng.choice((
        "Your insurance has been billed. The balance shown is your responsibility. "
        "Please call our billing office with any questions.",
        "Thank you for choosing us for your care. Payment is due upon receipt.",
        "If you have already sent your payment, thank you. Questions? Call the number above.")))
    case.printed.setdefault(fname, []).append(f"{printed_due:.2f}")
    return p.finish()


def rev_code(code: str) -> str:
    """A plausible UB-04 revenue code for a hospital line (labs 0300, imaging 0320/0350, ...)."""
    if code.startswith("99"):
        return "0450"
    if code.startswith(("7",)):
        return "0350" if code.startswith("74") else "0320"
    if code.startswith(("8", "36")):
        return "0300"
    if code.startswith("J"):
        return "0636"
    if code.startswith("93"):
        return "0730"
    return "0260"
