"""Words and lookups the templates need to show an Explanation: labels, code index, links."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext, lazy_gettext
from markupsafe import Markup, escape

from explainer import CodeExplanation, Explanation
from explainer.codes import explain_code, remark_system
from explainer.content import Library
from explainer.model import CodeSystem, Document, UncheckedRow
from explainer.values import display_date

from .language import current_lang, words_in

# Severity is said in words and an icon, never by colour alone (WCAG 1.4.1).
SEVERITY_LABELS: Mapping[str, str] = {
    "alert": lazy_gettext("Red flag"),
    "warning": lazy_gettext("Check this"),
    "info": lazy_gettext("Good to know"),
}
SEVERITY_ICONS: Mapping[str, str] = {"alert": "!", "warning": "?", "info": "i"}

KIND_NAMES: Mapping[str, str] = {
    "msn": lazy_gettext("Medicare Summary Notice"),
    "eob": lazy_gettext("Explanation of Benefits from your insurance"),
    "era835": lazy_gettext("Payment file (835) sent to the provider"),
    "provider_bill": lazy_gettext("Bill from your provider"),
    "notice": lazy_gettext("Notice from Medicare or your plan"),
    "claims_download": lazy_gettext("Claims you downloaded from Medicare.gov or your plan"),
}
FORMAT_NAMES: Mapping[str, str] = {
    "pdf": lazy_gettext("a PDF"),
    "image": lazy_gettext("a photo or scan"),
    "x12": lazy_gettext("an 835 file"),
    "text": lazy_gettext("a text file"),
    "fhir": lazy_gettext("a FHIR file (.json)"),
}
COVERAGE_NAMES: Mapping[str, str] = {
    "original_medicare": lazy_gettext("Original Medicare"),
    "medicare_advantage": lazy_gettext("Medicare Advantage"),
    "medicare_part_d": lazy_gettext("Medicare drug plan (Part D)"),
    "medicaid": lazy_gettext("Medicaid"),
    "commercial": lazy_gettext("Other insurance"),
    "unknown": lazy_gettext("We could not tell"),
}
SYSTEM_NAMES: Mapping[str, str] = {
    "group": lazy_gettext("group code"),
    "carc": lazy_gettext("reason code"),
    "rarc": lazy_gettext("remark code"),
    "procedure": lazy_gettext("service code"),
    "msn_note": lazy_gettext("note on your notice"),
}
SYSTEM_HEADINGS: Mapping[str, str] = {
    "group": lazy_gettext("Group codes: who takes the amount"),
    "carc": lazy_gettext("Reason codes: why the amount changed"),
    "rarc": lazy_gettext("Remark codes: extra notes"),
    "msn_note": lazy_gettext("Notes on Medicare Summary Notices"),
}
# The link to the same handout in the other language is written in that other language.
OTHER_LANG_LINKS: Mapping[str, str] = {"en": "Read in English", "es": "Leer en español"}
TYPED_NAMES: Mapping[str, str] = {
    "typed:notice": lazy_gettext("The notice lines you typed"),
    "typed:bill": lazy_gettext("The bill lines you typed"),
}

# Where on a paper the engine saw something: 'line 3', 'page 2, line 4', 'claim 123 (no. 2 in
# this payment), line 1' (explainer/extract). The engine writes these in English; the pages
# say them in their own language, and keep the engine's words for anything else.
# A claims download adds where in the file: 'claim 123 (file line 32), line 1 (file line 56)'.
PLACE = re.compile(
    r"(?:claim no\. (?P<ordinal>\d+) \(no claim number\)"
    r"|claim (?P<claim>.+?)(?: \(no\. (?P<nth>\d+) in this payment\))?"
    r"(?: \(file line (?P<claim_row>\d+)\))?"
    r"|page (?P<page>\d+))"
    r"(?:, line (?P<line>\d+)(?: \(file line (?P<line_row>\d+)\))?)?"
    r"(?:, file line (?P<row>\d+))?"
    r"|line (?P<only_line>\d+)"
)


def other_lang(lang: str) -> str:
    """The language a handout offers to switch to."""
    return "es" if lang == "en" else "en"


def long_date(day: date | None) -> str:
    """'March 4, 2025' / '4 de marzo de 2025' in the page's language; '' where unknown."""
    if day is None:
        return ""
    return display_date(day, current_lang())


def place_name(where: str) -> str:
    """Where on a paper, in the page's language ('line 3' → 'línea 3'); else as the engine said."""
    match = PLACE.fullmatch(where.strip())
    if match is None:
        return where
    parts = []
    if match["ordinal"]:
        parts.append(gettext("claim no. %(number)s (no claim number)", number=match["ordinal"]))
    elif match["claim"] and match["nth"]:
        parts.append(
            gettext(
                "claim %(claim)s (no. %(number)s in this payment)",
                claim=match["claim"],
                number=match["nth"],
            )
        )
    elif match["claim"]:
        parts.append(gettext("claim %(claim)s", claim=match["claim"]))
    elif match["page"]:
        parts.append(gettext("page %(number)s", number=match["page"]))
    if match["claim_row"]:
        parts[-1] += f" ({gettext('file line %(number)s', number=match['claim_row'])})"
    line = match["line"] or match["only_line"]
    if line:
        parts.append(gettext("line %(number)s", number=line))
    if match["line_row"]:
        parts[-1] += f" ({gettext('file line %(number)s', number=match['line_row'])})"
    if match["row"]:
        parts.append(gettext("file line %(number)s", number=match["row"]))
    return ", ".join(parts)


def same_words(first: str | None, second: str | None) -> bool:
    """Do two labels say the same thing (so we show only one)?"""
    if not first or not second:
        return False
    return first.strip().casefold() == second.strip().casefold()


def source_name(source: str) -> str:
    """A document's name as people should read it ('typed:bill' → 'The bill lines you typed')."""
    return str(TYPED_NAMES.get(source, source))


def owe_key(patient_pays: bool | None) -> str:
    """'yes', 'no' or 'depends' for a code's patient_pays."""
    if patient_pays is True:
        return "yes"
    if patient_pays is False:
        return "no"
    return "depends"


def _owe_answers() -> dict[str, str]:
    """The three answers to 'Do I owe this?', by owe_key."""
    return {
        "yes": gettext("You may owe this."),
        "no": gettext("You do not owe this."),
        "depends": gettext("It depends. Read what it means above."),
    }


def owes_words(patient_pays: bool | None, lang: str | None = None) -> str:
    """The answer to 'Do I owe this?' for one code, in `lang` (default: the page's language)."""
    return words_in(lang or current_lang(), _owe_answers)[owe_key(patient_pays)]


@dataclass(frozen=True, slots=True)
class CodeIndex:
    """The explanation's codes by (system, code), so each line can show its codes' meanings."""

    by_key: Mapping[tuple[str, str], CodeExplanation]
    library: Library
    lang: str

    @classmethod
    def build(cls, codes: Iterable[CodeExplanation], library: Library, lang: str) -> CodeIndex:
        """Index the codes the engine explained."""
        return cls({(c.system.value, c.code.upper()): c for c in codes}, library, lang)

    def get(self, system: str, code: str) -> CodeExplanation:
        """One code's explanation; asks the library if the engine did not list it."""
        found = self.by_key.get((system, code.upper()))
        if found is not None:
            return found
        return explain_code(self.library, CodeSystem(system), code, self.lang)

    def group(self, code: str) -> CodeExplanation:
        """A group code (CO, PR, OA, PI, CR)."""
        return self.get(CodeSystem.GROUP.value, code)

    def reason(self, code: str) -> CodeExplanation:
        """A claim adjustment reason code (CARC)."""
        return self.get(CodeSystem.CARC.value, code)

    def remark(self, code: str) -> CodeExplanation:
        """A remark code (RARC) or a notice's own note id."""
        return self.get(remark_system(code).value, code)

    def procedure(self, code: str) -> CodeExplanation:
        """A CPT/HCPCS code as our lay category."""
        return self.get(CodeSystem.PROCEDURE.value, code)


# English terms the Spanish texts keep so a reader can match their papers ("sequestration"):
# marked lang="en" so screen readers say them in English (issue 15).
ENGLISH_TERMS = re.compile(r"\b(sequestration)\b")


def en_terms(text: str, lang: str) -> Markup:
    """The text, escaped, with the English terms inside a non-English text marked lang="en"."""
    escaped = str(escape(text))
    if lang == "en":
        return Markup(escaped)
    return Markup(ENGLISH_TERMS.sub(r'<span lang="en">\1</span>', escaped))


def qmb_page(explanation: Explanation) -> bool:
    """Did the bottom line take QMB cost sharing off (its why names qmb-billed)?"""
    return any("(qmb-billed)" in sentence for sentence in explanation.totals.why)


def has_notice(explanation: Explanation) -> bool:
    """Was any notice (MSN, EOB, 835) given, or only bills?"""
    return any(document.is_notice for document in explanation.documents)


def unchecked_rows(explanation: Explanation) -> list[tuple[Document, UncheckedRow]]:
    """Rows holding money the readers could neither read nor account for, with their paper."""
    return [(document, row) for document in explanation.documents for row in document.unchecked]


def has_warnings(explanation: Explanation) -> bool:
    """Did any paper have parts we could not read?"""
    return any(document.warnings for document in explanation.documents)


def template_helpers() -> dict[str, object]:
    """Names every template may use."""
    return {
        "severity_label": lambda severity: SEVERITY_LABELS.get(str(severity), gettext("Note")),
        "severity_icon": lambda severity: SEVERITY_ICONS.get(str(severity), "i"),
        "kind_name": lambda kind: KIND_NAMES.get(str(kind), str(kind)),
        "format_name": lambda fmt: FORMAT_NAMES.get(str(fmt), str(fmt)),
        "coverage_name": lambda coverage: COVERAGE_NAMES.get(str(coverage), str(coverage)),
        "system_name": lambda system: SYSTEM_NAMES.get(str(system), str(system)),
        "system_heading": lambda system: SYSTEM_HEADINGS.get(str(system), str(system)),
        "other_lang": other_lang,
        "other_lang_link": lambda lang: OTHER_LANG_LINKS[other_lang(str(lang))],
        "place_name": place_name,
        "owe_key": owe_key,
        "source_name": source_name,
        "same_words": same_words,
        "is_typed": lambda source: str(source) in TYPED_NAMES,
        "long_date": long_date,
        "owes_words": owes_words,
        "en_terms": en_terms,
    }
