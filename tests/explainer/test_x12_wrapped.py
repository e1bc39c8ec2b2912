"""Real-world 835 layouts (issue 14): files wrapped at a fixed width, control-character separators.

Each test reads a file two ways — as the payer's system wrote it and as its plain twin — and
compares everything the engine gets out of it, so a wrapped file cannot lose or change a figure.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from explainer import explain
from explainer.extract.era import extract_era
from explainer.model import Answers, Format
from explainer.present.json import explanation_to_dict
from explainer.read.sniff import sniff_format
from explainer.read.upload import Upload, read_upload
from explainer.read.x12 import Segment, Separators, X12Reader
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Delimiters,
    Line,
    Payment,
    Plb,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside main")

# The payer in issue 14: element 0x1D, segment 0x1E, component 0x1F; nothing after a segment.
CONTROL = Delimiters(element="\x1d", segment="\x1e", component="\x1f", repetition="^", newline="")
PLAIN = Delimiters()


def wrap(data: bytes, width: int, newline: bytes = b"\r\n") -> bytes:
    """The file cut into lines of `width` bytes, wherever that falls (mid-segment, mid-ISA)."""
    return newline.join(data[start : start + width] for start in range(0, len(data), width))


def payments() -> list[Payment]:
    """Two payments covering what the extractor reads: CAS, LQ, MOA, reversals, denials, PLB."""
    paid = ClaimSpec(
        number="P100",
        lines=(
            medicare_line(Decimal("180.00"), Decimal("120.00"), procedure="99214"),
            medicare_line(Decimal("60.00"), Decimal("40.00"), procedure="36415"),
        ),
        remarks=("MA01",),
    )
    second = ClaimSpec(
        number="P200",
        filing="CI",
        lines=(
            Line(
                billed=Decimal("250.00"),
                procedure="99213",
                modifiers=("25",),
                adjustments=(Cas("CO", "45", Decimal("90.00")), Cas("PR", "3", Decimal("30.00"))),
                allowed=Decimal("160.00"),
                remarks=("N130",),
                control="LINE-7",
            ),
        ),
    )
    return [
        Payment(
            claims=(paid, qmb_claim("Q1"), denied_claim("D1"), reversal_of(paid)),
            plb=(Plb("WO", "OVERPAY1", Decimal("12.50")),),
        ),
        Payment(claims=(second,), payer="ACME HEALTH PLAN", trace="EFT0002", control="0002"),
    ]


def segments(data: bytes) -> list[tuple[str, tuple[str, ...], int]]:
    """Every segment, its components written with ':' so files with other separators compare."""
    reader = X12Reader(data, "remit.835")
    return [
        (
            segment.id,
            tuple(":".join(value.split(segment.component)) for value in segment.elements),
            segment.index,
        )
        for segment in reader
    ]


def explained(data: bytes) -> dict[str, object]:
    """The whole JSON answer for one file (the engine's output, not just the reader's)."""
    documents = read_upload(Upload(data, "remit.835"))
    return explanation_to_dict(explain(documents, Answers()))


@pytest.mark.parametrize("envelope", [True, False], ids=["envelope", "no-envelope"])
def test_wrapped_control_character_file_reads_like_its_plain_twin(envelope: bool) -> None:
    plain = build_835(payments(), delimiters=PLAIN, envelope=envelope)
    wrapped = wrap(build_835(payments(), delimiters=CONTROL, envelope=envelope), 80)
    assert b"\x1d" in wrapped and b"\x1e" in wrapped and b"\r\n" in wrapped
    if envelope:  # the ISA itself (106 characters) is cut by the wrap at column 80
        assert wrapped.index(b"\r\n") < 106 and b"GS\x1d" in wrapped
    assert sniff_format(wrapped) is Format.X12
    twin = extract_era(plain, "remit.835")
    assert extract_era(wrapped, "remit.835") == twin
    assert len(twin) == 2 and sum(len(document.claims) for document in twin) == 5
    assert explained(wrapped) == explained(plain)


@pytest.mark.parametrize("width", [3, 7, 64, 80, 104, 105, 132])
@pytest.mark.parametrize("newline", [b"\r\n", b"\n", b"\r"], ids=["crlf", "lf", "cr"])
def test_any_wrap_width_and_line_break_reads_the_same_segments(width: int, newline: bytes) -> None:
    # 105 puts the break between ISA16 and the terminator; 3 cuts "ISA" and every segment id.
    control = build_835(payments(), delimiters=CONTROL)
    reader = X12Reader(wrap(control, width, newline), "remit.835")
    assert reader.separators == Separators("\x1d", "\x1f", "\x1e", "^")
    assert segments(wrap(control, width, newline)) == segments(build_835(payments()))
    assert reader.warnings == []


def test_tilde_file_wrapped_with_crlf_inside_the_isa() -> None:
    plain = build_835(payments(), delimiters=replace(PLAIN, newline=""))
    wrapped = wrap(plain, 80)
    assert X12Reader(wrapped).separators == Separators("*", ":", "~", "^")
    assert extract_era(wrapped, "remit.835") == extract_era(plain, "remit.835")


def test_control_characters_are_not_white_space_to_the_reader() -> None:
    # Python's str.isspace() is True for 0x1C-0x1F: a segment ending in an empty element, or
    # an ISA ending in its component separator, must keep them.
    data = build_835(Payment(claims=(qmb_claim("A1"),)), delimiters=CONTROL)
    isa = next(iter(X12Reader(data)))
    assert isa.id == "ISA" and len(isa.elements) == 16 and isa.elements[15] == "\x1f"


def test_line_breaks_stay_terminators_when_the_isa_says_so() -> None:
    # A file whose terminator is the line break itself must not be run together.
    newline_file = build_835(
        payments(), delimiters=Delimiters(element="|", segment="\n", component=">", newline="")
    )
    assert X12Reader(newline_file).separators.segment == "\n"
    assert segments(newline_file) == segments(build_835(payments()))


def test_wrapped_headless_file_whose_first_segment_is_cut() -> None:
    data = build_835(payments(), envelope=False, delimiters=replace(PLAIN, newline=""))
    wrapped = wrap(data, 9)  # the first line break falls inside "ST*835*0001~"
    assert wrapped.index(b"\r\n") < wrapped.index(b"~")
    assert segments(wrapped) == segments(data)


def test_a_wrapped_file_is_still_read_lazily() -> None:
    payment = Payment(claims=tuple(qmb_claim(f"Q{n}") for n in range(200)))
    iterator = iter(X12Reader(wrap(build_835(payment, delimiters=CONTROL), 80)))
    first: list[Segment] = [next(iterator) for _ in range(3)]
    assert [segment.id for segment in first] == ["ISA", "GS", "ST"]


@needs_corpus
@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.835")))
def test_every_corpus_file_wrapped_at_80_columns_reads_the_same(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    reader = X12Reader(data, name)
    assert reader.separators.segment not in "\r\n"  # every corpus file ends segments with '~'
    wrapped = wrap(data, 80)
    assert segments(wrapped) == segments(data)
    assert extract_era(wrapped, name) == extract_era(data, name)


def test_a_control_character_file_after_a_line_of_text_is_still_sniffed_as_an_835() -> None:
    # The start pattern fails on the text; the claim segments must still say "835".
    body = build_835(payments(), envelope=False, delimiters=CONTROL)
    data = b"Remittance export, weekly\r\n" + wrap(body, 80)
    assert sniff_format(data) is Format.X12
    assert segments(data) == segments(build_835(payments(), envelope=False))
