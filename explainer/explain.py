"""The pipeline: read → extract → explain codes → check → Explanation (one direction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .checks import ALL_CHECKS, Bundle
from .codes import explain_codes
from .content import library
from .limits import WEB, Limits, read_within_limits
from .model import Answers, Document, Explanation, Finding, Severity
from .read.upload import Upload
from .totals import compute_totals

SEVERITY_ORDER = {Severity.ALERT: 0, Severity.WARNING: 1, Severity.INFO: 2}


def explain(documents: Sequence[Document], answers: Answers | None = None) -> Explanation:
    """Explain the codes in `documents` and run every check; red flags come first."""
    answers = answers or Answers()
    content = library()
    bundle = Bundle(
        documents=tuple(documents),
        answers=answers,
        library=content,
        today=answers.today or date.today(),
    )
    findings: list[Finding] = []
    for check in ALL_CHECKS:
        findings.extend(check(bundle))
    findings.sort(key=lambda finding: SEVERITY_ORDER[finding.severity])
    return Explanation(
        documents=bundle.documents,
        findings=tuple(findings),
        codes=explain_codes(bundle.documents, content, answers.lang),
        totals=compute_totals(bundle, findings),
        answers=answers,
    )


def explain_uploads(
    uploads: Sequence[Upload], answers: Answers | None = None, limits: Limits = WEB
) -> Explanation:
    """Read the uploaded papers (under the profile's time and size limits) and explain them.

    The web's profile is the default; the command line passes LOCAL for the user's own files.
    """
    return explain(read_within_limits(uploads, limits), answers)
