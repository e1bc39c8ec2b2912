"""The JSON API: POST /api/v1/explain (the contract JSON), code look-up, OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from explainer import explain_uploads
from explainer.codes import lookup
from explainer.model import CodeExplanation
from explainer.present.json import code_to_dict, explanation_to_dict

from .errors import HTTP_ERRORS, error_response
from .intake import gather_uploads, make_answers, parse_bool, parse_coverage, parse_day, parse_lang
from .language import use_lang
from .openapi import openapi_document
from .pages import content_library

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_CODE_CHARS = 40


@bp.post("/explain")
def explain() -> ResponseReturnValue:
    """Explain multipart papers (`notice`/`bill` files, `notice_text`/`bill_text`) as JSON."""
    form = request.form
    # `lang` first (form field, else ?lang=), so every message after it is in that language.
    lang = parse_lang(form.get("lang") or request.args.get("lang"))
    use_lang(lang)
    uploads = gather_uploads(
        request.files.getlist("notice"),
        request.files.getlist("bill"),
        form.get("notice_text"),
        form.get("bill_text"),
    )
    answers = make_answers(
        qmb=parse_bool(form.get("qmb"), "qmb"),
        medicaid=parse_bool(form.get("medicaid"), "medicaid"),
        coverage=parse_coverage(form.get("coverage")),
        notice_received=parse_day(form.get("notice_received"), "notice_received"),
        lang=lang,
    )
    # ExplainerError and BadInput are turned into JSON {error, message} by web/errors.py.
    # The answer quotes the person's papers: app.py's one no-store rule keeps it out of caches.
    return jsonify(explanation_to_dict(explain_uploads(uploads, answers)))


def _code_json(code: CodeExplanation) -> dict[str, Any]:
    """One code as the contract's code object, plus its example."""
    return {**code_to_dict(code), "example": code.example}


@bp.get("/codes/<code>")
def code(code: str) -> ResponseReturnValue:
    """One code (or a group-reason pair like CO-253) explained, as JSON."""
    lang = parse_lang(request.args.get("lang"))
    use_lang(lang)
    found = lookup(content_library(), code[:MAX_CODE_CHARS], lang)
    if not found or not found[-1].known:
        slug, _title, _message = HTTP_ERRORS[404]
        message = gettext("We do not have code %(code)s in our list.", code=code[:MAX_CODE_CHARS])
        return error_response(404, slug, message)
    return jsonify({"query": code, "codes": [_code_json(item) for item in found]})


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
