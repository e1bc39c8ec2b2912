"""Look up any code (group, CARC, RARC, procedure) in the content library."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .content import Library, ProcedureRange
from .model import CodeExplanation, CodeSystem, Document, Group

_GROUPS = {group.value for group in Group}
_RARC = re.compile(r"^(?:MA\d{2,3}|M\d{1,3}|N\d{1,3})$")
_CARC = re.compile(r"^(?:\d{1,3}|[A-D]\d{1,2}|P\d{1,2}|W\d|Y\d)$")
_PROCEDURE = re.compile(r"^(?:\d{4}[0-9A-Z]|[A-V]\d{4})$")
_QUERY_PAIR = re.compile(r"^(CO|PR|OA|PI|CR)[\s\-_:/]*([A-Z]?\d{1,3})$")


def _unknown(system: CodeSystem, code: str, lang: str) -> CodeExplanation:
    if lang == "es":
        title = "Código que no podemos explicar"
        plain = (
            f"No tenemos el código {code} en nuestra lista. Pregunte a quien le envió este papel "
            "qué quiere decir."
        )
    else:
        title = "A code we cannot explain"
        plain = f"We do not have code {code} in our list. Ask whoever sent you this paper what it means."
    return CodeExplanation(
        system=system, code=code, title=title, plain=plain, patient_pays=None, known=False
    )


def _procedure_range(library: Library, code: str) -> ProcedureRange | None:
    for entry in library.procedures:
        if entry.covers(code):
            return entry
    return None


def explain_procedure(library: Library, code: str, lang: str = "en") -> CodeExplanation:
    """A CPT/HCPCS code as our own lay category (never the AMA descriptor, PRODUCT.md)."""
    found = _procedure_range(library, code)
    if found is None:
        return _unknown(CodeSystem.PROCEDURE, code, lang)
    spanish = lang == "es"
    return CodeExplanation(
        system=CodeSystem.PROCEDURE,
        code=code,
        title=found.title_es if spanish else found.title,
        plain=found.plain_es if spanish else found.plain,
        patient_pays=None,
        source=OFFICIAL_LISTS[CodeSystem.PROCEDURE],
    )


def explain_code(
    library: Library, system: CodeSystem, code: str, lang: str = "en"
) -> CodeExplanation:
    """One code of a known system, or an honest 'unknown' entry."""
    code = code.strip().upper()
    if system is CodeSystem.PROCEDURE:
        return explain_procedure(library, code, lang)
    entry = library.codes.get((system, code))
    if entry is None:
        return _unknown(system, code, lang)
    return entry.explain(lang)


def classify(code: str) -> CodeSystem | None:
    """Which code system a bare code belongs to, by its shape."""
    code = code.strip().upper()
    if code in _GROUPS:
        return CodeSystem.GROUP
    if _RARC.match(code):
        return CodeSystem.RARC
    if _CARC.match(code):
        return CodeSystem.CARC
    if _PROCEDURE.match(code):
        return CodeSystem.PROCEDURE
    return None


def lookup(library: Library, query: str, lang: str = "en") -> list[CodeExplanation]:
    """What a person types into the code search: 'CO-253', '253', 'N130', 'PR 2', 'co253'."""
    text = re.sub(r"\s+", " ", query.strip().upper())
    text = re.sub(r"^(CARC|RARC|CODE|REASON|REMARK)\s*", "", text)
    pair = _QUERY_PAIR.match(text)
    if pair:
        return [
            explain_code(library, CodeSystem.GROUP, pair.group(1), lang),
            explain_code(library, CodeSystem.CARC, pair.group(2), lang),
        ]
    system = classify(text)
    if system is None:
        return []
    return [explain_code(library, system, text, lang)]


def codes_in(documents: Iterable[Document]) -> Iterator[tuple[CodeSystem, str]]:
    """Every code printed in the documents, in order of first appearance (with repeats)."""
    for document in documents:
        for claim in document.claims:
            for adjustment in claim.adjustments:
                yield CodeSystem.GROUP, adjustment.group.value
                yield CodeSystem.CARC, adjustment.reason
            for remark in claim.remarks:
                yield remark_system(remark), remark
            for line in claim.lines:
                if line.procedure_code:
                    yield CodeSystem.PROCEDURE, line.procedure_code
                for adjustment in line.adjustments:
                    yield CodeSystem.GROUP, adjustment.group.value
                    yield CodeSystem.CARC, adjustment.reason
                for remark in line.remarks:
                    yield remark_system(remark), remark


def remark_system(remark: str) -> CodeSystem:
    """RARCs look like N130/MA18/M15; anything else on a notice is the notice's own note id."""
    return CodeSystem.RARC if _RARC.match(remark.upper()) else CodeSystem.MSN_NOTE


def distinct_codes(documents: Iterable[Document]) -> list[tuple[CodeSystem, str, str]]:
    """Each code once, in order of first appearance, with the source of the first paper it is on."""
    seen: set[tuple[CodeSystem, str]] = set()
    found = []
    for document in documents:
        for system, code in codes_in([document]):
            key = (system, code.upper())
            if key not in seen:
                seen.add(key)
                found.append((system, code, document.source))
    return found


def explain_codes(
    documents: Iterable[Document], library: Library, lang: str = "en"
) -> tuple[CodeExplanation, ...]:
    """Each code in the documents once, explained (contract: 'every code ... each once')."""
    return tuple(
        explain_code(library, system, code, lang) for system, code, _ in distinct_codes(documents)
    )


OFFICIAL_LISTS = {
    CodeSystem.CARC: "X12 Claim Adjustment Reason Codes (x12.org/codes/claim-adjustment-reason-codes)",
    CodeSystem.RARC: "Remittance Advice Remark Codes, maintained by CMS and published by X12 "
    "(x12.org/codes/remittance-advice-remark-codes)",
    CodeSystem.GROUP: "X12 claim adjustment group codes (x12.org)",
    CodeSystem.PROCEDURE: "CPT® code ranges (American Medical Association) and HCPCS Level II "
    "(CMS, cms.gov/medicare/coding-billing/healthcare-common-procedure-system), "
    "in our own plain words, never the code book's",
}
_INTERNAL = re.compile(
    r"FACTS\.md|RULES\.md|PRODUCT\.md|STYLE\.md|shared/|README\.md|corpus|geratools", re.IGNORECASE
)
OUR_NOTES = re.compile(
    r"FACTS\.md|RULES\.md|PRODUCT\.md|STYLE\.md|shared/|corpus|(?<!SSA )(?<!Act )(?<!U\.S\.C\. )§"
)
"""What a source shown to users must never hold: our own design files or their § sections
(check-content and tests hold every entry to it)."""
_LAW = re.compile(
    r"\b\d+ U\.S\.C\. \d+[a-z]*(?:\([0-9a-zA-Z]+\))*"
    r"|\b\d+ CFR \d+(?:\.\d+)*(?:\([0-9a-zA-Z]+\))*"
    r"|\b(?:SSA|Social Security Act) §\s?\d+[A-Z]?(?:\([0-9a-zA-Z]+\))*"
)
"""Statute and regulation citations: kept from a provenance note when the rest is ours."""


def _top_level_parts(source: str) -> list[str]:
    """Split a source note on ';' outside parentheses ('§1.7 (2 U.S.C. 906(d)(5); 42 CFR …)')."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in source:
        depth += (char == "(") - (char == ")")
        if char == ";" and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def public_source(code: CodeExplanation) -> str:
    """The source as a reader outside the project can follow it: the official list, and the
    laws our notes cite. Our own design notes (FACTS.md §…, the corpus copy) mean nothing on a
    printed handout or in the API, so they never show (issue 15)."""
    kept: list[str] = []
    for part in _top_level_parts(code.source):
        if not _INTERNAL.search(part) and not OUR_NOTES.search(part):
            kept.append(part)
            continue
        kept.extend(law for law in _LAW.findall(part) if law not in kept)
    official = OFFICIAL_LISTS.get(code.system)
    if official and official not in kept and not any("x12.org" in part for part in kept):
        kept.insert(0, official)
    return "; ".join(kept)
