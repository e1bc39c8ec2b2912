"""The upload-or-type form (Flask-WTF): papers, typed lines, and answers that change the rules."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

try:  # wtforms >= 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older wtforms takes the tuples as they are

    def SelectChoice(value: str, label: str) -> tuple[str, str]:  # type: ignore[no-redef]  # noqa: N802
        """A (value, label) tuple, as wtforms before 3.3 wants."""
        return (value, label)

# The same bound as MAX_FORM_MEMORY_SIZE in app.py, said in characters for the form error.
MAX_TYPED_CHARS = 1_000_000

QMB_CHOICES = [
    SelectChoice("yes", "Yes"),
    SelectChoice("no", "No"),
    SelectChoice("unsure", "I am not sure"),
]

COVERAGE_CHOICES = [
    SelectChoice("", "I am not sure"),
    SelectChoice("original_medicare", "Original Medicare"),
    SelectChoice("medicare_advantage", "A Medicare Advantage plan"),
    SelectChoice("commercial", "Other insurance (from work or bought on your own)"),
    SelectChoice("medicaid", "Medicaid"),
]

LANG_CHOICES = [
    SelectChoice("en", "English"),
    SelectChoice("es", "Español"),
]


class ExplainForm(FlaskForm):
    """What the person gives us: notice and bill files or typed lines, plus a few answers."""

    notice_files = MultipleFileField("Your Medicare notice, insurance statement or 835 file")
    notice_text = TextAreaField(
        "Or type the lines of your notice",
        validators=[Optional(), Length(max=MAX_TYPED_CHARS)],
    )
    bill_files = MultipleFileField("The bill from your doctor, hospital or clinic")
    bill_text = TextAreaField(
        "Or type the lines of your bill",
        validators=[Optional(), Length(max=MAX_TYPED_CHARS)],
    )
    qmb = RadioField(
        "Do you have QMB (the Qualified Medicare Beneficiary program) or full Medicaid?",
        choices=QMB_CHOICES,
        default="unsure",
    )
    coverage = SelectField(
        "What kind of coverage sent the notice?", choices=COVERAGE_CHOICES, default=""
    )
    notice_received = DateField(
        "When did you get the notice in the mail? (you can leave this empty)",
        validators=[Optional()],
    )
    lang = SelectField("Language for the explanation", choices=LANG_CHOICES, default="en")
