"""Turn a request's files, typed text and answers into the engine's Uploads and Answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext, lazy_gettext
from werkzeug.datastructures import FileStorage

from explainer import Answers, Coverage, Role, Upload

MAX_FILES = 20
MAX_NAME_CHARS = 120
LANGS = ("en", "es")
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}
COVERAGE_VALUES = {
    "original_medicare": Coverage.ORIGINAL_MEDICARE,
    "medicare_advantage": Coverage.MEDICARE_ADVANTAGE,
    "commercial": Coverage.COMMERCIAL,
    "medicaid": Coverage.MEDICAID,
}


class BadInput(Exception):
    """The request itself is wrong (nothing sent, a bad answer); carries a slug and plain words."""

    def __init__(self, slug: str, message: str, status: int = 400) -> None:
        """Keep the slug for the API, the words for people, and the HTTP status."""
        super().__init__(message)
        self.slug = slug
        self.message = message
        self.status = status


NO_INPUT_MESSAGE = lazy_gettext(
    "We did not get any papers. Please choose a file, or type the lines of your notice or bill."
)


def _name(storage: FileStorage, index: int, role: Role) -> str:
    """The file name as given (shortened), or a stand-in when the browser sent none."""
    name = (storage.filename or "").strip()
    if not name:
        if role is Role.BILL:
            return gettext("bill file %(number)s", number=index)
        return gettext("notice file %(number)s", number=index)
    return name[-MAX_NAME_CHARS:]


def file_uploads(storages: Iterable[FileStorage], role: Role) -> list[Upload]:
    """Read each chosen file into bytes; skip the empty part a browser sends for 'no file'."""
    uploads = []
    for index, storage in enumerate(storages, start=1):
        if not isinstance(storage, FileStorage):
            continue
        data = storage.stream.read()
        if not storage.filename and not data:
            continue
        uploads.append(Upload(data=data, name=_name(storage, index, role), role=role))
    return uploads


def typed_upload(text: str | None, role: Role) -> Upload | None:
    """Typed or pasted lines as one upload named 'typed:notice' or 'typed:bill' (the contract)."""
    if text is None or not text.strip():
        return None
    return Upload(data=text.encode("utf-8"), name=f"typed:{role.value}", role=role)


def gather_uploads(
    notice_files: Iterable[FileStorage],
    bill_files: Iterable[FileStorage],
    notice_text: str | None,
    bill_text: str | None,
) -> list[Upload]:
    """Every paper in one request, notices first; at least one is required."""
    uploads = file_uploads(notice_files, Role.NOTICE)
    typed_notice = typed_upload(notice_text, Role.NOTICE)
    if typed_notice:
        uploads.append(typed_notice)
    uploads.extend(file_uploads(bill_files, Role.BILL))
    typed_bill = typed_upload(bill_text, Role.BILL)
    if typed_bill:
        uploads.append(typed_bill)
    if not uploads:
        raise BadInput("no-input", NO_INPUT_MESSAGE)
    if len(uploads) > MAX_FILES:
        # Same slug and status as the engine's LimitExceeded, in the page's language.
        message = gettext("Please send at most %(count)s papers at a time.", count=MAX_FILES)
        raise BadInput("too-large", message, 413)
    return uploads


def parse_bool(value: str | None, field: str) -> bool:
    """'true', '1', 'yes', 'on' are yes; 'false', '0', 'no', 'off' or nothing are no."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadInput(f"bad-{field}", gettext("'%(field)s' must be true or false.", field=field))


def parse_coverage(value: str | None) -> Coverage | None:
    """One of the coverage names we accept, or None for 'not sure'."""
    word = (value or "").strip().lower()
    if word in ("", "unknown", "unsure", "not_sure"):
        return None
    if word not in COVERAGE_VALUES:
        allowed = ", ".join(COVERAGE_VALUES)
        raise BadInput(
            "bad-coverage", gettext("'coverage' must be one of: %(allowed)s.", allowed=allowed)
        )
    return COVERAGE_VALUES[word]


def parse_lang(value: str | None) -> str:
    """'en' (the default) or 'es'."""
    word = (value or "en").strip().lower() or "en"
    if word not in LANGS:
        raise BadInput("bad-lang", gettext("'lang' must be 'en' or 'es'."))
    return word


def parse_day(value: str | None, field: str) -> date | None:
    """An ISO date 'YYYY-MM-DD', or None when empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(
            f"bad-{field}", gettext("'%(field)s' must be a date like 2025-04-15.", field=field)
        ) from None


def make_answers(
    qmb: bool,
    coverage: Coverage | None,
    notice_received: date | None,
    lang: str,
    medicaid: bool = False,
) -> Answers:
    """The user's answers as the engine wants them."""
    return Answers(
        qmb=qmb,
        medicaid=medicaid,
        coverage=coverage,
        notice_received=notice_received,
        lang=lang,
    )
