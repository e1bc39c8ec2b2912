"""An Explanation as plain text for the terminal: red flags first, then every line explained."""

from __future__ import annotations

import textwrap
from typing import Any

from ..codes import explain_code
from ..content import Library
from ..model import (
    Adjustment,
    Claim,
    CodeExplanation,
    CodeSystem,
    Document,
    DocumentKind,
    Explanation,
    Finding,
    ServiceLine,
    Severity,
)
from ..values import display_date, display_money
from .claim_share import claim_share
from .summary import capped, more_claims, more_findings
from .year import year_views

WIDTH = 78
LABELS: dict[str, dict[Any, str]] = {
    "en": {
        Severity.ALERT: "RED FLAG",
        Severity.WARNING: "CHECK THIS",
        Severity.INFO: "GOOD TO KNOW",
        "none": "No problems found. Every line we could read agrees with your notice.",
        "none_notice": "No problems found on your notice.",
        "none_bill": "No problems found on your bill, as far as a bill alone can show.",
        "bill_alone": (
            "You gave us a bill without a notice. We checked what a bill alone shows: its codes,"
            " CO and QMB amounts on it, charges listed twice, and its sums. A notice from"
            " Medicare or your plan (an MSN or EOB) says what you may owe for each service."
            " Add it, and we can check every line of the bill against it."
        ),
        "unchecked": "We could not check everything. These rows hold money we could not read:",
        "no_may_owe": "We have no notice that says what you may owe.",
        "claim_owes": "This patient may owe at most",
        "claim_qmb": "QMB (N781–N783): {amount} of Medicare cost sharing is not the patient's to pay.",
        "flags": "What we found",
        "bottom": "The bottom line",
        "may_owe": "You may owe at most",
        "asks": "Your bills ask",
        "documents": "Your papers, line by line",
        "codes": "Codes on your papers",
        "next": "What to do",
        "warn": "We could not read everything",
        "billed": "charged",
        "allowed": "approved",
        "paid": "paid",
        "owes_notice": "you may owe",
        "owes_notice_qmb": "notice lists as yours",
        "owes_bill": "bill asks",
        "claim": "Claim",
        "provider": "Provider",
        "yes": "You may owe this.",
        "no": "You do not owe this.",
        "depends": "Whether you owe this depends on the group code.",
        "privacy": "Nothing you give us is kept: your papers are read in memory and forgotten.",
        "year": "Your claims by provider and month",
        "year_total": "In all",
        "deductible": "Deductible met",
        "year_incomplete": "* Some claims do not show what you may owe: the totals leave them out.",
    },
    "es": {
        Severity.ALERT: "ALERTA",
        Severity.WARNING: "REVISE ESTO",
        Severity.INFO: "BUENO SABER",
        "none": "No encontramos problemas. Cada línea que pudimos leer coincide con su aviso.",
        "none_notice": "No encontramos problemas en su aviso.",
        "none_bill": "No encontramos problemas en su factura, hasta donde una factura sola lo muestra.",
        "bill_alone": (
            "Nos dio una factura sin aviso. Revisamos lo que una factura sola muestra: sus"
            " códigos, cantidades CO y QMB, cargos repetidos y sus sumas. Un aviso de Medicare o"
            " de su plan (un MSN o EOB) dice lo que usted puede deber por cada servicio."
            " Agréguelo y podremos revisar cada línea de la factura con él."
        ),
        "unchecked": "No pudimos revisar todo. Estas filas tienen dinero que no pudimos leer:",
        "no_may_owe": "No tenemos un aviso que diga lo que usted puede deber.",
        "claim_owes": "Este paciente puede deber como máximo",
        "claim_qmb": "QMB (N781–N783): {amount} de costos compartidos de Medicare no le toca pagarlos al paciente.",
        "flags": "Lo que encontramos",
        "bottom": "En resumen",
        "may_owe": "Usted puede deber como máximo",
        "asks": "Sus facturas piden",
        "documents": "Sus papeles, línea por línea",
        "codes": "Códigos en sus papeles",
        "next": "Qué hacer",
        "warn": "No pudimos leer todo",
        "billed": "cobrado",
        "allowed": "aprobado",
        "paid": "pagado",
        "owes_notice": "puede deber",
        "owes_notice_qmb": "el aviso lo pone a su cargo",
        "owes_bill": "la factura pide",
        "claim": "Reclamación",
        "provider": "Proveedor",
        "yes": "Usted puede deber esto.",
        "no": "Usted no debe esto.",
        "depends": "Si usted lo debe depende del código de grupo.",
        "privacy": "No guardamos nada de lo que nos da: sus papeles se leen en memoria y se olvidan.",
        "year": "Sus reclamaciones por proveedor y mes",
        "year_total": "En total",
        "deductible": "Deducible ya cubierto",
        "year_incomplete": "* Algunas reclamaciones no muestran lo que puede deber: los totales no las cuentan.",
    },
}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def _finding(finding: Finding, words: dict[Any, str]) -> list[str]:
    out = [f"[{words[finding.severity]}] {finding.title}", _wrap(finding.detail)]
    for piece in finding.evidence:
        where = ", ".join(part for part in (piece.document, piece.where) if part)
        out.append(_wrap(f"- {where}: {piece.says}", "    "))
    if finding.next_steps:
        out.append(f"  {words['next']}:")
        out.extend(
            _wrap(f"{number}. {step}", "    ") for number, step in enumerate(finding.next_steps, 1)
        )
    return out


def _adjustment(library: Library, adjustment: Adjustment, lang: str) -> str:
    reason = explain_code(library, CodeSystem.CARC, adjustment.reason, lang)
    return f"{adjustment.group.value}-{adjustment.reason} {display_money(adjustment.amount)}: {reason.title}"


def _line(
    library: Library, document: Document, line: ServiceLine, lang: str, qmb: bool = False
) -> list[str]:
    words = LABELS[lang]
    # With QMB the bottom line is $0.00: the notice's figure is the paper's, not an amount owed.
    notice_owes = words["owes_notice_qmb"] if qmb else words["owes_notice"]
    owes = notice_owes if document.is_notice else words["owes_bill"]
    head = " ".join(
        part
        for part in (
            display_date(line.date_of_service, lang) if line.date_of_service else "",
            line.procedure_code or "",
            line.description or "",
        )
        if part
    )
    amounts = "; ".join(
        f"{label} {display_money(value)}"
        for label, value in (
            (words["billed"], line.billed),
            (words["allowed"], line.allowed),
            (words["paid"], line.paid),
            (owes, line.patient_owes),
        )
        if value is not None
    )
    out = [_wrap(f"• {head}: {amounts}", "    ")]
    out.extend(_wrap(f"{_adjustment(library, a, lang)}", "        ") for a in line.adjustments)
    if line.remarks:
        out.append(_wrap(", ".join(line.remarks), "        "))
    return out


def _document(library: Library, document: Document, lang: str, qmb: bool = False) -> list[str]:
    words = LABELS[lang]
    title = f"{document.source} — {document.kind.value}"
    out = [title]
    if document.warnings:
        out.append(f"  {words['warn']}:")
        out.extend(_wrap(f"- {warning}", "    ") for warning in document.warnings)
    for claim in document.claims:
        head = ", ".join(
            part
            for part in (
                f"{words['provider']}: {claim.provider}" if claim.provider else "",
                f"{words['claim']} {claim.claim_number}" if claim.claim_number else "",
            )
            if part
        )
        if head:
            out.append(f"  {head}")
        for adjustment in claim.adjustments:
            out.append(_wrap(_adjustment(library, adjustment, lang), "    "))
        for line in claim.lines:
            out.extend(_line(library, document, line, lang, qmb))
        if document.kind is DocumentKind.ERA835:
            out.extend(_claim_bottom_line(claim, words))
    return out


def _claim_bottom_line(claim: Claim, words: dict[Any, str]) -> list[str]:
    """An 835 claim's own bottom line: one patient's, never added to another's (issue 15)."""
    share = claim_share(claim)
    if share.may_owe is None:
        return []
    out = [f"    {words['claim_owes']}: {display_money(share.may_owe)}"]
    if share.protected > 0:
        out.append(_wrap(words["claim_qmb"].format(amount=display_money(share.protected)), "    "))
    return out


def _code(code: CodeExplanation, lang: str) -> list[str]:
    words = LABELS[lang]
    owes = {True: words["yes"], False: words["no"], None: words["depends"]}[code.patient_pays]
    name = (
        f"{code.code}"
        if code.system is not CodeSystem.PROCEDURE
        else f"{code.code} ({code.system.value})"
    )
    out = [f"{name} — {code.title}", _wrap(code.plain)]
    if code.system is not CodeSystem.PROCEDURE and code.known:
        out.append(_wrap(owes))
    return out


def headline(explanation: Explanation, lang: str) -> list[str]:
    """What the top of the page says when there is no red flag, or what was left unchecked.

    "No problems found" only when every row holding money was read or accounted for, and
    never "agrees with your notice" without a notice (issue 15).
    """
    words = LABELS[lang]
    out: list[str] = []
    unchecked = [
        (document.source, row) for document in explanation.documents for row in document.unchecked
    ]
    if unchecked:
        out.append(words["unchecked"])
        out.extend(f"- {source}, {row.where}: {row.text}" for source, row in unchecked)
    elif not explanation.findings:
        has_notice = any(document.is_notice for document in explanation.documents)
        has_bill = any(not document.is_notice for document in explanation.documents)
        if has_notice and has_bill:
            out.append(words["none"])
        else:
            out.append(words["none_notice"] if has_notice else words["none_bill"])
    if not any(document.is_notice for document in explanation.documents):
        out.append(words["bill_alone"])
    return out


def bottom_line(explanation: Explanation, lang: str) -> list[str]:
    """The engine's one bottom line (explainer/totals.py) and why: shown, never recomputed."""
    words = LABELS[lang]
    totals = explanation.totals
    if totals.may_owe_at_most is None and totals.bill_asks is None and not totals.why:
        return []
    out = [words["bottom"].upper()]
    if totals.may_owe_at_most is not None:
        out.append(f"  {words['may_owe']}: {display_money(totals.may_owe_at_most)}")
    elif totals.bill_asks is not None:
        out.append(_wrap(words["no_may_owe"]))
    if totals.bill_asks is not None:
        out.append(f"  {words['asks']}: {display_money(totals.bill_asks)}")
    out.extend(_wrap(f"- {sentence}", "    ") for sentence in totals.why)
    return out


YEAR_COLUMNS = {
    "en": ("Month", "Provider", "Approved", "Paid", "You may owe"),
    "es": ("Mes", "Proveedor", "Aprobado", "Pagado", "Puede deber"),
}


def _year_row(cells: tuple[str, str, str, str, str]) -> str:
    month, provider, approved, paid, owed = cells
    return f"  {month[:18]:<18} {provider[:22]:<22} {approved:>10} {paid:>10} {owed:>11}"


def year_lines(explanation: Explanation, lang: str) -> list[str]:
    """The year view of each claims download (present/year.py), as a printable table."""
    words = LABELS[lang]
    out: list[str] = []
    for view in year_views(explanation):
        out += [f"{words['year'].upper()} — {view.source}", _year_row(YEAR_COLUMNS[lang])]
        for row in view.rows:
            owed = display_money(row.may_owe) + ("" if row.complete else "*")
            cells = (row.month_label or "—", row.provider or "—", display_money(row.approved))
            out.append(_year_row((*cells, display_money(row.paid), owed)))
        owed = display_money(view.may_owe) + ("" if view.complete else "*")
        total = (words["year_total"], "", display_money(view.approved), display_money(view.paid))
        out.append(_year_row((*total, owed)))
        if view.deductible is not None:
            out.append(f"  {words['deductible']}: {display_money(view.deductible)}")
        if not view.complete:
            out.append(_wrap(words["year_incomplete"]))
        out.append("")
    return out[:-1]


def render_text(explanation: Explanation, library: Library) -> str:
    """The explanation as the CLI prints it."""
    lang = explanation.answers.lang if explanation.answers.lang in LABELS else "en"
    words = LABELS[lang]
    out: list[str] = [words["flags"].upper(), ""]
    out.extend(_wrap(line, "") for line in headline(explanation, lang))
    if out[-1] != "":
        out.append("")
    # A batch of 50,000 claims: the first findings of each kind and claims, then counts.
    shown = capped(explanation.findings, explanation.documents)
    for finding in shown.findings:
        out.extend(_finding(finding, words))
        out.append("")
    for first, count in shown.findings_left:
        out += [_wrap(more_findings(library, lang, first, count), ""), ""]
    bottom = bottom_line(explanation, lang)
    if bottom:
        out += ["", *bottom]
    year = year_lines(explanation, lang)
    if year:
        out += ["", *year]
    out += ["", words["documents"].upper()]
    qmb = any("(qmb-billed)" in sentence for sentence in explanation.totals.why)
    for document in shown.documents:
        out.extend(_document(library, document, lang, qmb))
        out.append("")
    if shown.claims_left:
        out += [_wrap(more_claims(library, lang, shown.claims_left, shown.lines_left), ""), ""]
    if explanation.codes:
        out += [words["codes"].upper()]
        for code in explanation.codes:
            out.extend(_code(code, lang))
    out += ["", words["privacy"]]
    return "\n".join(out).rstrip() + "\n"
