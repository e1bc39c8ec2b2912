"""The 835 workspace pages: the list (search, filter, sort, pages), a claim, its sheet, the
sheets to print, the CSV files, and "Forget it now".

An upload of 835 files is explained once, sealed (web/workspace_seal.py) and held in the
vault (web/workspace_vault.py) for at most 30 minutes; the browser gets the id and key in
one HttpOnly, SameSite=Strict cookie and is sent to GET /workspace. Every later page opens
the sealed workspace with that cookie. See docs/decisions/0007-workspace-held-30-minutes.md.
"""

from __future__ import annotations

import atexit
import math
import os
import subprocess
import time
from collections.abc import Callable

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from explainer.model import Explanation
from explainer.present.chart import sequestration_svg
from explainer.remittance import sequestration_csv

from . import LIBRARY_KEY
from .remittance import CHART_EMPTY, CHART_TITLE
from .remittance import CSV_NAME as MONTHS_CSV_NAME
from .sheets import PatientSheet, patient_sheet, sheet_words
from .view import CodeIndex
from .workspace_model import (
    SHOWS,
    SORTS,
    ClaimStore,
    Query,
    Workspace,
    build_workspace,
    claim_in,
    page_of,
    rows_by_number,
    select,
)
from .workspace_seal import Ticket, seal, unseal
from .workspace_vault import HOLD_SECONDS, Vault, VaultHandle, start_vault_process
from .workspace_words import (
    CSV_NAME,
    SHOW_NAMES,
    claims_csv,
    rule_heading,
    rule_step,
    status_words,
)

bp = Blueprint("workspace", __name__, url_prefix="/workspace")

COOKIE = "workspace"
# The two sealed parts of a workspace in the vault, each under "<id><part>".
INDEX = ".index"
CLAIMS = ".claims"
VAULT_KEY = "bill_explainer_workspace_vault"
MAX_SHEETS = 500
"""Sheets per print: more makes a page the browser struggles to lay out and print."""
FINDING_ITEMS_SHOWN = 20


def init_app(app: Flask) -> None:
    """Give the app its vault: the shared vault process, or one in this process.

    WORKSPACE_VAULT "shared" (the default outside tests) starts the vault process here, in
    gunicorn's master (preload_app), so every worker forked later talks to the same one.
    """
    kind = app.config.get("WORKSPACE_VAULT") or ("local" if app.testing else "shared")
    vault: VaultHandle
    if kind == "shared":
        client, process = start_vault_process()
        owner = os.getpid()

        def _stop() -> None:
            # Only the process that started it (gunicorn's master), never a forked worker.
            if os.getpid() == owner and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()

        atexit.register(_stop)
        app.extensions[VAULT_KEY + "_process"] = process
        vault = client
    else:
        vault = Vault()
    app.extensions[VAULT_KEY] = vault
    app.config.setdefault("WORKSPACE_CLOCK", time.time)


def vault() -> VaultHandle:
    return current_app.extensions[VAULT_KEY]  # type: ignore[no-any-return]


def _now() -> float:
    clock: Callable[[], float] = current_app.config["WORKSPACE_CLOCK"]
    return clock()


def _set_cookie(response: BaseResponse, value: str, max_age: int) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        # The whole site: the upload (POST /explain) must see it to drop the last workspace.
        path="/",
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def open_workspace(explanation: Explanation) -> ResponseReturnValue:
    """Hold the explained 835 (sealed) and send the browser to its first page."""
    old = Ticket.from_cookie(request.cookies.get(COOKIE))
    if old is not None:
        _drop(old)  # one workspace per browser: a new file replaces the last
    ticket = Ticket.new()
    now = _now()
    workspace, claims = build_workspace(explanation, held_until=now + HOLD_SECONDS)
    for part, value in ((INDEX, workspace), (CLAIMS, claims)):
        vault().put(ticket.id + part, seal(value, ticket, part), now + HOLD_SECONDS, now)
    response = redirect(url_for("workspace.claims"), code=303)
    _set_cookie(response, ticket.cookie_value(), HOLD_SECONDS)
    return response


def _drop(ticket: Ticket) -> None:
    for part in (INDEX, CLAIMS):
        vault().drop(ticket.id + part)


def _open(part: str) -> object | None:
    ticket = Ticket.from_cookie(request.cookies.get(COOKIE))
    if ticket is None:
        return None
    blob = vault().get(ticket.id + part, _now())
    return unseal(blob, ticket, part) if blob is not None else None


def _load() -> Workspace | None:
    """The index of this browser's workspace; None when there is none (or no longer)."""
    value = _open(INDEX)
    return value if isinstance(value, Workspace) else None


def _claims() -> ClaimStore:
    """The workspace's claims (sealed apart: list pages never open them)."""
    value = _open(CLAIMS)
    if not isinstance(value, tuple):
        abort(410)
    return value


def _gone(forgotten: bool = False) -> ResponseReturnValue:
    """The workspace is not here (never was, expired, or forgotten): say so, offer to upload."""
    response = Response(
        render_template("workspace_gone.html", forgotten=forgotten),
        status=200 if forgotten else 410,
    )
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict")
    return response


@bp.after_request
def _no_store(response: Response) -> Response:
    """A practice's remittances: browsers and proxies must not keep any of these pages."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _codes(workspace: Workspace) -> CodeIndex:
    return CodeIndex.build(workspace.codes, current_app.extensions[LIBRARY_KEY], workspace.lang)


def _minutes_left(workspace: Workspace) -> int:
    return max(0, math.ceil((workspace.held_until - _now()) / 60))


def _common(workspace: Workspace, query: Query) -> dict[str, object]:
    """What every workspace page shows: the query, the hold, the words."""
    return {
        "workspace": workspace,
        "query": query,
        "minutes_left": _minutes_left(workspace),
        "status_words": status_words,
        "content_lang": workspace.lang,
    }


@bp.get("")
def claims() -> ResponseReturnValue:
    """The list: overview first (on the plain first page), then the claims table."""
    workspace = _load()
    if workspace is None:
        return _gone()
    query = Query.from_args(request.args)
    chosen = select(workspace.rows, query)
    page = page_of(chosen, query.page)
    overview = query.is_plain
    chart = (
        Markup(
            sequestration_svg(list(workspace.months), str(CHART_TITLE), empty_text=str(CHART_EMPTY))
        )
        if overview
        else Markup("")
    )
    return render_template(
        "workspace.html",
        page=page,
        overview=overview,
        chart=chart,
        shows=[(value, str(SHOW_NAMES[value])) for value in SHOWS],
        sorts=SORTS,
        rule_heading=rule_heading,
        rule_step=rule_step,
        finding_items_shown=FINDING_ITEMS_SHOWN,
        # Looked up once per page, filled in per row ({claim}): see workspace.html.
        row_words={
            "print_sheet_of": gettext("Print the sheet of claim %(claim)s", claim="{claim}"),
            "claim_of": gettext("claim %(claim)s", claim="{claim}"),
        },
        **_common(workspace, query),
    )


@bp.get("/claims/<int:number>")
def claim(number: int) -> ResponseReturnValue:
    """One claim in detail, with its findings, its sheet, and the way back to the list."""
    workspace = _load()
    if workspace is None:
        return _gone()
    row = workspace.row(number)
    if row is None:
        abort(404)
    # Within one payment the engine names a repeated claim number by its ordinal, so this is
    # exact there; the same number and ordinal in two payments of one file cannot be told apart.
    findings = [
        (group, [item for item in group.items if item.claim_where == row.where])
        for group in workspace.findings
    ]
    return render_template(
        "workspace_claim.html",
        row=row,
        claim=claim_in(_claims(), number),
        payment=workspace.payments[row.payment - 1],
        codes=_codes(workspace),
        findings=[(group, items) for group, items in findings if items and row.where],
        rule_heading=rule_heading,
        **_common(workspace, Query.from_args(request.args)),
    )


def _sheet(workspace: Workspace, store: ClaimStore, codes: CodeIndex, number: int) -> PatientSheet:
    row = workspace.rows[number - 1]
    document = workspace.payments[row.payment - 1].document
    return patient_sheet(
        document, claim_in(store, number), f"sheet-{number}", codes, workspace.lang
    )


@bp.get("/sheets")
def sheets() -> ResponseReturnValue:
    """Patient sheets to print: one (?pick=N), the ticked ones, or all in the list (≤ 500)."""
    workspace = _load()
    if workspace is None:
        return _gone()
    query = Query.from_args(request.args)
    if request.args.get("which") == "all":
        chosen = select(workspace.rows, query)
    else:
        picks = [int(n) for n in request.args.getlist("pick") if n.isdigit() and len(n) < 7]
        chosen = rows_by_number(workspace.rows, picks)
    codes = _codes(workspace)
    shown = chosen[:MAX_SHEETS]
    store = _claims() if shown else ()
    return render_template(
        "workspace_sheets.html",
        sheets=[_sheet(workspace, store, codes, row.number) for row in shown],
        total=len(chosen),
        max_sheets=MAX_SHEETS,
        single=shown[0] if len(shown) == 1 and request.args.get("which") != "all" else None,
        sw=sheet_words(workspace.lang),
        **_common(workspace, query),
    )


@bp.get("/claims.csv")
def claims_file() -> ResponseReturnValue:
    """The claims in the list (search and filter applied), one CSV row per service line."""
    workspace = _load()
    if workspace is None:
        return _gone()
    chosen = select(workspace.rows, Query.from_args(request.args))
    store = _claims()
    response = Response(
        claims_csv((row, claim_in(store, row.number)) for row in chosen), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{CSV_NAME}"'
    return response


@bp.get("/co-253-by-month.csv")
def months_file() -> ResponseReturnValue:
    """CO 253 per month of payment, as on the chart."""
    workspace = _load()
    if workspace is None:
        return _gone()
    response = Response(sequestration_csv(workspace.months), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{MONTHS_CSV_NAME}"'
    return response


@bp.post("/forget")
def forget() -> ResponseReturnValue:
    """Drop the workspace from the vault at once, and the cookie with it."""
    ticket = Ticket.from_cookie(request.cookies.get(COOKIE))
    if ticket is not None:
        _drop(ticket)
    return _gone(forgotten=True)
