"""The Medicare.gov claims text download → claims as labelled fields, by line number.

The file is a list of `Label: value` lines under section titles set between dashed lines
("Demographic", "Plans", …, "Claim Summary", "Claim Lines for Claim Number: …"). Only the
claims part is kept: the demographic, contact, condition, drug, plan and insurance sections
are not services (reading them as bill lines was the old "we could not read 'Date of Birth'"
warning). What the labels mean is the extractor's business (extract/bluebutton_text.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_RULE = re.compile(r"^-{8,}\s*$")
_FIELD = re.compile(r"^(?P<label>[^:\n]{1,100}?)\s*:\s*(?P<value>.*?)\s*$")
_LINES_TITLE = re.compile(r"^Claim Lines for Claim Number:\s*(?P<number>\S+)", re.I)
_CLAIMS_TITLE = re.compile(r"^Claim Summary\s*$", re.I)
_DRUG_TITLE = re.compile(r"Part D Claims\s*$", re.I)
"""2025: 'Prescription Drug / Part D Claims', one claim per 'Claim Service Date' (no number)."""
GENERATION_2013 = "2013"
GENERATION_2025 = "2025"


@dataclass(frozen=True, slots=True)
class TextField:
    label: str
    value: str
    line: int
    """1-based line of the file, for evidence."""


@dataclass(slots=True)
class TextClaim:
    fields: list[TextField] = field(default_factory=list)
    lines: list[list[TextField]] = field(default_factory=list)
    number: str | None = None
    number_read: bool = False
    line: int = 0
    drug: bool = False
    """Listed in the Part D section (the 2025 export prints no claim type or number there)."""

    def add(self, item: TextField) -> None:
        (self.lines[-1] if self.lines else self.fields).append(item)


@dataclass(slots=True)
class TextDownload:
    generation: str
    claims: list[TextClaim] = field(default_factory=list)


def _generation(text: str) -> str:
    head = text[:2048]
    return GENERATION_2013 if re.search(r"MYMEDICARE\.GOV", head) else GENERATION_2025


def read_claims_text(text: str) -> TextDownload:
    """Claims of the download in order: summary fields, then each service line's fields."""
    download = TextDownload(generation=_generation(text))
    lines = text.splitlines()
    in_claims = in_drugs = False
    current: TextClaim | None = None
    after_rule = False
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if _RULE.match(line):
            after_rule = True
            continue
        if not line:
            continue
        titled = after_rule and ":" not in line
        after_rule = False
        lines_title = _LINES_TITLE.match(line)
        if lines_title:
            in_claims = True
            if current is None or current.number != lines_title.group("number"):
                current = TextClaim(number=lines_title.group("number"), line=number)
                download.claims.append(current)
            continue
        if titled:
            in_drugs = bool(_DRUG_TITLE.search(line))
            in_claims = in_drugs or bool(_CLAIMS_TITLE.match(line))
            continue
        if not in_claims:
            continue
        match = _FIELD.match(line)
        if not match:
            continue
        item = TextField(match.group("label").strip(), match.group("value").strip(), number)
        label = item.label.lower()
        if in_drugs and label == "claim service date":
            current = TextClaim(line=number, drug=True)
            download.claims.append(current)
        elif label == "claim number":
            if current is None or current.number != item.value or current.number_read:
                current = TextClaim(number=item.value, line=number)
                download.claims.append(current)
            current.number_read = True
        if current is None:
            continue
        if label == "line number":
            current.lines.append([])
        current.add(item)
    return download
