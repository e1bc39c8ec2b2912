"""Write bench/cases/ledgers/ (score.py truth.json cases) from the ledger and table tests' truths.

.venv/bin/python bench/ledger_cases.py
python ../shared/tools/score.py --cmd .venv/bin/bill-explainer --cases-dir bench/cases/ledgers
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.explainer import test_tables as T
from tests.explainer.test_ledger import CASES, HEAD, MSN, MSN_TWO, MSN_VISITS

out = Path(__file__).resolve().parent / "cases" / "ledgers"
out.mkdir(parents=True, exist_ok=True)


def money(d):
    return None if d is None else f"{d:.2f}"


NOTICE_LINES = {
    MSN: [("99214", "2025-03-04", "150.00", "100.00", "78.40", "20.00")],
    MSN_VISITS: [
        ("99214", "2025-03-04", "150.00", "100.00", "78.40", "20.00"),
        ("99213", "2025-03-11", "100.00", "66.70", "52.29", "13.34"),
    ],
    MSN_TWO: [
        ("99214", "2025-03-04", "150.00", "100.00", "78.40", "20.00"),
        ("36415", "2025-03-04", "20.00", "3.00", "2.35", "0.60"),
    ],
}
NOTICE_ADJ = {
    MSN_VISITS: [("CO", "253", "1.60"), ("CO", "253", "1.07")],
    MSN: [("CO", "253", "1.60")],
    MSN_TWO: [("CO", "253", "1.60"), ("CO", "253", "0.05")],
}


def write(name, notice, bill_name, bill_bytes, bill_lines, bill_adj, findings):
    d = out / name
    d.mkdir(exist_ok=True)
    (d / "notice.txt").write_text(notice)
    (d / bill_name).write_bytes(bill_bytes)
    lines = [
        dict(
            source="notice.txt",
            procedure_code=c,
            date_of_service=ds,
            billed=b,
            allowed=a,
            paid=p,
            patient_owes=o,
        )
        for c, ds, b, a, p, o in NOTICE_LINES[notice]
    ]
    lines += [
        dict(
            source=bill_name,
            procedure_code=c,
            date_of_service=ds,
            billed=money(b),
            paid=money(p),
            patient_owes=money(o),
        )
        for c, ds, b, p, o in bill_lines
    ]
    for entry in lines:
        for k in list(entry):
            if entry[k] is None:
                del entry[k]
    adj = [dict(source="notice.txt", group=g, reason=r, amount=a) for g, r, a in NOTICE_ADJ[notice]]
    adj += [dict(source=bill_name, group=g, reason=r, amount=f"{a:.2f}") for g, r, a in bill_adj]
    truth = {
        "args": ["--notice", "notice.txt", "--bill", bill_name],
        "lines": lines,
        "adjustments": adj,
        "findings": [dict(rule=r, amount=f"{a:.2f}") for r, a in findings],
        "codes": ["99214", "CO", "253"],
    }
    (d / "truth.json").write_text(json.dumps(truth, indent=2) + "\n")


slugs = [
    "typed-signs-co253-moved",
    "typed-cr-dr",
    "typed-parentheses-codes-after",
    "typed-running-balance",
    "typed-one-row-labelled",
    "typed-one-row-unlabelled",
    "typed-two-services-per-posting",
    "typed-previous-balance-patient-payment",
    "typed-posting-and-service-dates",
    "typed-two-visits-by-dos",
    "typed-abbreviations",
    "typed-void-rebill-secondary",
    "typed-informational-rows",
    "typed-wrapped-postings",
    "typed-dates-without-year",
    "typed-aging-box",
]
for slug, case in zip(slugs, CASES, strict=True):
    write(
        slug,
        case.notice,
        "bill.txt",
        (HEAD + case.bill).encode(),
        case.lines,
        case.adjustments,
        case.findings,
    )
tab = "\n".join("\t".join(r) for r in [T.LEDGER_HEADER, *T.LEDGER_ROWS]) + "\n"
lines, adj = T.LEDGER_TRUTH
bl = [(c, "2025-03-04", b, p, o) for c, b, p, o in lines]
write(
    "pasted-tab-ledger",
    MSN,
    "bill.txt",
    ("Springfield Family Clinic\n" + tab).encode(),
    bl,
    adj,
    [("contractual-billed-to-patient", T.D("1.60"))],
)
write(
    "pasted-space-ledger",
    MSN,
    "bill.txt",
    ("Springfield Family Clinic\n" + T.aligned([T.LEDGER_HEADER, *T.LEDGER_ROWS])).encode(),
    bl,
    adj,
    [("contractual-billed-to-patient", T.D("1.60"))],
)
write(
    "xlsx-ledger",
    MSN,
    "ledger.xlsx",
    T.ledger_workbook(21.6, "transfer to patient"),
    bl,
    adj,
    [("contractual-billed-to-patient", T.D("1.60"))],
)
# CSV export as the notice, typed bill
d = out / "csv-export"
d.mkdir(exist_ok=True)
(d / "claims.csv").write_text(T.CSV_EXPORT)
(d / "bill.txt").write_text(T.BILL_ASKS_21_60)
truth = {
    "args": ["--notice", "claims.csv", "--bill", "bill.txt"],
    "lines": [
        dict(
            source="claims.csv",
            procedure_code="99214",
            date_of_service="2025-03-04",
            billed="150.00",
            allowed="100.00",
            paid="78.40",
            patient_owes="20.00",
        ),
        dict(
            source="bill.txt",
            procedure_code="99214",
            date_of_service="2025-03-04",
            patient_owes="21.60",
        ),
    ],
    "adjustments": [dict(source="claims.csv", group="PR", reason="2", amount="20.00")],
    "findings": [dict(rule="contractual-billed-to-patient", amount="1.60")],
    "codes": ["99214"],
}
(d / "truth.json").write_text(json.dumps(truth, indent=2) + "\n")
print(sorted(p.name for p in out.iterdir()))
