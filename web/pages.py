"""The HTML pages: the upload-or-type form, the results, code handouts, and the privacy note."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from explainer import Coverage, ExplainerError, Explanation, explain_uploads
from explainer.codes import lookup, public_source
from explainer.content import Library
from explainer.model import CodeExplanation, CodeSystem
from explainer.present.year import year_views
from explainer.values import display_money

from . import LIBRARY_KEY
from .errors import status_for
from .forms import ExplainForm
from .intake import BadInput, gather_uploads, make_answers
from .language import current_lang
from .letters import letter_offers, letter_words
from .remittance import remittance_view
from .view import (
    CodeIndex,
    has_notice,
    has_warnings,
    qmb_page,
    template_helpers,
    unchecked_rows,
)
from .workspace import open_workspace
from .workspace_model import is_workspace

bp = Blueprint("pages", __name__)


MAX_QUERY_CHARS = 40
SYSTEM_ORDER = (CodeSystem.GROUP, CodeSystem.CARC, CodeSystem.RARC, CodeSystem.MSN_NOTE)


def content_library() -> Library:
    """The content library loaded once by create_app."""
    return current_app.extensions[LIBRARY_KEY]  # type: ignore[no-any-return]


@bp.get("/")
def index() -> ResponseReturnValue:
    """The form: upload papers or type their lines."""
    return render_template("index.html", form=ExplainForm(), problem=None)


def _form_page(
    form: ExplainForm, problem: str | None, status: int, problem_lang: str | None = None
) -> ResponseReturnValue:
    """Show the form again with what went wrong at the top (problem_lang: words not ours)."""
    page = render_template("index.html", form=form, problem=problem, problem_lang=problem_lang)
    return page, status


@bp.post("/explain")
def explain() -> ResponseReturnValue:
    """Read the papers in memory, explain them, and show the results page."""
    form = ExplainForm()
    if not form.validate():
        return _form_page(form, gettext("Please fix the answers marked below."), 400)
    try:
        uploads = gather_uploads(
            form.notice_files.data or [],
            form.bill_files.data or [],
            form.notice_text.data,
            form.bill_text.data,
        )
        answers = make_answers(
            qmb=form.qmb.data == "yes",
            medicaid=form.medicaid.data == "yes",
            coverage=Coverage(form.coverage.data) if form.coverage.data else None,
            notice_received=form.notice_received.data,
            lang=form.lang.data or current_lang(),
        )
        explanation = explain_uploads(uploads, answers)
    except BadInput as error:
        return _form_page(form, error.message, error.status)
    except ExplainerError as error:
        status = status_for(error)
        if status >= 500:
            raise
        # The engine's messages are in English (explainer/errors.py).
        return _form_page(form, error.message, status, problem_lang="en")
    if is_workspace(explanation):
        # A practice's 835: held sealed for at most 30 minutes and opened as a workspace.
        return open_workspace(explanation)
    return results_page(explanation)


def results_page(explanation: Explanation) -> ResponseReturnValue:
    """The results: red flags and their letters, 835 payments, every paper line by line, codes."""
    lang = explanation.answers.lang
    codes = CodeIndex.build(explanation.codes, content_library(), lang)
    return render_template(
        "results.html",
        explanation=explanation,
        codes=codes,
        content_lang=lang,
        has_warnings=has_warnings(explanation),
        has_notice=has_notice(explanation),
        qmb_page=qmb_page(explanation),
        unchecked_rows=unchecked_rows(explanation),
        letters=letter_offers(explanation, content_library()),
        letter_words=letter_words(lang),
        remittance=remittance_view(explanation, codes),
        year=year_views(explanation),
    )


def _common_codes(library: Library, lang: str) -> list[tuple[CodeSystem, list[CodeExplanation]]]:
    """The codes marked common in content/, by system, for the code list."""
    groups = []
    for system in SYSTEM_ORDER:
        entries = sorted(
            (
                entry
                for (sys, _id), entry in library.codes.items()
                if sys is system and entry.common
            ),
            key=lambda entry: (len(entry.id), entry.id),
        )
        if entries:
            groups.append((system, [entry.explain(lang) for entry in entries]))
    return groups


def _handout_slug(found: list[CodeExplanation]) -> str:
    """The URL name of a handout: 'CO-253' for a group and reason, else the code."""
    return "-".join(code.code for code in found)


@bp.get("/codes")
def codes() -> ResponseReturnValue:
    """Search for a code, and the list of common codes."""
    lang = current_lang()
    query = request.args.get("q", "").strip()[:MAX_QUERY_CHARS]
    found: list[CodeExplanation] = []
    if query:
        found = [code for code in lookup(content_library(), query, lang) if code.known]
    return render_template(
        "codes.html",
        query=query,
        found=found,
        found_slug=_handout_slug(found) if found else "",
        common=_common_codes(content_library(), lang),
        content_lang=lang,
    )


@bp.get("/codes/<code>")
def code(code: str) -> ResponseReturnValue:
    """One code as a printable plain-language handout, e.g. /codes/CO-253 (?lang=es in Spanish)."""
    lang = current_lang()
    found = lookup(content_library(), code[:MAX_QUERY_CHARS], lang)
    # The last entry is the code asked about (the reason in 'CO-253'): unknown means no page.
    if not found or not found[-1].known:
        abort(404)
    group = found[0] if len(found) == 2 else None
    return render_template(
        "code.html",
        found=found,
        main=found[-1],
        group=group,
        slug=_handout_slug(found),
        content_lang=lang,
    )


@bp.get("/about-privacy")
def about_privacy() -> ResponseReturnValue:
    """What happens to the papers: read in memory, never kept, never sent anywhere."""
    return render_template("about_privacy.html")


def register_template_helpers(app: Flask) -> None:
    """Filters and names every template can use."""
    app.add_template_filter(display_money, "money")
    app.add_template_filter(public_source, "public_source")
    app.jinja_env.globals.update(template_helpers())
