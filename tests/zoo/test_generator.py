"""The zoo generator checks itself: a fixed sample of cases, one or more per family, each built
into a temporary folder and held to its own arithmetic and to what its papers print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.zoo.build import make_case, write_case
from tests.zoo.families import FAMILIES
from tests.zoo.truth import CENT, RULE_IDS, Case, check_case, q

SEED = "zoo-test"
# every family's first case, and a second one for families whose layout varies most
# one case of every family, its number varied so the sample meets each scenario kind
SAMPLE = [(family, 1 + i % 7) for i, family in enumerate(FAMILIES)]
SAMPLE += [(family, 6) for family in list(FAMILIES)[: max(0, 30 - len(SAMPLE))]]


def paper_text(name: str, data: bytes) -> str:
    """The text layer with spaces, commas and dollar signs gone: space-less and letter-spaced
    layers then compare like normal ones."""
    if name.endswith(".pdf"):
        pdf = pdfium.PdfDocument(data)
        text = "".join(page.get_textpage().get_text_range() for page in pdf)
        pdf.close()
    else:
        text = data.decode("utf-8")
    return re.sub(r"[\s,$]", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Case, Path]]:
    out = tmp_path_factory.mktemp("zoo")
    cases = {}
    for family, n in SAMPLE:
        case = make_case(family, n, SEED)
        cases[case.name] = (case, write_case(case, out))
    return cases


@pytest.mark.parametrize(("family", "n"), SAMPLE, ids=[f"{f}-{n}" for f, n in SAMPLE])
def test_case_checks_its_own_arithmetic(family: str, n: int,
                                        built: dict[str, tuple[Case, Path]]) -> None:
    case, folder = built[f"{family}-{n:03d}"]
    assert check_case(case) == []
    truth = json.loads((folder / "truth.json").read_text())
    assert truth["lines"], "every case has service lines"
    for i, arg in enumerate(truth["args"]):
        if truth["args"][i - 1] != "--coverage":
            assert arg.startswith("--") or (folder / arg).is_file()
    for f in truth["findings"]:
        assert f["rule"] in RULE_IDS
    # every amount the truth gives for a line is printed on that line's paper
    texts = {name: paper_text(name, (folder / name).read_bytes()) for name in case.files
             if not name.endswith(".jpg")}
    for name, pdf in case.rendered_from.items():  # a photo: the page it was taken of
        texts[name] = paper_text(".pdf", pdf)
    for row in truth["lines"]:
        for field in ("billed", "allowed", "paid", "patient_owes"):
            if field in row:
                assert row[field] in texts[row["source"]], (row, field)
    # Original Medicare lines: the cut implied by the notice is 2 % of the payment before it
    for pl in case.paid_lines:
        if pl.cut:
            assert abs(pl.cut - q((pl.paid + pl.cut) * 2 / 100)) <= CENT


def test_the_generator_is_deterministic() -> None:
    family = next(iter(FAMILIES))
    a, b = make_case(family, 3, SEED), make_case(family, 3, SEED)
    assert a.files and all(data for data in a.files.values())
    assert a.files == b.files and a.truth() == b.truth()
    assert make_case(family, 4, SEED).files != a.files


def test_a_broken_sum_is_caught() -> None:
    case = make_case(next(iter(FAMILIES)), 1, SEED)
    label, parts, total = case.sums[0]
    case.sums[0] = (label, parts, total + 1)
    assert any(label in p for p in check_case(case))
    case = make_case(next(iter(FAMILIES)), 1, SEED)
    case.paid_lines[0].paid += 1
    assert check_case(case)


def test_the_sample_holds_clean_cases_and_faults(built: dict[str, tuple[Case, Path]]) -> None:
    clean = [c for c, _ in built.values() if not [f for f in c.findings
                                                  if f["rule"] != "appeal-deadline"]]
    faulty = [c for c, _ in built.values() if c.findings]
    assert len(clean) >= 5 and len(faulty) >= 5
