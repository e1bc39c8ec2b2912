"""read_pdf: locked, broken, too long and text-less PDFs give the right error in kind words."""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
from typing import Any

import pytest

from explainer.errors import ExplainerError, LimitExceeded, UnreadableDocument, UnsupportedDocument
from explainer.extract.pdf import extract_pdf
from explainer.read.pdf import MAX_PAGES, read_pdf
from explainer.read.upload import Role, Upload, read_upload
from tests import pdf_fixtures as fx


def test_words_come_with_positions_on_numbered_pages() -> None:
    pages = read_pdf(fx.statement_pdf())
    assert [page.number for page in pages] == [1]
    page = pages[0]
    assert (round(page.width), round(page.height)) == (612, 792)
    first = page.words[0]
    assert first.text == "Grandview"
    assert 0 < first.x0 < first.x1 < page.width and 0 < first.top < first.bottom < page.height
    assert first.confidence == 1.0


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (fx.encrypted_pdf(), UnreadableDocument, "locked with a password"),
        (fx.broken_pdf(), UnreadableDocument, "seems damaged or incomplete"),
        (
            fx.long_pdf(MAX_PAGES + 1),
            LimitExceeded,
            "This PDF has 51 pages. We read up to 50 pages",
        ),
        (fx.image_only_pdf(), UnsupportedDocument, "is a scan or photo with no text in it"),
        (fx.image_only_pdf(pages=3), UnsupportedDocument, "is a scan or photo with no text in it"),
    ],
    ids=["encrypted", "broken", "too-many-pages", "image-only", "image-only-3-pages"],
)
def test_papers_we_cannot_read_say_why_in_plain_words(
    data: bytes, error: type[ExplainerError], words: str
) -> None:
    with pytest.raises(error) as raised:
        read_pdf(data, source="notice.pdf")
    assert words in raised.value.message
    assert raised.value.source == "notice.pdf"
    assert "Traceback" not in raised.value.message


def test_a_pdf_with_far_too_much_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("explainer.read.pdf.MAX_CHARACTERS", 1000)
    with pytest.raises(LimitExceeded, match="far more text than a notice or a bill"):
        read_pdf(fx.msn_part_b_pdf())


def test_the_same_errors_come_through_the_upload_dispatcher() -> None:
    with pytest.raises(UnreadableDocument, match="password"):
        read_upload(Upload(fx.encrypted_pdf(), "locked.pdf", Role.NOTICE))


def test_fifty_pages_are_still_read() -> None:
    assert len(read_pdf(fx.long_pdf(MAX_PAGES))) == MAX_PAGES


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_a_truncated_pdf_never_raises_anything_but_our_errors(cut: float) -> None:
    data = fx.msn_part_b_pdf()
    with contextlib.suppress(ExplainerError):
        read_pdf(data[: int(len(data) * cut)])


def test_a_scanned_page_among_text_pages_becomes_a_warning() -> None:
    document = extract_pdf(fx.mixed_pdf(fx.msn_part_b_pdf()), "msn.pdf", Role.AUTO)
    assert document.warnings == (
        "Page 2 has no text we can read (it may be a scan or a blank page), so we left it out.",
    )
    assert len(document.lines) == 6
    assert document.lines[0].where == "page 4, line 1"


def test_nothing_uploaded_is_written_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open, real_os_open = builtins.open, os.open

    def read_only_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        assert not set(mode) & set("wax+"), f"tried to write {file}"
        return real_open(file, mode, *args, **kwargs)

    def read_only_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        assert not flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT), f"tried to write {path}"
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", read_only_open)
    monkeypatch.setattr(os, "open", read_only_os_open)
    for data in (fx.msn_part_b_pdf(), fx.eob_pdf(), fx.statement_pdf()):
        assert extract_pdf(data, "paper.pdf", Role.AUTO).lines


def test_nothing_uploaded_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    extract_pdf(fx.msn_part_b_pdf(), "msn.pdf", Role.AUTO)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Washington" not in logged and "Grandview" not in logged and "150.00" not in logged
