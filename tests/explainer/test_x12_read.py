"""The X12 reader: separators, envelopes, whitespace, BOM, garbage and the real corpus."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from explainer.errors import UnreadableDocument
from explainer.read.x12 import Segment, Separators, X12Reader, isa_separators
from tests.x12_factory import (
    Delimiters,
    Payment,
    build_835,
    denied_claim,
    qmb_claim,
)

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "x12"

# Counted independently (split on '~', segment ids before the first '*') and by hand for the
# small files: segments, ST, CLP, SVC, CAS segments, PLB, LQ.
CORPUS_COUNTS = {
    "S01_lfh_medicare_part_a.835": (32, 1, 2, 0, 2, 1, 0),
    "S02_lfh_managed_care.835": (30, 1, 2, 2, 5, 0, 0),
    "S03_lfh_secondary_payment.835": (42, 1, 2, 2, 4, 0, 0),
    "S04_lfh_cob_contractual_adjustment.835": (29, 1, 1, 1, 2, 0, 0),
    "S05_pyx12_835_mult_loops.835": (35, 1, 1, 3, 3, 0, 3),
    "S06_edi835parser_emedny.835": (69, 1, 3, 10, 4, 0, 2),
    "S07_edi835parser_uhc_legacy.835": (65, 1, 2, 5, 6, 0, 0),
    "S08_edi835parser_bcbs_nc_no_envelope.835": (32, 1, 1, 3, 3, 0, 0),
    "S09_affect_nevada_medicaid_malformed_isa.835": (67, 3, 3, 0, 5, 1, 0),
    "S10_oopfactory_5010_example_from_nth.835": (789, 3, 56, 91, 91, 0, 98),
    "S11_oopfactory_4010_835_deident_02.835": (13002, 6, 375, 1552, 2405, 1, 454),
    "S12_oopfactory_5010_example1_reversals.835": (102, 1, 10, 9, 16, 1, 1),
}

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside main")


def read(data: bytes) -> tuple[X12Reader, list[Segment]]:
    reader = X12Reader(data, "test.835")
    return reader, list(reader)


def small_file(**options: object) -> bytes:
    payment = Payment(claims=(qmb_claim("A1"), denied_claim("B2")))
    return build_835(payment, **options)  # type: ignore[arg-type]


@needs_corpus
def test_the_corpus_is_all_here() -> None:
    assert sorted(path.name for path in CORPUS.glob("*.835")) == sorted(CORPUS_COUNTS)


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_every_corpus_file_reads_whole(name: str) -> None:
    reader, segments = read((CORPUS / name).read_bytes())
    ids = Counter(segment.id for segment in segments)
    found = (len(segments), ids["ST"], ids["CLP"], ids["SVC"], ids["CAS"], ids["PLB"], ids["LQ"])
    assert found == CORPUS_COUNTS[name]
    assert reader.warnings == []
    assert [segment.index for segment in segments] == list(range(1, len(segments) + 1))
    assert all(segment.complete for segment in segments)


@needs_corpus
@pytest.mark.parametrize(
    ("name", "separators"),
    [
        ("S01_lfh_medicare_part_a.835", Separators("*", ":", "~", "^")),
        ("S07_edi835parser_uhc_legacy.835", Separators("*", ">", "~", "^")),
        # No envelope: guessed from "ST*835*1234~"; the component from the first SVC01.
        ("S08_edi835parser_bcbs_nc_no_envelope.835", Separators("*", ":", "~", None)),
        ("S09_affect_nevada_medicaid_malformed_isa.835", Separators("*", ":", "~", "^")),
        # BOM, and CRLF plus indentation after each terminator.
        ("S10_oopfactory_5010_example_from_nth.835", Separators("*", ">", "~", "^")),
        # 4010: ISA11 is the letter U, not a repetition separator.
        ("S11_oopfactory_4010_835_deident_02.835", Separators("*", ":", "~", None)),
        ("S12_oopfactory_5010_example1_reversals.835", Separators("*", ":", "~", None)),
    ],
)
def test_corpus_separators(name: str, separators: Separators) -> None:
    reader, _ = read((CORPUS / name).read_bytes())
    assert reader.separators == separators


@needs_corpus
def test_collapsed_isa_defeats_fixed_offsets_but_not_us() -> None:
    data = (CORPUS / "S09_affect_nevada_medicaid_malformed_isa.835").read_bytes()
    text = data.decode()
    # The fixed-width rule (ISA16 at 104, terminator at 105) reads the wrong characters here.
    assert (text[104], text[105]) != (":", "~")
    assert isa_separators(text, 0) == Separators("*", ":", "~", "^")
    _, segments = read(data)
    assert [segment.id for segment in segments[:3]] == ["ISA", "GS", "ST"]
    assert segments[-1].id == "IEA"


@needs_corpus
def test_composite_elements_split_only_when_asked() -> None:
    _, segments = read((CORPUS / "S07_edi835parser_uhc_legacy.835").read_bytes())
    svc = next(segment for segment in segments if segment.id == "SVC")
    assert svc.elements[0] == "HC>B4152"
    assert svc.parts(1) == ("HC", "B4152")
    assert svc.get(2) == "156.42"
    assert svc.get(40) == ""
    assert svc.parts(40) == ()


@pytest.mark.parametrize(
    "delimiters",
    [
        Delimiters(),
        Delimiters(newline=""),
        Delimiters(element="|", segment="\n", component=">", repetition="^", newline=""),
        Delimiters(element="^", segment="'", component=":", repetition="{", newline="\r\n"),
        Delimiters(element="*", segment="~", component=">", newline="\r\n"),
        Delimiters(element="!", segment="~", component="\\", repetition="}", newline="\n"),
    ],
    ids=["star-tilde-newline", "one-line", "pipe-newline", "caret-quote-crlf", "gt", "bang"],
)
def test_declared_separators_are_used(delimiters: Delimiters) -> None:
    reader, segments = read(small_file(delimiters=delimiters))
    assert reader.separators.element == delimiters.element
    assert reader.separators.component == delimiters.component
    assert reader.separators.segment == delimiters.segment
    assert reader.separators.repetition == delimiters.repetition
    svc = [segment for segment in segments if segment.id == "SVC"]
    assert [segment.parts(1) for segment in svc] == [("HC", "99214"), ("HC", "99213")]
    assert Counter(segment.id for segment in segments)["CLP"] == 2
    assert segments[-1].id == "IEA"
    assert reader.warnings == []


@pytest.mark.parametrize(
    "delimiters",
    [
        Delimiters(),
        Delimiters(element="|", segment="\n", component=">", newline=""),
        Delimiters(element="*", segment="~", component="^", newline="\r\n"),
    ],
    ids=["star", "pipe-newline", "caret-component"],
)
def test_without_envelope_separators_are_guessed(delimiters: Delimiters) -> None:
    reader, segments = read(small_file(delimiters=delimiters, envelope=False))
    assert segments[0].id == "ST"
    assert reader.separators.element == delimiters.element
    assert reader.separators.segment == delimiters.segment
    assert reader.separators.component == delimiters.component
    assert segments[-1].id == "SE"


def test_byte_order_mark_changes_nothing() -> None:
    _, plain = read(small_file())
    _, with_bom = read(small_file(bom=True))
    assert [(s.id, s.elements) for s in with_bom] == [(s.id, s.elements) for s in plain]
    assert with_bom[0].get(1) == "00"


def test_collapsed_isa_from_the_factory() -> None:
    data = small_file(collapse_isa=True, delimiters=Delimiters(component=">"))
    assert data.index(b"~") < 105
    reader, segments = read(data)
    assert reader.separators.component == ">"
    assert Counter(segment.id for segment in segments)["SVC"] == 2


def test_each_interchange_brings_its_own_separators() -> None:
    first = small_file()
    second = small_file(delimiters=Delimiters(element="|", segment="\n", component=">", newline=""))
    _, segments = read(first + second)
    ids = Counter(segment.id for segment in segments)
    assert ids["ISA"] == 2 and ids["CLP"] == 4 and ids["IEA"] == 2
    svc = [segment.parts(1) for segment in segments if segment.id == "SVC"]
    assert svc == [("HC", "99214"), ("HC", "99213")] * 2


def test_garbage_between_segments_is_skipped_with_a_warning() -> None:
    data = small_file().replace(b"LX*1~\n", b"LX*1~\n%%% PAGE 2 %%%~\n")
    reader, segments = read(data)
    assert Counter(segment.id for segment in segments)["CLP"] == 2
    assert len(reader.warnings) == 1
    assert "skipped" in reader.warnings[0]


def test_garbage_glued_to_a_segment_is_cut_off() -> None:
    data = small_file().replace(b"\nCLP*B2*", b"\n#### noise ####CLP*B2*")
    reader, segments = read(data)
    clp = [segment for segment in segments if segment.id == "CLP"]
    assert [segment.get(1) for segment in clp] == ["A1", "B2"]
    assert len(reader.warnings) == 1


def test_text_before_the_interchange_is_skipped() -> None:
    reader, segments = read(b"Remittance for March\r\n\r\n" + small_file())
    assert segments[0].id == "ISA"
    assert reader.warnings and "start of the file" in reader.warnings[0]


def test_many_garbage_segments_give_a_bounded_list_of_warnings() -> None:
    data = small_file().replace(b"LX*1~\n", b"LX*1~\n" + b"?? junk ??~" * 200)
    reader, segments = read(data)
    assert Counter(segment.id for segment in segments)["CLP"] == 2
    assert len(reader.warnings) == 21
    assert "180 more" in reader.warnings[-1]


def test_a_cut_off_last_segment_is_marked_incomplete() -> None:
    data = small_file()
    cut = data.index(b"CAS*CO*50*200") + len(b"CAS*CO*50*2")
    _, segments = read(data[:cut])
    assert segments[-1].id == "CAS"
    assert not segments[-1].complete
    assert all(segment.complete for segment in segments[:-1])


def test_a_file_ending_without_terminator_after_iea_is_fine() -> None:
    data = small_file(delimiters=Delimiters(newline="")).rstrip(b"~")
    _, segments = read(data)
    assert segments[-1].id == "IEA"
    assert not segments[-1].complete  # it is the reader's job to say; era.py accepts IEA


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n", b"Dear patient, your bill is $40.", b"\x00\x01\x02\xff" * 50, b"VISA*1234~"],
    ids=["empty", "blank", "prose", "binary", "visa-is-not-isa"],
)
def test_nothing_x12_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableDocument):
        read(data)


def test_an_isa_too_broken_to_give_separators_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        read(b"ISA*00*" + b"x" * 40)


def test_segment_get_numbers_like_the_standard() -> None:
    _, segments = read(build_835(Payment(claims=(qmb_claim("Z9"),))))
    clp = next(segment for segment in segments if segment.id == "CLP")
    assert (clp.get(1), clp.get(2), clp.get(6)) == ("Z9", "1", "MB")
    assert clp.get(0) == ""


def test_reader_is_lazy() -> None:
    payment = Payment(claims=tuple(qmb_claim(f"Q{n}") for n in range(200)))
    reader = X12Reader(build_835(payment), "big")
    iterator = iter(reader)
    first = [next(iterator) for _ in range(3)]
    assert [segment.id for segment in first] == ["ISA", "GS", "ST"]
