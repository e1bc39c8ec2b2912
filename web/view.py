"""Words and lookups the templates need to show an Explanation: labels, code index, links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from explainer import CodeExplanation, Explanation
from explainer.codes import explain_code, remark_system
from explainer.content import Library
from explainer.model import CodeSystem

# Severity is said in words and an icon, never by colour alone (WCAG 1.4.1).
SEVERITY_LABELS: Mapping[str, str] = {
    "alert": "Red flag",
    "warning": "Check this",
    "info": "Good to know",
}
SEVERITY_ICONS: Mapping[str, str] = {"alert": "!", "warning": "?", "info": "i"}

KIND_NAMES: Mapping[str, str] = {
    "msn": "Medicare Summary Notice",
    "eob": "Explanation of Benefits from your insurance",
    "era835": "Payment file (835) sent to the provider",
    "provider_bill": "Bill from your provider",
    "notice": "Notice from Medicare or your plan",
}
FORMAT_NAMES: Mapping[str, str] = {
    "pdf": "a PDF",
    "image": "a photo or scan",
    "x12": "an 835 file",
    "text": "a text file",
}
COVERAGE_NAMES: Mapping[str, str] = {
    "original_medicare": "Original Medicare",
    "medicare_advantage": "Medicare Advantage",
    "medicare_part_d": "Medicare drug plan (Part D)",
    "medicaid": "Medicaid",
    "commercial": "Other insurance",
    "unknown": "We could not tell",
}
SYSTEM_NAMES: Mapping[str, str] = {
    "group": "group code",
    "carc": "reason code",
    "rarc": "remark code",
    "procedure": "service code",
    "msn_note": "note on your notice",
}
SYSTEM_HEADINGS: Mapping[str, str] = {
    "group": "Group codes: who takes the amount",
    "carc": "Reason codes: why the amount changed",
    "rarc": "Remark codes: extra notes",
    "msn_note": "Notes on Medicare Summary Notices",
}
# The code handout prints in the language asked for (?lang=es), headings included.
HANDOUT_WORDS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "kicker": "Code handout",
        "what_is": "What is",
        "means": "What it means",
        "who": "tells who takes the amount.",
        "why": "tells why.",
        "owe": "Do you owe it?",
        "yes": "You may owe this.",
        "no": "You do not owe this.",
        "depends": "It depends. Read what it means above.",
        "todo": "What to do",
        "example": "An example",
        "inactive": "This code is no longer used on new papers. Older papers may still show it.",
        "source": "Where this comes from",
        "other_lang": "Leer en español",
    },
    "es": {
        "kicker": "Hoja sobre un código",
        "what_is": "¿Qué es",
        "means": "Qué quiere decir",
        "who": "dice quién asume la cantidad.",
        "why": "dice por qué.",
        "owe": "¿Lo debe usted?",
        "yes": "Es posible que usted deba esto.",
        "no": "Usted no debe esto.",
        "depends": "Depende. Lea arriba qué quiere decir.",
        "todo": "Qué hacer",
        "example": "Un ejemplo",
        "inactive": (
            "Este código ya no se usa en papeles nuevos. "
            "Los papeles viejos todavía pueden tenerlo."
        ),
        "source": "De dónde viene esto",
        "other_lang": "Read in English",
    },
}
TYPED_NAMES: Mapping[str, str] = {
    "typed:notice": "The notice lines you typed",
    "typed:bill": "The bill lines you typed",
}


def long_date(day: date | None) -> str:
    """'March 4, 2025' for people; '' where unknown."""
    if day is None:
        return ""
    return f"{day:%B} {day.day}, {day.year}"


def same_words(first: str | None, second: str | None) -> bool:
    """Do two labels say the same thing (so we show only one)?"""
    if not first or not second:
        return False
    return first.strip().casefold() == second.strip().casefold()


def source_name(source: str) -> str:
    """A document's name as people should read it ('typed:bill' → 'The bill lines you typed')."""
    return TYPED_NAMES.get(source, source)


def owe_key(patient_pays: bool | None) -> str:
    """'yes', 'no' or 'depends' for a code's patient_pays."""
    if patient_pays is True:
        return "yes"
    if patient_pays is False:
        return "no"
    return "depends"


def owes_words(patient_pays: bool | None, lang: str = "en") -> str:
    """The answer to 'Do I owe this?' for one code."""
    words = HANDOUT_WORDS.get(lang, HANDOUT_WORDS["en"])
    return words[owe_key(patient_pays)]


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


def has_warnings(explanation: Explanation) -> bool:
    """Did any paper have parts we could not read?"""
    return any(document.warnings for document in explanation.documents)


def template_helpers() -> dict[str, object]:
    """Names every template may use."""
    return {
        "severity_label": lambda severity: SEVERITY_LABELS.get(str(severity), "Note"),
        "severity_icon": lambda severity: SEVERITY_ICONS.get(str(severity), "i"),
        "kind_name": lambda kind: KIND_NAMES.get(str(kind), str(kind)),
        "format_name": lambda fmt: FORMAT_NAMES.get(str(fmt), str(fmt)),
        "coverage_name": lambda coverage: COVERAGE_NAMES.get(str(coverage), str(coverage)),
        "system_name": lambda system: SYSTEM_NAMES.get(str(system), str(system)),
        "system_heading": lambda system: SYSTEM_HEADINGS.get(str(system), str(system)),
        "handout_words": lambda lang: HANDOUT_WORDS.get(str(lang), HANDOUT_WORDS["en"]),
        "owe_key": owe_key,
        "source_name": source_name,
        "same_words": same_words,
        "is_typed": lambda source: str(source) in TYPED_NAMES,
        "long_date": long_date,
        "owes_words": owes_words,
    }
