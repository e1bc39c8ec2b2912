"""Property-based fuzzing of the 835 path: whatever bytes arrive, the reader, the extractor and
the checks answer, or raise one of our own ExplainerErrors; never anything else (issue 9)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explainer import ExplainerError, explain
from explainer.extract.era import extract_era
from explainer.present.json import explanation_to_dict
from explainer.read.x12 import X12Reader
from tests.conftest import validate_contract
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Delimiters,
    Payment,
    Plb,
    build_835,
    denied_claim,
    medicare_line,
    qmb_claim,
    reversal_of,
)

SEGMENT_IDS = st.sampled_from(
    [
        "ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N3", "N4", "PER", "LX",
        "TS3", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ", "PLB", "SE", "GE",
        "IEA", "ZZ", "A1", "clp", "",
    ]
)  # fmt: skip
ELEMENTS = st.one_of(
    st.sampled_from(
        [
            "", "835", "0001", "1", "4", "22", "25", "CO", "PR", "OA", "PI", "CR", "45", "253",
            "2", "MA", "MB", "16", "MC", "HC:99214", "HC:99214:25", "HC>12345>26", "NU:0450",
            "150", "150.00", "-150", "78.4", "0", "0.00", "1.60", "1E+5", "9E+999999", "NaN",
            "Infinity", "-0", ".5", "1,234.56", "20240304", "20241399", "2024030", "99999999",
            "405", "472", "150", "232", "233", "B6", "HE", "N130", "MA01", "N781", "QC", "IL",
            "74", "1P", "PE", "PR", "XX", "1234567893", "C", "D", "I", "H", "ACH", "CCP",
            "WO", "FB", "L6", "CS", "J1", "72", "00501", "00401", "U", "^", ":", "~", "*",
            "DOE", "JANE", "\u00e9", "\x00", " ", "\t", "9" * 30, "X" * 300,
        ]
    ),
    st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
)  # fmt: skip
SEGMENTS = st.tuples(SEGMENT_IDS, st.lists(ELEMENTS, max_size=20))
ELEMENT_SEPARATORS = st.sampled_from(["*", "|", "^", "~", ":", "\x1d", "a", " "])
TERMINATORS = st.sampled_from(["~", "~\n", "\n", "'", "\r\n", "|", "*", ""])


def _isa(element: str, component: str, terminator: str) -> str:
    """A well-formed ISA header with these separators."""
    fields = [
        "00", " " * 10, "00", " " * 10, "ZZ", "PAYER".ljust(15), "ZZ", "CLINIC".ljust(15),
        "240313", "1200", "^", "00501", "000000001", "0", "P", component,
    ]  # fmt: skip
    return "ISA" + element + element.join(fields) + terminator


@st.composite
def pieced_835(draw: st.DrawFn) -> bytes:
    """Segments built from X12 pieces, with or without an envelope, maybe cut or noisy."""
    element = draw(ELEMENT_SEPARATORS)
    terminator = draw(TERMINATORS)
    parts = []
    if draw(st.booleans()):
        parts.append(_isa(element, draw(st.sampled_from([":", ">", "^", element])), terminator))
    for name, elements in draw(st.lists(SEGMENTS, max_size=40)):
        parts.append(element.join([name, *elements]) + terminator)
    text = "".join(parts)
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.booleans()):
        noise = draw(st.binary(max_size=64))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + noise + data[at:]
    if draw(st.booleans()) and data:
        data = data[: draw(st.integers(0, len(data)))]
    return data


VALID_FILES = [
    build_835(
        Payment(claims=(ClaimSpec("A1", lines=(medicare_line(Decimal(150), Decimal(100)),)),))
    ),
    build_835(
        [
            Payment(claims=(qmb_claim(), denied_claim()), plb=(Plb("WO", "X1", Decimal("5")),)),
            Payment(claims=(reversal_of(qmb_claim("R1")),), control="0002"),
        ],
        delimiters=Delimiters(element="|", segment="'", component=">", newline=""),
    ),
    build_835(
        Payment(
            claims=(
                ClaimSpec(
                    "B2",
                    lines=(medicare_line(Decimal(90), Decimal(70), deductible=Decimal(20)),),
                    adjustments=(Cas("OA", "23", Decimal("3.10")),),
                ),
            )
        ),
        envelope=False,
        bom=True,
    ),
]


@st.composite
def mutated_835(draw: st.DrawFn) -> bytes:
    """A real 835 with slices deleted, repeated, or replaced by random bytes."""
    data = bytearray(draw(st.sampled_from(VALID_FILES)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        start = draw(st.integers(0, len(data) - 1))
        end = draw(st.integers(start, min(len(data), start + 40)))
        action = draw(st.sampled_from(["delete", "replace", "repeat", "insert"]))
        if action == "delete":
            del data[start:end]
        elif action == "replace":
            data[start:end] = draw(st.binary(max_size=40))
        elif action == "repeat":
            data[start:start] = data[start:end] * draw(st.integers(1, 5))
        else:
            data[start:start] = draw(
                st.sampled_from([b"~", b"*", b"ISA*", b"ST*835*9~", b"SE*1*9~", b"CLP*", b"\x00"])
            )
    return bytes(data)


def _explain_835(data: bytes) -> None:
    """Read, extract, explain and present: only our own errors may come out."""
    try:
        documents = extract_era(data, "fuzz.835")
    except ExplainerError as error:
        assert error.message and "Traceback" not in error.message
        return
    explanation = explain(documents)
    validate_contract(explanation_to_dict(explanation))


FUZZ = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(data=pieced_835())
def test_pieced_835_never_crashes(data: bytes) -> None:
    _explain_835(data)


@settings(FUZZ, max_examples=1200)
@given(data=mutated_835())
def test_mutated_835_never_crashes(data: bytes) -> None:
    _explain_835(data)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash_the_reader(data: bytes) -> None:
    try:
        reader = X12Reader(data, "noise")
        for segment in reader:
            assert len(segment.elements) < 5000
    except ExplainerError:
        pass
    _explain_835(data)
