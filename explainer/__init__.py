"""bill-explainer's engine: read billing papers, explain every line and code, check the bill.

No web framework here (STYLE.md point 1). The CLI, the JSON API and the pages all call
`explain_uploads` (or `read_uploads` + `explain`) and present the `Explanation` it returns.
"""

from .errors import (
    ContentError,
    ExplainerError,
    LimitExceeded,
    UnreadableDocument,
    UnsupportedDocument,
)
from .explain import explain, explain_uploads
from .model import (
    Adjustment,
    Answers,
    Claim,
    CodeExplanation,
    Coverage,
    Document,
    DocumentKind,
    Explanation,
    Finding,
    Format,
    Group,
    ServiceLine,
    Severity,
)
from .read.upload import Role, Upload, read_uploads

__all__ = [
    "Adjustment",
    "Answers",
    "Claim",
    "CodeExplanation",
    "ContentError",
    "Coverage",
    "Document",
    "DocumentKind",
    "ExplainerError",
    "Explanation",
    "Finding",
    "Format",
    "Group",
    "LimitExceeded",
    "Role",
    "ServiceLine",
    "Severity",
    "UnreadableDocument",
    "UnsupportedDocument",
    "Upload",
    "explain",
    "explain_uploads",
    "read_uploads",
]
