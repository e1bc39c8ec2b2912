"""Account ledgers (a running balance: charges, then the payer's payment and write-off rows,
patient payments, "balance forward") and itemized hospital bills (revenue code, CPT/HCPCS,
units and charge per row, a charges summary at the end, often many pages).

Neither prints what each service line asks of the patient, so their truth lines carry the
charge only.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import vocab
from .render import Col, Look, Paper, Row, random_look
from .statement import rev_code
from .truth import HOSPITAL, PART_B, ZERO, Case, PaidLine, medicare_line, money_between, some_date


@dataclass
class Entry:
    when: date
    text: str
    code: str
    charge: Decimal = ZERO
    credit: Decimal = ZERO
    service: bool = False


def ledger_pdf(rng: random.Random, case: Case, fname: str, *, scenario: str,
               look: Look | None = None) -> bytes:
    """scenario: clean | mismatch (a running balance that stops adding up) | duplicate |
    seq_wrong (a CO-253 credit that is not 2 % of Medicare's payment before the cut)."""
    look = look or random_look(rng)
    ms = vocab.money_style(rng)
    ds = vocab.date_style(rng, words=False)
    m = functools.partial(vocab.money, ms)
    provider = rng.choice(vocab.PROVIDERS)
    start = some_date(rng)
    visits = sorted({start + timedelta(days=rng.randrange(0, 90))
                     for _ in range(rng.randrange(1, 4))})
    codes_printed = scenario == "seq_wrong" or rng.random() < 0.5
    wrong_day = rng.choice(visits) if scenario == "seq_wrong" else None
    entries: list[Entry] = []
    lines: list[PaidLine] = []
    for d in visits:
        for svc in rng.sample(PART_B, rng.randrange(1, 3)):
            pl = medicare_line(rng, svc, d, ZERO)
            lines.append(pl)
            entries.append(Entry(d, f"{svc.desc}", svc.code, charge=pl.billed, service=True))
    if scenario == "duplicate":
        dup = rng.choice([e for e in entries if e.service])
        entries.insert(entries.index(dup) + 1, Entry(dup.when, dup.text, dup.code, dup.charge,
                                                     service=True))
        case.finding("duplicate-charge")
    for d in visits:
        day = [pl for pl in lines if pl.dos == d]
        paid_on = d + timedelta(days=rng.randrange(14, 35))
        paid = sum((pl.paid for pl in day), ZERO)
        write_off = sum((pl.billed - pl.allowed for pl in day), ZERO)
        cut = sum((pl.cut for pl in day), ZERO)
        if d == wrong_day:
            # 2 % of the approved amount instead of the payment: a common miscalculation;
            # the payment row moves with it, so the ledger still adds up
            wrong = q2(sum((pl.allowed for pl in day), ZERO) * Decimal("0.02"))
            if abs(wrong - cut) <= Decimal("0.01"):
                wrong = cut + Decimal("0.25")
            paid, cut = paid + cut - wrong, wrong
            case.finding("sequestration-amount-wrong")
        entries.append(Entry(paid_on, "Medicare payment", "", credit=paid))
        if codes_printed:
            entries.append(Entry(paid_on, "Medicare adjustment CO-45", "", credit=write_off))
            entries.append(Entry(paid_on, "Medicare sequestration CO-253", "", credit=cut))
            case.adjustment(fname, "CO", "45", write_off)
            case.adjustment(fname, "CO", "253", cut)
        else:
            entries.append(Entry(paid_on, rng.choice(("Contractual adjustment", "Insurance write-off",
                                                      "Medicare adj")), "", credit=write_off + cut))
        if rng.random() < 0.4:
            ptpay = q2(sum((pl.patient for pl in day), ZERO) * Decimal(rng.choice(("0.5", "1"))))
            if ptpay:
                entries.append(Entry(paid_on + timedelta(days=10), "Patient payment - thank you",
                                     "", credit=ptpay))
    entries.sort(key=lambda e: (e.when, not e.service))
    keys = ["date", "desc"] + (["code"] if codes_printed or rng.random() < 0.5 else []) + \
        ["charge", "credit", "bal"]
    cols = [Col(vocab.header(rng, {"date": "date", "desc": "desc", "code": "code",
                                   "charge": "stmt_charge", "credit": "ledger_pay",
                                   "bal": "ledger_bal"}[k]),
                {"date": 1.0, "desc": 3.0, "code": 0.8}.get(k, 1.1),
                "r" if k in ("charge", "credit", "bal") else "l", wrap=k == "desc") for k in keys]
    if "code" not in keys:
        for e in entries:
            if e.service:
                e.text = f"{e.text} ({e.code})"
    bal = ZERO
    rows = []
    broken_at = rng.randrange(len(entries)) if scenario == "mismatch" else -1
    for i, e in enumerate(entries):
        bal += e.charge - e.credit
        if i == broken_at:
            bal += rng.choice((Decimal("10.00"), Decimal("-20.00"), Decimal("5.55")))
            case.finding("arithmetic-mismatch")
        val = {"date": vocab.fmt_date(ds, e.when), "desc": e.text,
               "code": e.code if e.service else "", "charge": m(e.charge) if e.charge else "",
               "credit": m(-e.credit) if e.credit else "", "bal": m(bal)}
        rows.append(Row([val[k] for k in keys]))
        if e.service:
            case.line(fname, code=e.code, dos=e.when, amounts={"billed": e.charge})
    p = Paper(look, footer=f"{provider} - Account Ledger")
    p.text(provider, size=look.size + 4, bold=True)
    p.text(rng.choice(("ACCOUNT LEDGER", "Patient Account History", "Statement of Account",
                       "Transaction Detail")), bold=True)
    p.pairs([("Patient:", rng.choice(vocab.PATIENTS)), ("Account #:", str(rng.randrange(10**5, 10**6))),
             ("Printed:", vocab.fmt_date(ds, entries[-1].when + timedelta(days=3)))])
    p.space(6)
    p.table(cols, rows)
    p.text(f"{rng.choice(('Current Balance:', 'Balance Due:', 'Ending Balance'))} {m(bal)}",
           bold=True, gap=6)
    if scenario != "mismatch":
        case.add_sum(f"{fname} ledger", [e.charge - e.credit for e in entries], bal)
    case.notes.append(f"scenario {scenario}")
    return p.finish()


def q2(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"))


def itemized_pdf(rng: random.Random, case: Case, fname: str, *, scenario: str,
                 look: Look | None = None) -> bytes:
    """An itemized hospital bill, one to three pages (a stay of up to a week); scenario: clean | mismatch | duplicate."""
    look = look or random_look(rng)
    ms = vocab.money_style(rng)
    ds = vocab.date_style(rng, words=False)
    m = functools.partial(vocab.money, ms)
    hospital = rng.choice(vocab.HOSPITALS)
    start = some_date(rng)
    rows_data: list[tuple[date, str, str, int, Decimal]] = []
    for k in range(rng.randrange(8, 90)):
        svc = rng.choice(HOSPITAL)
        d = start + timedelta(days=min(k // 10, 6))
        units = rng.choice((1, 1, 1, 2, 4)) if svc.code.startswith("J") else 1
        charge = money_between(rng, svc.lo, svc.hi) * units
        if any(r[0] == d and r[2] == svc.code for r in rows_data):
            continue
        rows_data.append((d, rev_code(svc.code), svc.code, units, charge))
    if scenario == "duplicate":
        i = rng.randrange(len(rows_data))
        rows_data.insert(i + 1, rows_data[i])
        case.finding("duplicate-charge")
    descs = {s.code: s.desc for s in HOSPITAL}
    keys = ["date", "rev", "code", "desc", "qty", "charge"]
    cols = [Col(vocab.header(rng, {"date": "date", "rev": "rev", "code": "code", "desc": "desc",
                                   "qty": "qty", "charge": "stmt_charge"}[k]),
                {"desc": 3.2, "qty": 0.6, "rev": 0.7, "code": 0.9}.get(k, 1.1),
                "r" if k in ("qty", "charge") else "l", wrap=k == "desc") for k in keys]
    rows = []
    for d, rev, code, units, charge in rows_data:
        rows.append(Row([vocab.fmt_date(ds, d), rev, code, descs[code], str(units), m(charge)]))
        case.line(fname, code=code, dos=d, amounts={"billed": charge})
    total = sum((r[4] for r in rows_data), ZERO)
    ins = q2(total * Decimal(str(rng.uniform(0.2, 0.5))))
    adj = q2(total * Decimal(str(rng.uniform(0.3, 0.6))))
    due = total - ins - adj
    printed_due = due
    if scenario == "mismatch":
        printed_due = due + rng.choice((Decimal("100.00"), Decimal("12.50")))
        case.finding("arithmetic-mismatch")
    rows.append(Row(["", "", "", rng.choice(("TOTAL CHARGES", "Total Charges", "Total")), "",
                     m(total)], bold=True))
    p = Paper(look, footer=f"{hospital} - Itemized Bill")
    p.text(hospital, size=look.size + 4, bold=True)
    p.text(rng.choice(("ITEMIZED STATEMENT", "Itemized Bill", "DETAILED PATIENT BILL")), bold=True)
    p.pairs([("Patient:", rng.choice(vocab.PATIENTS)), ("Admit/Service Date:", vocab.fmt_date(ds, start)),
             ("Account:", f"H{rng.randrange(10**7, 10**8)}")])
    p.space(6)
    p.table(cols, rows)
    p.space(8)
    for lab, v in (("Total Charges", total), ("Insurance Payments", -ins),
                   ("Insurance Adjustments", -adj), ("Patient Balance Due", printed_due)):
        p.text(f"{lab}: {m(v)}", bold=lab.startswith("Patient"))
    case.add_sum(f"{fname} total", [r[4] for r in rows_data], total)
    case.notes.append(f"scenario {scenario}")
    return p.finish()
