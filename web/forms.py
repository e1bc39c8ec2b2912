"""The upload-or-type form (Flask-WTF): papers, typed lines, and answers that change the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from .language import current_lang

try:  # wtforms >= 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms import SelectChoice
except ImportError:  # pragma: no cover - older wtforms takes the tuples as they are

    def SelectChoice(  # type: ignore[no-redef]  # noqa: N802
        value: str, label: str, render_kw: dict[str, str] | None = None
    ) -> tuple[str, str]:
        """A (value, label) tuple, as wtforms before 3.3 wants (no per-option attributes)."""
        return (value, label)


# The same bound as MAX_FORM_MEMORY_SIZE in app.py, said in characters for the form error.
MAX_TYPED_CHARS = 1_000_000

QMB_CHOICES = [
    SelectChoice("yes", lazy_gettext("Yes")),
    SelectChoice("no", lazy_gettext("No")),
    SelectChoice("unsure", lazy_gettext("I am not sure")),
]

COVERAGE_CHOICES = [
    SelectChoice("", lazy_gettext("I am not sure")),
    SelectChoice("original_medicare", lazy_gettext("Original Medicare")),
    SelectChoice("medicare_advantage", lazy_gettext("A Medicare Advantage plan")),
    SelectChoice("commercial", lazy_gettext("Other insurance (from work or bought on your own)")),
    SelectChoice("medicaid", lazy_gettext("Medicaid")),
]

# Each language names itself (and says so to screen readers), whatever the page's language.
LANG_CHOICES = [
    SelectChoice("en", "English", render_kw={"lang": "en"}),
    SelectChoice("es", "Español", render_kw={"lang": "es"}),
]


class ExplainForm(FlaskForm):
    """What the person gives us: notice and bill files or typed lines, plus a few answers."""

    notice_files = MultipleFileField(
        lazy_gettext("Your Medicare notice, insurance statement or 835 file")
    )
    notice_text = TextAreaField(
        lazy_gettext("Or type the lines of your notice"),
        validators=[Optional(), Length(max=MAX_TYPED_CHARS)],
    )
    bill_files = MultipleFileField(lazy_gettext("The bill from your doctor, hospital or clinic"))
    bill_text = TextAreaField(
        lazy_gettext("Or type the lines of your bill"),
        validators=[Optional(), Length(max=MAX_TYPED_CHARS)],
    )
    qmb = RadioField(
        lazy_gettext("Do you have QMB (the Qualified Medicare Beneficiary program)?"),
        choices=QMB_CHOICES,
        default="unsure",
    )
    # A separate question: full Medicaid is not QMB, its protection depends on the state.
    medicaid = RadioField(
        lazy_gettext("Do you have full Medicaid?"),
        choices=QMB_CHOICES,
        default="unsure",
    )
    coverage = SelectField(
        lazy_gettext("What kind of coverage sent the notice?"),
        choices=COVERAGE_CHOICES,
        default="",
    )
    notice_received = DateField(
        lazy_gettext("When did you get the notice in the mail? (you can leave this empty)"),
        validators=[Optional()],
    )
    # The explanation follows the page's language unless the person picks the other one.
    lang = SelectField(
        lazy_gettext("Language for the explanation"), choices=LANG_CHOICES, default=current_lang
    )
