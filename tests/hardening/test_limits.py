"""The engine's limits: the time limit really stops runaway work, bombs are refused unread."""

from __future__ import annotations

import signal
import threading
import time
from decimal import Decimal

import pytest

from explainer import (
    ExplainerError,
    LimitExceeded,
    Role,
    UnreadableDocument,
    Upload,
    explain_uploads,
    limits,
)
from explainer.extract.era import extract_era
from explainer.extract.typed_line import read_line
from explainer.limits import check_counts, check_deadline, deadline, read_within_limits
from explainer.read import preflight
from explainer.read.x12 import MAX_SEGMENT_CHARS, X12Reader
from tests.x12_factory import build_835, many_claims

from . import hostile

main_thread_only = pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(),
    reason="signals are only handled in the main thread",
)


def _spin(seconds: float) -> None:
    """Pure-Python busy work for up to `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


# --- the time limit ------------------------------------------------------------------------


@main_thread_only
def test_deadline_interrupts_a_runaway_loop() -> None:
    start = time.monotonic()
    with pytest.raises(LimitExceeded) as caught, deadline(0.2):
        _spin(30)
    assert time.monotonic() - start < 1.5
    assert "took too long" in caught.value.message


@main_thread_only
def test_a_library_catching_exception_cannot_swallow_the_deadline() -> None:
    """pdfminer wraps much of its work in `except Exception`: the alarm must get through."""

    def careless_library() -> None:
        for _ in range(1000):
            try:
                _spin(0.05)
            except Exception:  # what a library might do
                continue

    start = time.monotonic()
    with pytest.raises(LimitExceeded), deadline(0.2):
        careless_library()
    assert time.monotonic() - start < 1.5


@main_thread_only
def test_the_alarm_rings_again_if_swallowed_once() -> None:
    swallowed = 0

    def bare_except_library() -> None:
        nonlocal swallowed
        for _ in range(100):
            try:
                _spin(0.1)
            except BaseException:  # the worst a library can do
                swallowed += 1
                if swallowed > 1:
                    raise

    with pytest.raises(LimitExceeded), deadline(0.2):
        bare_except_library()
    assert swallowed == 2


@main_thread_only
def test_deadline_leaves_no_timer_or_handler_behind() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with deadline(5):
        _spin(0.01)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    with pytest.raises(LimitExceeded), deadline(0.05):
        _spin(5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    _spin(0.4)  # no late alarm rings after the block


@main_thread_only
def test_the_alarm_waits_for_fragile_code_to_finish() -> None:
    """Inside PDFium's wrappers (or imports, locks, logging) the alarm waits and rings again."""
    namespace: dict[str, object] = {"__name__": "pypdfium2.internal.fake", "time": time}
    exec(  # a function whose module is pypdfium2's, as far as the alarm can tell
        "def close(seconds):\n"
        "    end = time.monotonic() + seconds\n"
        "    while time.monotonic() < end:\n"
        "        pass\n"
        "    return 'closed'\n",
        namespace,
    )
    finished = []
    start = time.monotonic()
    with pytest.raises(LimitExceeded), deadline(0.1):
        finished.append(namespace["close"](0.6))  # type: ignore[operator]
        _spin(30)
    assert finished == ["closed"]
    assert time.monotonic() - start < 1.5


@main_thread_only
def test_nested_deadlines_keep_the_outer_timer() -> None:
    with pytest.raises(LimitExceeded), deadline(0.2), deadline(60):
        _spin(30)


def test_in_a_thread_the_deadline_is_checked_between_steps() -> None:
    outcome: list[BaseException | None] = []

    def worker() -> None:
        try:
            with deadline(0.1):
                for _ in range(100):
                    _spin(0.02)
                    check_deadline()
        except BaseException as error:
            outcome.append(error)
        else:
            outcome.append(None)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert isinstance(outcome[0], LimitExceeded)


def test_check_deadline_outside_any_deadline_does_nothing() -> None:
    check_deadline()


def test_read_seconds_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(limits.READ_SECONDS_ENV, "2.5")
    assert limits.read_seconds() == 2.5
    for bad in ("", "soon", "-1", "0"):
        monkeypatch.setenv(limits.READ_SECONDS_ENV, bad)
        assert limits.read_seconds() == limits.READ_SECONDS


@main_thread_only
def test_slow_pdf_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """400,000 characters on one page pass the size checks but take pdfminer many seconds."""
    monkeypatch.setenv(limits.READ_SECONDS_ENV, "0.5")
    data = hostile.content_heavy_pdf()
    start = time.monotonic()
    with pytest.raises(LimitExceeded) as caught:
        explain_uploads([Upload(data, "msn.pdf", Role.NOTICE)])
    assert time.monotonic() - start < 3
    assert "took too long" in caught.value.message


# --- how much one answer may hold ----------------------------------------------------------


def test_too_many_claims_is_refused_after_reading() -> None:
    data = build_835(many_claims(limits.MAX_CLAIMS + 1, lines=1))
    with pytest.raises(LimitExceeded, match="claims"):
        read_within_limits([Upload(data, "big.835", Role.NOTICE)])


def test_claim_and_line_counts_at_the_limit_pass() -> None:
    documents = read_within_limits([Upload(build_835(many_claims(3, lines=2)), "r.835")])
    check_counts(documents)


# --- PDFs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [hostile.flate_bomb_pdf, hostile.double_flate_pdf, hostile.huge_picture_pdf],
    ids=["flate-bomb", "double-flate", "huge-picture"],
)
def test_pdf_bombs_are_refused_before_opening(build: object) -> None:
    data = build()  # type: ignore[operator]
    start = time.monotonic()
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data, "msn.pdf")
    assert time.monotonic() - start < 3


def test_flate_bomb_hidden_behind_a_name_escape_and_an_ascii_coding() -> None:
    """'/Fl#61teDecode' is FlateDecode; ASCIIHex first, then Flate, is a legal chain."""
    import binascii
    import zlib

    packed = binascii.hexlify(zlib.compress(b" " * (64 * hostile.MB), 9)) + b">"
    data = hostile.raw_pdf(
        [
            hostile.CATALOG,
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            hostile.PAGE,
            hostile.stream(packed, b"/Filter [/AHx /Fl#61teDecode] "),
            hostile.FONT,
        ]
    )
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)


def test_run_length_and_lzw_streams_are_measured() -> None:
    run_length = bytes([129, 0]) * (preflight.MAX_STREAM_BYTES // 128 + 10) + b"\x80"
    data = hostile.raw_pdf([hostile.stream(run_length, b"/Filter /RunLengthDecode ")])
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)
    small = hostile.raw_pdf([hostile.stream(bytes([129, 0]) * 10 + b"\x80", b"/Filter /RL ")])
    preflight.check_pdf(small)
    # 9-bit LZW codes: clear (256), then 'a', then EOD (257).
    lzw = hostile.raw_pdf([hostile.stream(b"\x80\x18\x60\x20", b"/Filter /LZWDecode ")])
    preflight.check_pdf(lzw)


def test_an_ordinary_pdf_passes_quickly() -> None:
    from tests.pdf_fixtures import statement_pdf

    data = statement_pdf(repeat=20)
    start = time.monotonic()
    preflight.check_pdf(data)
    assert time.monotonic() - start < 0.5


def test_a_file_full_of_stream_keywords_is_refused_fast() -> None:
    data = b"%PDF-1.7\n" + b"<< /Filter /FlateDecode >> stream\n" * 300_000
    start = time.monotonic()
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)
    assert time.monotonic() - start < 2


# --- pictures ------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [hostile.bomb_png, hostile.bomb_gif], ids=["png", "gif"])
def test_picture_bombs_are_refused_from_the_header(build: object) -> None:
    data = build()  # type: ignore[operator]
    assert len(data) < 100_000
    with pytest.raises(LimitExceeded, match="too large"):
        preflight.check_picture_file(data, "photo")


def test_a_picture_just_over_the_limit_names_its_size() -> None:
    with pytest.raises(LimitExceeded, match="8,000 × 7,000"):
        preflight.check_picture_file(hostile.bomb_png(8000, 7000))


def test_a_normal_photo_passes() -> None:
    preflight.check_picture_file(hostile.bomb_png(3000, 4000))


def test_an_unknown_or_broken_picture_is_left_to_its_reader() -> None:
    preflight.check_picture_file(b"\x89PNG\r\n\x1a\n broken")
    preflight.check_picture_file(b"ftypheic" + b"\x00" * 100)


# --- 835 -----------------------------------------------------------------------------------


def test_x12_reader_skips_an_enormous_segment_without_keeping_it() -> None:
    data = hostile.enormous_claim_835()
    reader = X12Reader(data, "r.835")
    segments = list(reader)
    assert all(len("".join(s.elements)) < MAX_SEGMENT_CHARS for s in segments)
    assert any("far longer than an 835 allows" in warning for warning in reader.warnings)


@pytest.mark.parametrize(
    "build",
    [hostile.enormous_claim_835, hostile.enormous_name_835, hostile.enormous_amount_835],
    ids=["claim", "name", "amount"],
)
def test_enormous_835_elements_give_small_documents(build: object) -> None:
    data = build()  # type: ignore[operator]
    start = time.monotonic()
    try:
        documents = extract_era(data, "r.835")
    except ExplainerError:
        return
    assert time.monotonic() - start < 3
    assert len(repr(documents)) < 100_000


def test_astronomical_amounts_are_not_money() -> None:
    data = hostile.overflowing_amounts_835()
    assert b"9E+999999" in data
    explanation = explain_uploads([Upload(data, "r.835", Role.NOTICE)])
    claim = explanation.documents[0].claims[0]
    assert claim.billed is None
    assert any("is not an amount" in warning for warning in explanation.documents[0].warnings)


def test_garbage_segments_are_skipped_fast() -> None:
    start = time.monotonic()
    documents = extract_era(hostile.garbage_835(), "r.835")
    assert time.monotonic() - start < 5
    assert documents[0].claims


def test_nothing_x12_in_a_huge_file_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        extract_era(b"ISA" + b"A" * 5_000_000, "r.835")


# --- typed text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [hostile.long_line_text, hostile.nested_text, hostile.many_numbers_text],
    ids=["long-line", "nested", "many-numbers"],
)
def test_hostile_typed_text_is_answered_fast(build: object) -> None:
    data = build()  # type: ignore[operator]
    start = time.monotonic()
    with pytest.raises(ExplainerError):
        explain_uploads([Upload(data, "notes.txt", Role.NOTICE)])
    assert time.monotonic() - start < 5


@pytest.mark.parametrize(
    "line",
    [
        "a" + " " * 1990 + "x",
        "billed" + " " * 1990 + "x",
        "(" + "\t" * 1990 + "x",
        "CO" + " " * 1990 + "x",
        "5" + " " * 1990 + "CR",
    ],
    ids=["words", "label", "parenthesis", "group-code", "credit-marker"],
)
def test_a_run_of_blanks_in_a_line_is_read_in_linear_time(line: str) -> None:
    # Adjacent optional blanks in the money pattern ('( - $ 5') could split a run of blanks
    # every way before failing: 200 spaces took 7 s, a 2,000-character line hours.
    start = time.monotonic()
    reading = read_line(line)
    assert time.monotonic() - start < 0.5
    assert not reading.amounts and not reading.adjustments


def test_blanks_around_signs_and_labels_still_read() -> None:
    reading = read_line("03/04/2025 99214 billed :  $  150.00 paid ( - $ 78.40 )  CO -  45 $50")
    assert reading.amounts == {"billed": Decimal("150.00"), "paid": Decimal("-78.40")}
    assert [(a.group.value, a.reason, a.amount) for a in reading.adjustments] == [
        ("CO", "45", Decimal("50"))
    ]


def test_a_long_line_is_skipped_with_a_warning_and_the_rest_is_read() -> None:
    text = "x" * 5000 + "\n03/04/2025 99214 billed $150 approved $100 paid $78.40 you may owe $20\n"
    explanation = explain_uploads([Upload(text.encode(), "n.txt", Role.NOTICE)])
    document = explanation.documents[0]
    assert document.claims
    assert any("too long to be one line" in warning for warning in document.warnings)
