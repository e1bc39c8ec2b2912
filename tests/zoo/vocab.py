"""Wordings papers print: column headers (≥ 5 per field), amount and date styles.

Headers are lists of wordings; a wording with " / " is stacked over up to three header rows
("CONTRACTUAL / ADJUSTMENT / AMOUNT"). Wordings are drawn from payer and provider papers
(CMS MSN samples, insurer "how to read your EOB" guides, remittance and statement samples),
then varied independently of what the reader knows.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("Date of Service", "Service Date", "Dates of Service", "DOS", "Date",
             "From Date", "Svc Date / From-Thru"),
    "code": ("Procedure Code", "CPT/HCPCS", "Service Code", "Proc", "Code", "Billing Code",
             "HCPCS / CPT Code"),
    "desc": ("Description", "Service Description", "Services Provided", "Service",
             "Description of Service", "Procedure / Description"),
    "desc_code": ("Service Provided & Billing Code", "Services Provided", "Service & Code",
                  "Procedure (Code)", "Description and Code"),
    "billed": ("Amount Provider Charged", "Amount Billed", "Charges", "Billed Amount",
               "Submitted Charges", "Total / Charges", "Amount / Charged", "Provider / Billed"),
    "allowed": ("Medicare-Approved Amount", "Allowed Amount", "Approved Amount", "Allowed",
                "Eligible Expense", "Plan / Allowed", "Covered / Amount", "Contract Amount"),
    "msn_paid": ("Amount Medicare Paid", "Medicare Paid", "Medicare Paid Provider",
                 "Amount / Medicare / Paid", "Paid by Medicare"),
    "plan_paid": ("Plan Paid", "Paid Amount", "Amount Paid", "Plan / Payment", "Benefits Paid",
                  "Net / Paid", "Paid to Provider", "PAID / AMOUNT"),
    "msn_owe": ("Maximum You May Be Billed", "You May Be Billed", "Maximum / You May / Be Billed",
                "Amount You / May Be Billed", "Patient / May Owe"),
    "patient": ("What You Owe", "Your Responsibility", "Patient Responsibility",
                "Member / Responsibility", "You May Owe", "Patient / Resp", "Amount You Owe"),
    "deductible": ("Deductible", "Applied to Deductible", "Deductible / Amount", "Ded",
                   "Your / Deductible", "DEDUCTIBLE / AMOUNT"),
    "coinsurance": ("Coinsurance", "Co-Insurance", "Coins", "Your / Coinsurance",
                    "CO-INSURANCE / AMOUNT"),
    "copay": ("Copay", "Co-pay", "Copayment", "Your / Copay", "COPAY / AMOUNT"),
    "contractual": ("Plan Discount", "Contractual Adjustment", "Discount", "Not Allowed",
                    "CONTRACTUAL / ADJUSTMENT / AMOUNT", "Amount / Not Covered", "Provider / Write-Off"),
    "approved_yn": ("Service Approved?", "Approved?", "Covered?", "Svc / Approved?",
                    "Claim / Approved?"),
    "notes": ("See Notes", "Notes", "See Notes / Below", "Msg", "Remarks"),
    "reason": ("Reason Code", "Adj Codes", "Group / Reason", "CARC", "Adjustment / Reason / Code"),
    "stmt_charge": ("Charges", "Charge", "Amount Billed", "Total Charges", "Fee", "Gross / Charges"),
    "stmt_ins": ("Insurance Paid", "Ins Pmt", "Insurance / Payments", "Medicare Paid",
                 "Payer / Payment", "Ins Paid"),
    "stmt_adj": ("Adjustments", "Adj", "Insurance / Adjustment", "Write-off", "Contractual / Adj"),
    "stmt_owe": ("Patient Balance", "You Owe", "Balance Due", "Patient / Responsibility",
                 "Amount Due", "Pt Due", "Your Balance"),
    "ledger_pay": ("Payments", "Credits", "Pmts / Adj", "Payment", "Receipts"),
    "ledger_bal": ("Balance", "Running Balance", "Account / Balance", "Bal", "Balance / Forward"),
    "qty": ("Units", "Qty", "Quantity", "Svc Units", "Days/Units"),
    "rev": ("Rev Code", "Revenue Code", "Rev", "UB Code", "Dept"),
}


def header(rng: random.Random, field: str) -> list[str]:
    """One wording of a column header, as 1-3 stacked rows."""
    words = rng.choice(HEADERS[field])
    rows = [w.strip() for w in words.split(" / ")]
    if len(rows) == 1 and " " in words and rng.random() < 0.35:
        head, _, tail = words.rpartition(" ")
        rows = [head, tail]  # a long header wrapped onto two rows
    return rows[:3]


def money(rng_style: str, x: Decimal) -> str:
    """An amount in one of the styles papers use; negatives in the style's way."""
    neg = x < 0
    a = abs(x)
    body = f"{a:,.2f}" if "comma" in rng_style else f"{a:.2f}"
    if "dollar" in rng_style:
        body = "$" + body
    if not neg:
        return body
    if "paren" in rng_style:
        return f"({body})"
    if "trail" in rng_style:
        return f"{body}-"
    if "cr" in rng_style:
        return f"{body} CR"
    return f"-{body}"


MONEY_STYLES = ("dollar comma", "comma", "plain", "dollar comma paren", "comma trail",
                "dollar plain", "comma cr")


def money_style(rng: random.Random) -> str:
    return rng.choice(MONEY_STYLES)


DATE_STYLES = ("%m/%d/%Y", "%m/%d/%y", "%b %d, %Y", "%B %d, %Y", "%m-%d-%Y", "%Y-%m-%d",
               "numeric-nopad")


def date_style(rng: random.Random, *, words: bool = True) -> str:
    styles = DATE_STYLES if words else ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "numeric-nopad")
    return rng.choice(styles)


def fmt_date(style: str, d: date) -> str:
    if style == "numeric-nopad":
        return f"{d.month}/{d.day}/{d.year}"
    return d.strftime(style)


PROVIDERS = ("Springfield Family Clinic", "Lakeview Internal Medicine", "Cedar Ridge Medical Group",
             "North Shore Orthopedics", "Maple Valley Physical Therapy", "Riverbend Cardiology",
             "Oak Hill Primary Care", "Summit Laboratory Services", "Harbor Imaging Center",
             "Pinecrest Podiatry", "Willow Creek Nursing & Rehab", "Bayside Family Practice")
DME_SUPPLIERS = ("Apex Home Medical Supply", "ComfortCare DME", "Sunrise Respiratory Services",
                 "Liberty Medical Equipment")
HOSPITALS = ("St. Anne Regional Hospital", "Mercy General Hospital", "Valley Community Hospital",
             "Northfield Medical Center")
PATIENTS = ("Mary J Sample", "Robert L Doe", "Linda Alvarez", "James Okafor", "Dorothy Kim",
            "Harold Nguyen", "Patricia Russo", "George Whitfield")
PLANS_COMMERCIAL = ("Keystone Health Plan PPO", "Evergreen Choice POS", "Summit Blue HMO",
                    "Great Lakes Health Open Access")
PLANS_MA = ("Sunshine Medicare Advantage HMO", "Heritage Medicare Advantage PPO",
            "Golden Years Medicare Advantage Plan (HMO)", "Evergreen Medicare Advantage")
PLANS_MEDICAID = ("State Medicaid Managed Care Plan", "Community Medicaid Health Plan",
                  "Medicaid Family Care Plan")
