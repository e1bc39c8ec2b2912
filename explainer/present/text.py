"""An Explanation as plain text for the terminal: red flags first, then every line explained."""

from __future__ import annotations

import textwrap
from typing import Any

from ..codes import explain_code
from ..content import Library
from ..model import (
    Adjustment,
    CodeExplanation,
    CodeSystem,
    Document,
    Explanation,
    Finding,
    ServiceLine,
    Severity,
)
from ..values import display_date, display_money

WIDTH = 78
LABELS: dict[str, dict[Any, str]] = {
    "en": {
        Severity.ALERT: "RED FLAG",
        Severity.WARNING: "CHECK THIS",
        Severity.INFO: "GOOD TO KNOW",
        "none": "No problems found. Every line we could read agrees with your notice.",
        "flags": "What we found",
        "bottom": "The bottom line",
        "may_owe": "Your notices say you may owe at most",
        "asks": "Your bills ask",
        "documents": "Your papers, line by line",
        "codes": "Codes on your papers",
        "next": "What to do",
        "warn": "We could not read everything",
        "billed": "charged",
        "allowed": "approved",
        "paid": "paid",
        "owes_notice": "you may owe",
        "owes_bill": "bill asks",
        "claim": "Claim",
        "provider": "Provider",
        "yes": "You may owe this.",
        "no": "You do not owe this.",
        "depends": "Whether you owe this depends on the group code.",
        "privacy": "Nothing you give us is kept: your papers are read in memory and forgotten.",
    },
    "es": {
        Severity.ALERT: "ALERTA",
        Severity.WARNING: "REVISE ESTO",
        Severity.INFO: "BUENO SABER",
        "none": "No encontramos problemas. Cada línea que pudimos leer coincide con su aviso.",
        "flags": "Lo que encontramos",
        "bottom": "En resumen",
        "may_owe": "Sus avisos dicen que puede deber como máximo",
        "asks": "Sus facturas piden",
        "documents": "Sus papeles, línea por línea",
        "codes": "Códigos en sus papeles",
        "next": "Qué hacer",
        "warn": "No pudimos leer todo",
        "billed": "cobrado",
        "allowed": "aprobado",
        "paid": "pagado",
        "owes_notice": "puede deber",
        "owes_bill": "la factura pide",
        "claim": "Reclamación",
        "provider": "Proveedor",
        "yes": "Usted puede deber esto.",
        "no": "Usted no debe esto.",
        "depends": "Si usted lo debe depende del código de grupo.",
        "privacy": "No guardamos nada de lo que nos da: sus papeles se leen en memoria y se olvidan.",
    },
}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


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


def _line(library: Library, document: Document, line: ServiceLine, lang: str) -> list[str]:
    words = LABELS[lang]
    owes = words["owes_notice"] if document.is_notice else words["owes_bill"]
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


def _document(library: Library, document: Document, lang: str) -> list[str]:
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
            out.extend(_line(library, document, line, lang))
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


def render_text(explanation: Explanation, library: Library) -> str:
    """The explanation as the CLI prints it."""
    lang = explanation.answers.lang if explanation.answers.lang in LABELS else "en"
    words = LABELS[lang]
    out: list[str] = [words["flags"].upper(), ""]
    if not explanation.findings:
        out.append(_wrap(words["none"], ""))
    for finding in explanation.findings:
        out.extend(_finding(finding, words))
        out.append("")
    totals = explanation.totals
    if totals.may_owe_at_most is not None or totals.bill_asks is not None:
        out += ["", words["bottom"].upper()]
        if totals.may_owe_at_most is not None:
            out.append(f"  {words['may_owe']}: {display_money(totals.may_owe_at_most)}")
        if totals.bill_asks is not None:
            out.append(f"  {words['asks']}: {display_money(totals.bill_asks)}")
    out += ["", words["documents"].upper()]
    for document in explanation.documents:
        out.extend(_document(library, document, lang))
        out.append("")
    if explanation.codes:
        out += [words["codes"].upper()]
        for code in explanation.codes:
            out.extend(_code(code, lang))
    out += ["", words["privacy"]]
    return "\n".join(out).rstrip() + "\n"
