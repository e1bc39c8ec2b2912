"""FHIR claims downloads (Blue Button 2.0, CARIN Blue Button): every corpus file read, every
line's amounts against a table written by hand from the files (not from our output)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from explainer.errors import ExplainerError, LimitExceeded, UnreadableDocument, UnsupportedDocument
from explainer.extract.fhir import extract_fhir
from explainer.model import Coverage, Document, DocumentKind, Format, Group, ServiceLine
from explainer.read.fhir import MAX_DEPTH, read_fhir
from explainer.read.sniff import sniff_format
from explainer.read.upload import Upload, read_upload
from tests.conftest import CORPUS

FHIR = CORPUS / "fhir"
needs_corpus = pytest.mark.skipif(not FHIR.is_dir(), reason="shared/corpus is not beside main")
FILES = sorted(FHIR.glob("*.json")) if FHIR.is_dir() else []

N = None
# (billed, allowed, paid, patient_owes, not_covered, deductible PR1, coinsurance PR2, copay PR3)
# per item, per EOB, as the files print them (a Blue Button variable URL wins over the
# generic category beside it; rev_cntr_rate_amt is a unit rate; blood deductible, prior payer,
# paid-by-patient, discounts and drug cost are not used).
EXPECTED: dict[str, list[list[tuple[str | None, ...]]]] = {
    "B01": [[("75.00", "47.84", "37.50", N, N, N, "9.57", N)]],
    "B02": [
        [
            (b, "47.84", "37.50", N, N, N, "9.57", N)
            for b in ("75.00", "75.00", "85.00", "65.00", "55.00", "45.00", "35.00")
        ]
    ],
    "B03": [[("84888.88", N, N, N, "3699.00", N, N, N)]],
    "B04": [[("999.85", N, "5000.00", N, "134.00", "12.89", "15.23", N)]],
    "B05": [[("130.45", "129.45", "123.45", N, N, "18.00", "20.20", N)]],
    "B06": [[(N, N, "126.99", N, N, N, N, N)]],
    "B07": [[("95.00", N, N, N, "88.00", N, N, N)]],
    "B08": [[("25.00", N, "26.00", N, "24.00", N, N, N)]],
    "B09": [[("2555.00", N, "26.00", N, "300.00", N, N, N)]],
    "B11": [[("250.00", "250.00", "50.00", N, N, N, "10.00", N)]],
    "B12": [
        [
            (b, N, N, N, "0.00", N, N, N)
            for b in (
                "4000.00",
                "650.00",
                "500.00",
                "40.00",
                "450.00",
                "80.00",
                "450.00",
                "1000.00",
                "2000.00",
                "200.00",
                "10000.00",
            )
        ]
    ],
    "B13": [
        [
            (b, N, "0.00", N, nc, N, N, N)
            for b, nc in (
                ("60.00", "0.00"),
                ("80.00", "0.00"),
                ("70.00", "70.00"),
                ("50.00", "0.00"),
                ("50.00", "0.00"),
                ("300.00", "70.00"),
            )
        ]
    ],
    "B14": [
        [(N, N, p, N, N, N, N, N)]
        for p in (
            "0.00",
            "10.00",
            "300.00",
            "0.00",
            "0.00",
            "0.00",
            "10.00",
            "300.00",
            "0.00",
            "0.00",
        )
    ],
    "B15": [
        [
            ("50.11", "9194.22", "11.15", N, N, N, N, N),
            (N, N, "11.14", N, "0.10", "3.50", N, N),
            (N, N, "14.11", N, N, "17.39", N, N),
            (N, N, "11.11", N, N, N, "11111.10", N),
        ]
    ],
    "B18": [
        [
            ("50.11", "9194.22", "11.15", N, N, N, N, N),
            (N, N, "11.14", N, "0.10", "3.50", N, N),
            (N, N, "14.11", N, N, "17.39", N, N),
            (N, N, "11.11", N, N, N, "11111.10", N),
        ]
    ],
    "B19": [[(N, N, "45.50", N, N, N, N, N)]],
    "B20": [[("0.35", "2.44", "2.68", N, N, "0.61", N, N)]],
    "B21": [[("0.35", "2.44", "2.68", N, "474.15", "0.61", N, N)]],
    "C01": [[("1000.00", N, N, N, N, N, N, N)]],
    "C02": [
        [
            ("68.80", "34.80", "34.80", N, "0.00", N, N, N),
            ("-68.80", "-34.80", "-34.80", N, "0.00", N, N, N),
            ("68.80", "34.80", "34.80", N, "0.00", N, N, N),
            ("751.20", "224.11", "0.00", N, "224.11", N, N, N),
            ("751.20", "224.11", "224.11", N, "0.00", N, N, N),
            ("-751.20", "-224.11", "0.00", N, "-224.11", N, N, N),
        ]
    ],
    "C03": [
        [("40.35", "40.35", "40.35", N, N, N, N, N), ("42.62", "42.62", "42.62", N, N, N, N, N)]
    ],
    "C04": [[(N,) * 8]],
    "C05": [[(N,) * 8] * 13],
    "C06": [[(N,) * 8]],
    "C07": [[("84.40", "56.52", "56.52", N, "0.00", N, N, N), ("0.00", N, N, N, "0.00", N, N, N)]],
    "C08": [[("1000.00", N, "20.00", "80.00", N, N, N, N)]],
    "C09": [[("190.00", N, N, N, N, N, N, N), ("220.00", N, N, N, N, N, N, N)]],
    "C10": [[("150.00", N, N, N, N, N, N, N)]],
    "C11": [[(N,) * 8] * 6],
    "C13": [
        [(N,) * 8],
        [(N,) * 8],
        [("190.00", N, N, N, N, N, N, N), ("220.00", N, N, N, N, N, N, N)],
        [("1000.00", N, "20.00", "80.00", N, N, N, N)],
        [("1000.00", N, N, N, N, N, N, N)],
    ],
}
EXPECTED["C12"] = EXPECTED["C02"]


def _read(path: Path) -> Document:
    return extract_fhir(path.read_bytes(), path.name)


def _figures(line: ServiceLine) -> tuple[str | None, ...]:
    def shown(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.2f}"

    def share(reason: str) -> str | None:
        found = [a.amount for a in line.adjustments if a.group is Group.PR and a.reason == reason]
        return shown(found[0]) if found else None

    return (
        shown(line.billed),
        shown(line.allowed),
        shown(line.paid),
        shown(line.patient_owes),
        shown(line.not_covered),
        share("1"),
        share("2"),
        share("3"),
    )


@needs_corpus
def test_the_expectation_table_covers_every_corpus_file() -> None:
    assert {path.name[:3] for path in FILES} == set(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[path.name[:3] for path in FILES])
def test_every_corpus_file_is_read_and_every_line_matches_the_file(path: Path) -> None:
    assert sniff_format(path.read_bytes()) is Format.FHIR
    [document] = read_upload(Upload(path.read_bytes(), path.name))
    assert document.kind is DocumentKind.CLAIMS_DOWNLOAD and document.format is Format.FHIR
    expected = EXPECTED[path.name[:3]]
    assert [len(claim.lines) for claim in document.claims] == [len(lines) for lines in expected]
    for claim, lines in zip(document.claims, expected, strict=True):
        assert [_figures(line) for line in claim.lines] == lines, claim.where


@needs_corpus
def test_blue_button_carrier_claim_facts() -> None:
    [claim] = _read(FHIR / "B01_bfd_v2_carrier_partB.json").claims
    assert claim.claim_number == "9991831999"
    assert claim.assigned is True  # asgmntcd A
    # benefitBalance says the charge; B01's `total` calls it 'prior payer paid' and says 0.
    assert claim.billed == Decimal("245.04")
    line = claim.lines[0]
    assert (line.procedure_code, line.modifiers, str(line.date_of_service)) == (
        "92999",
        ("LT",),
        "1999-10-27",
    )
    assert _read(FHIR / "B01_bfd_v2_carrier_partB.json").coverage is Coverage.ORIGINAL_MEDICARE


@needs_corpus
def test_dme_claim_is_a_supplier_and_part_d_is_part_d() -> None:
    assert _read(FHIR / "B05_bfd_v2_dme.json").claims[0].is_supplier
    assert _read(FHIR / "B06_bfd_v2_partD_pde.json").coverage is Coverage.MEDICARE_PART_D
    assert (
        _read(FHIR / "B14_bb2_sandbox_v2_searchset_partD.json").coverage is Coverage.MEDICARE_PART_D
    )


@needs_corpus
def test_idr_assignment_and_contained_practitioner() -> None:
    [claim] = _read(FHIR / "B15_bfd_idr_v3model_carrier_c4bb220.json").claims
    assert claim.assigned is True  # supportingInfo CLM_MDCR_PRFNL_PRVDR_ASGNMT_SW "Assigned Claim"
    assert claim.provider == "Tony Stark"  # provider → #1942945159, a contained Practitioner


@needs_corpus
def test_co120_style_strings_are_reported_not_dropped() -> None:
    document = _read(FHIR / "B04_bfd_v2_outpatient_with_ansi_carc.json")
    said = " ".join(document.warnings)
    assert "CO-120" in said and "CR-121" in said


@needs_corpus
def test_non_financial_profile_says_so_and_invents_no_zeros() -> None:
    document = _read(FHIR / "C11_c4bb200dev_professional_nonfinancial2_no_amounts.json")
    assert "no amounts" in document.warnings[0]
    assert all(_figures(line) == (N,) * 8 for line in document.lines)
    assert document.claims[0].paid is None and document.claims[0].billed is None


@needs_corpus
def test_carin_searchset_bundle_resolves_included_resources() -> None:
    document = _read(FHIR / "C13_inferno_c4bb_eob_include_searchset_bundle.json")
    providers = [claim.provider for claim in document.claims]
    assert providers[0] == "Orange Medical Group"  # included Organization, not the display
    assert "Dr. John Smith" in providers  # included Practitioner
    assert document.coverage is Coverage.MEDICARE_ADVANTAGE  # Coverage class 'MEDICARE HMO PLAN'
    assert (
        _read(FHIR / "C02_c4bb200_professional2_6lines_full_adjudication.json").coverage
        is Coverage.UNKNOWN
    )


@needs_corpus
def test_carin_payee_provider_means_assigned() -> None:
    [claim] = _read(FHIR / "C03_c4bb200_professional_transportation1_ambulance.json").claims
    assert claim.assigned is True
    assert claim.billed == Decimal("82.97") and claim.patient_owes == Decimal("0.00")


def _eob(amount: float = 10.0) -> dict[str, object]:
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": "x",
        "item": [
            {
                "sequence": 1,
                "productOrService": {
                    "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "99213"}]
                },
                "servicedDate": "2025-03-04",
                "adjudication": [
                    {
                        "category": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                                    "code": "submitted",
                                }
                            ]
                        },
                        "amount": {"value": amount},
                    },
                    {
                        "category": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBAdjudicationDiscriminator",
                                    "code": "adjustmentreason",
                                }
                            ]
                        },
                        "reason": {
                            "coding": [
                                {
                                    "system": "https://x12.org/codes/claim-adjustment-reason-codes",
                                    "code": "45",
                                },
                                {
                                    "system": "https://x12.org/codes/claim-adjustment-group-codes",
                                    "code": "CO",
                                },
                            ]
                        },
                        "amount": {"value": 4.5},
                    },
                ],
            }
        ],
    }


def test_ndjson_export_and_adjustment_reason_slice() -> None:
    data = (json.dumps(_eob(10.0)) + "\n" + json.dumps(_eob(20.0)) + "\n").encode()
    assert sniff_format(data) is Format.FHIR
    [document] = read_upload(Upload(data, "export.ndjson"))
    assert [line.billed for line in document.lines] == [Decimal("10.00"), Decimal("20.00")]
    adjustment = document.lines[0].adjustments[0]
    assert (adjustment.group, adjustment.reason, adjustment.amount) == (
        Group.CO,
        "45",
        Decimal("4.50"),
    )


def test_deep_nesting_is_refused_kindly() -> None:
    deep = (
        b'{"resourceType": "ExplanationOfBenefit", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    with pytest.raises(LimitExceeded):
        read_fhir(deep, "deep.json")
    just_over = b'{"resourceType": "Bundle", "x": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}"
    with pytest.raises(LimitExceeded):
        read_fhir(just_over, "deep.json")


def test_huge_bundles_are_refused() -> None:
    entry = {"resource": {"resourceType": "Patient"}}
    bundle = {"resourceType": "Bundle", "entry": [entry] * 6000}
    with pytest.raises(LimitExceeded):
        read_fhir(json.dumps(bundle).encode(), "big.json")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'{"resourceType": "Patient", "id": "p"}', UnsupportedDocument),
        (b'{"resourceType": "ExplanationOfBenefit", "item": [', UnreadableDocument),
        (b'{"resourceType": "ExplanationOfBenefit"}\n{"oops', UnreadableDocument),
    ],
)
def test_bad_fhir_is_a_clear_message(data: bytes, error: type[ExplainerError]) -> None:
    with pytest.raises(error) as raised:
        read_upload(Upload(data, "claims.json"))
    assert "claims.json" in raised.value.message


def test_placeholders_and_odd_values_are_not_read_as_figures() -> None:
    eob = _eob()
    eob["created"] = "IGNORED_FIELD"
    eob["billablePeriod"] = {"start": "IGNORED_FIELD"}
    eob["item"][0]["adjudication"][0]["amount"] = {"value": "not money"}  # type: ignore[index]
    [document] = read_upload(Upload(json.dumps(eob).encode(), "odd.json"))
    assert document.lines[0].billed is None
    assert str(document.lines[0].date_of_service) == "2025-03-04"


def _carrier_2024(assignment: str) -> bytes:
    """B11 (a Blue Button carrier claim) moved to 2024 with an ordinary 80/20 line after the
    2% cut: allowed 100.00, coinsurance 20.00, Medicare paid 78.40; no CO 253 anywhere."""
    eob = json.loads((FHIR / "B11_bb2_sandbox_v2_carrier.json").read_text())
    eob["billablePeriod"] = {"start": "2024-05-06", "end": "2024-05-06"}
    for extension in eob["extension"]:
        if extension["url"].endswith("/asgmntcd"):
            extension["valueCoding"]["code"] = assignment
    item = eob["item"][0]
    item["servicedPeriod"] = {"start": "2024-05-06", "end": "2024-05-06"}
    item["productOrService"]["coding"][0]["code"] = "99214"
    figures = {
        "line_sbmtd_chrg_amt": 150.0,
        "line_alowd_chrg_amt": 100.0,
        "line_nch_pmt_amt": 78.4,
        "line_prvdr_pmt_amt": 78.4,
        "line_coinsrnc_amt": 20.0,
    }
    for adjudication in item["adjudication"]:
        for coding in adjudication.get("category", {}).get("coding", []):
            name = str(coding.get("code", "")).rsplit("/", 1)[-1]
            if name in figures:
                adjudication["amount"]["value"] = figures[name]
    return json.dumps(eob).encode()


BILL = b"Springfield Clinic\nStatement\n05/06/2024 99214 office visit charges $150.00 patient balance $21.60\n"


@needs_corpus
def test_blue_button_claim_with_a_bill_asking_the_cut() -> None:
    from explainer import Answers, Role, explain_uploads
    from tests.conftest import TODAY

    uploads = [
        Upload(_carrier_2024("A"), "eob.json", Role.NOTICE),
        Upload(BILL, "bill.txt", Role.BILL),
    ]
    explanation = explain_uploads(uploads, Answers(today=TODAY))
    flagged = [(f.rule, f.amount) for f in explanation.findings if f.severity.value == "alert"]
    assert flagged == [("contractual-billed-to-patient", Decimal("1.60"))]
    assert explanation.totals.may_owe_at_most == Decimal("20.00")


@needs_corpus
def test_unassigned_blue_button_claim_lets_the_patient_absorb_the_cut() -> None:
    from explainer import Answers, Role, explain_uploads
    from tests.conftest import TODAY

    uploads = [
        Upload(_carrier_2024("N"), "eob.json", Role.NOTICE),
        Upload(BILL, "bill.txt", Role.BILL),
    ]
    explanation = explain_uploads(uploads, Answers(today=TODAY))
    assert not any(f.rule == "contractual-billed-to-patient" for f in explanation.findings)


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[path.name[:3] for path in FILES])
def test_a_download_alone_raises_no_alarm(path: Path) -> None:
    """B11 (allowed 250, coinsurance 10, paid 50 in 2015) once raised a 'wrong CO 253' warning
    from approved − paid − cost-shares; a download's cut comes from Medicare's payment."""
    from explainer import Answers, explain_uploads
    from tests.conftest import TODAY

    explanation = explain_uploads([Upload(path.read_bytes(), path.name)], Answers(today=TODAY))
    assert [f.rule for f in explanation.findings if f.severity.value != "info"] == []


WEIRD: list[object] = [
    None,
    True,
    0,
    -1,
    1e308,
    float("nan"),
    "",
    "IGNORED_FIELD",
    [],
    {},
    [1],
    "9" * 50,
    10**40,
    {"value": "NaN"},
    {"coding": "x"},
    {"coding": [1, 2]},
]


def _paths(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


@needs_corpus
def test_corpus_files_with_values_swapped_for_junk_never_crash() -> None:
    """Hostile or broken exports put numbers where lists go, lists where text goes, NaN where
    money goes: the reader answers with a Document or a kind error, never a traceback."""
    import random

    from explainer import Answers, explain
    from explainer.present.json import explanation_to_dict

    rng = random.Random(16)
    for _ in range(200):
        data = json.loads(rng.choice(FILES).read_text())
        for _ in range(rng.randint(1, 5)):
            path = rng.choice(_paths(data)[1:])
            parent = data
            for key in path[:-1]:
                parent = parent[key]  # type: ignore[index]
            parent[path[-1]] = WEIRD[rng.randrange(len(WEIRD))]  # type: ignore[index]
        try:
            document = extract_fhir(json.dumps(data).encode(), "junk.json")
        except ExplainerError:
            continue
        explanation_to_dict(explain([document], Answers()))


@needs_corpus
def test_a_download_mixing_part_b_and_part_d_still_checks_the_part_b_cut() -> None:
    from explainer import Answers, Role, explain_uploads
    from tests.conftest import TODAY

    part_d = json.loads((FHIR / "B06_bfd_v2_partD_pde.json").read_text())
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": json.loads(_carrier_2024("A"))}, {"resource": part_d}],
    }
    uploads = [
        Upload(json.dumps(bundle).encode(), "all.json", Role.NOTICE),
        Upload(BILL, "bill.txt", Role.BILL),
    ]
    explanation = explain_uploads(uploads, Answers(today=TODAY))
    assert explanation.documents[0].coverage is Coverage.UNKNOWN  # mixed: each claim says its own
    flagged = [(f.rule, f.amount) for f in explanation.findings if f.severity.value == "alert"]
    assert flagged == [("contractual-billed-to-patient", Decimal("1.60"))]


@needs_corpus
@pytest.mark.parametrize("path", FILES, ids=[path.name[:3] for path in FILES])
def test_every_corpus_file_explains_to_the_json_contract(path: Path) -> None:
    from explainer import Answers, Role, explain_uploads
    from explainer.present.json import explanation_to_dict
    from tests.conftest import TODAY, validate_contract

    uploads = [
        Upload(path.read_bytes(), path.name, Role.NOTICE),
        Upload(BILL, "bill.txt", Role.BILL),
    ]
    data = explanation_to_dict(explain_uploads(uploads, Answers(today=TODAY)))
    validate_contract(data)
    assert (data["documents"][0]["kind"], data["documents"][0]["format"]) == (
        "claims_download",
        "fhir",
    )


@needs_corpus
def test_claims_with_whole_claim_amounts_only_are_unchecked_rows() -> None:
    document = _read(FHIR / "C05_c4bb200_inpatient2_noncovered_memberliability.json")
    [row] = document.unchecked
    assert row.where == "claim InpatientEOBExample1" and "$1,393.57" in row.text
    assert _read(FHIR / "B02_bfd_v2_carrier_partB_multiple_lines.json").unchecked == ()


@pytest.mark.parametrize(
    "reason",
    [
        # Blue Button's IDR model: group and CARC both under the CARC system, no amount.
        [
            {"system": "https://x12.org/codes/claim-adjustment-reason-codes", "code": "CO"},
            {
                "system": "https://x12.org/codes/claim-adjustment-reason-codes",
                "code": "Optional[45]",
            },
        ],
        [
            {
                "system": "https://bluebutton.cms.gov/resources/variables/rev_cntr_1st_ansi_cd",
                "code": "CO45",
            }
        ],
    ],
    ids=["idr", "ansi-string"],
)
def test_reasons_without_an_amount_are_named_in_the_warnings(reason: list[dict[str, str]]) -> None:
    eob = _eob()
    adjudication = eob["item"][0]["adjudication"][1]  # type: ignore[index]
    adjudication["reason"] = {"coding": reason}
    del adjudication["amount"]
    [document] = read_upload(Upload(json.dumps(eob).encode(), "idr.json"))
    assert document.lines[0].adjustments == ()  # no $0.00 invented
    assert any(
        "reason CO-45 is given without an amount" in warning for warning in document.warnings
    )


@needs_corpus
def test_unused_amounts_are_named_once_for_the_whole_file() -> None:
    eob = json.loads((FHIR / "B15_bfd_idr_v3model_carrier_c4bb220.json").read_text())
    bundle = {"resourceType": "Bundle", "entry": [{"resource": eob} for _ in range(30)]}
    [document] = read_upload(Upload(json.dumps(bundle).encode(), "year.json"))
    unused = [
        warning for warning in document.warnings if warning.startswith("Amounts we do not use")
    ]
    assert len(unused) == 1 and "CLM_LINE_PRFNL_INTRST_AMT" in unused[0]
    assert len(document.warnings) <= 22


@needs_corpus
def test_reason_warnings_of_a_long_download_are_capped() -> None:
    eob = json.loads((FHIR / "B04_bfd_v2_outpatient_with_ansi_carc.json").read_text())
    bundle = {"resourceType": "Bundle", "entry": [{"resource": eob} for _ in range(30)]}
    [document] = read_upload(Upload(json.dumps(bundle).encode(), "year.json"))
    assert len(document.warnings) == 21 and document.warnings[-1] == "… and 40 more like these."
