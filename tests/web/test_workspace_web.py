"""The 835 workspace (issue 15, front desk): an 835 upload opens a searchable, filterable,
sortable, paginated list held sealed for at most 30 minutes; claim, sheet, CSV, forget."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from tests.x12_factory import (
    Cas,
    ClaimSpec,
    Line,
    Payment,
    build_835,
    denied_claim,
    medicare_line,
    reversal_of,
)
from web.workspace import COOKIE, VAULT_KEY
from web.workspace_vault import HOLD_SECONDS

from .conftest import STORY_BILL, post_multipart

# 120 ordinary Medicare claims, a patient to search for, two denials, a reversal, and a
# commercial claim with no CO 253 and nothing for the patient to pay: 125 claims.
ORDINARY = tuple(
    ClaimSpec(
        f"C{n:03d}",
        lines=(
            medicare_line(
                Decimal("150.00"), Decimal("100.00"), service_date=date(2024, 3, 1 + n % 28)
            ),
        ),
        patient=(f"PATIENT{n:03d}", "ANN"),
    )
    for n in range(1, 121)
)
ZED = ClaimSpec(
    "ZED1",
    lines=(
        medicare_line(
            Decimal("300.00"),
            Decimal("200.00"),
            deductible=Decimal("50.00"),
            procedure="99215",
            service_date=date(2024, 2, 1),
        ),
    ),
    patient=("ZEDRICK", "ALMA"),
)
PLAIN = ClaimSpec(
    "K1",
    filing="CI",
    lines=(Line(billed=Decimal("90.00"), adjustments=(Cas("CO", "45", Decimal("10.00")),)),),
    patient=("KAPLAN", "OREN"),
)
REVERSED = reversal_of(
    ClaimSpec("R1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),)),
)
REMIT = build_835(
    Payment(
        claims=(*ORDINARY, ZED, denied_claim("D1"), denied_claim("D2"), REVERSED, PLAIN),
        paid_on=date(2024, 3, 15),
    )
)
TOTAL = 125


class Clock:
    """A clock the test moves by hand (the app reads WORKSPACE_CLOCK)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Iterator[Flask]:
    yield create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "WORKSPACE_VAULT": "local",
            "WORKSPACE_CLOCK": clock,
        }
    )


def upload(client: FlaskClient, data: bytes = REMIT, lang: str = "en") -> Any:
    return post_multipart(
        client, "/explain", {"notice_files": [(io.BytesIO(data), "remit.835")], "lang": lang}
    )


@pytest.fixture
def opened(client: FlaskClient) -> FlaskClient:
    """A client whose browser holds a workspace of REMIT."""
    response = upload(client)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def text(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return str(response.get_data(as_text=True))


def plain(page: str) -> str:
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def claim_numbers(page: str) -> list[str]:
    """The claim numbers in the table, in order."""
    return re.findall(r'<th scope="row" data-label="Claim"><a href="[^"]+">([^<]+)</a>', page)


def blobs(app: Flask) -> list[bytes]:
    return list(app.extensions[VAULT_KEY].blobs())


# --- opening ------------------------------------------------------------------------------


def test_an_835_upload_opens_the_workspace_with_a_strict_cookie(client: FlaskClient) -> None:
    response = upload(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/workspace"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for part in ("HttpOnly", "SameSite=Strict", "Path=/;", f"Max-Age={HOLD_SECONDS}"):
        assert part in cookie
    page = client.get("/workspace")
    assert page.headers["Cache-Control"] == "no-store"
    words = plain(text(page))
    assert "at most 30 minutes" in words and "Forget it now" in words
    assert "forgotten in 30 minutes at the latest" in words


def test_other_papers_with_an_835_stay_on_the_results_page(client: FlaskClient) -> None:
    response = post_multipart(
        client,
        "/explain",
        {"notice_files": [(io.BytesIO(REMIT), "r.835")], "bill_text": STORY_BILL},
    )
    assert response.status_code == 200
    assert "Payments in the 835 file" in response.get_data(as_text=True)
    assert COOKIE not in response.headers.get("Set-Cookie", "")


def test_without_a_workspace_the_page_says_it_is_gone(client: FlaskClient) -> None:
    response = client.get("/workspace")
    assert response.status_code == 410
    assert "no longer here" in response.get_data(as_text=True)
    client.set_cookie(COOKIE, "x" * 22 + "." + "y" * 43)
    assert client.get("/workspace?q=C001").status_code == 410


def test_overview_first_payment_chart_and_findings_for_the_practice(opened: FlaskClient) -> None:
    page = text(opened.get("/workspace"))
    assert page.index("Payments in the 835 file") < page.index("CO 253 by month")
    assert page.index("CO 253 by month") < page.index('id="claims-heading"')
    words = plain(page)
    assert "Claims 125 Denied claims 2 Reversals 1" in words
    assert "<svg" in page and "2024-03:" in page
    # Two denied lines: one group, worded for the practice, with its count.
    assert "Denied lines (2 times)" in words
    assert "correct and resubmit or appeal" in words
    assert "You may owe" not in page[: page.index('id="claims-heading"')]
    # The overview stays off a filtered list: the table comes first there.
    assert "Payments in the 835 file" not in text(opened.get("/workspace?show=denied"))


# --- search, filter, sort, pages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zedrick", ["ZED1"]),  # patient, any case
        ("alma zed", ["ZED1"]),  # every word must match
        ("C007", ["C007"]),  # claim number
        ("2024-02-01", ["ZED1"]),  # date, ISO
        ("02/01/2024", ["ZED1"]),  # date, as printed in the US
        ("99215", ["ZED1"]),  # procedure code
        ("CO-50", ["D1", "D2"]),  # adjustment code
        ("nobody-by-this-name", []),
    ],
)
def test_search(opened: FlaskClient, query: str, expected: list[str]) -> None:
    page = text(opened.get("/workspace", query_string={"q": query}))
    assert claim_numbers(page) == expected
    if not expected:
        assert "No claims match" in page


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("denied", ["D1", "D2"]),
        ("reversed", ["R1"]),
        ("co253", None),  # every Medicare claim but the denials and K1
    ],
)
def test_filters(opened: FlaskClient, show: str, expected: list[str] | None) -> None:
    page = text(opened.get("/workspace", query_string={"show": show}))
    found = claim_numbers(page)
    if expected is not None:
        assert found == expected
    else:
        words = plain(page)
        assert "of 122" in words  # 120 ordinary + ZED1 + the reversal's negative cut
        assert "K1" not in found and "D1" not in found


def test_patient_owes_filter_leaves_out_zero_and_reversals(opened: FlaskClient) -> None:
    page = text(opened.get("/workspace?show=owes&q=K1"))
    assert claim_numbers(page) == []
    page = text(opened.get("/workspace?show=owes"))
    assert "of 121" in plain(page)  # the 120 ordinary claims and ZED1
    assert "R1" not in claim_numbers(page)


def test_sort_by_amount_patient_and_date(opened: FlaskClient) -> None:
    # ZED1 owes the most ($50 deductible + its coinsurance); sorting is kept while paging.
    page = text(opened.get("/workspace?sort=owes&order=desc"))
    assert claim_numbers(page)[0] == "ZED1"
    assert 'aria-sort="descending"' in page
    ascending = claim_numbers(text(opened.get("/workspace?sort=patient&show=denied")))
    assert ascending == ["D1", "D2"]
    by_date = claim_numbers(text(opened.get("/workspace?sort=date")))
    assert by_date[0] == "ZED1"  # February comes before every March visit
    # The column's link flips the order of the current sort, and keeps the filter.
    assert "/workspace?show=denied&amp;sort=patient&amp;order=desc" in text(
        opened.get("/workspace?sort=patient&show=denied")
    )


def test_pages_of_fifty_with_links_that_keep_the_filter(opened: FlaskClient) -> None:
    first = text(opened.get("/workspace?q=patient"))
    assert len(claim_numbers(first)) == 50
    assert "Claims 1 to 50 of 120" in plain(first)
    assert 'href="/workspace?q=patient&amp;page=2" rel="next"' in first
    last = text(opened.get("/workspace?q=patient&page=3"))
    assert claim_numbers(last) == [f"C{n:03d}" for n in range(101, 121)]
    assert "Page 3 of 3" in plain(last)
    # Pages beyond the end, or nonsense, still answer with a page of the list.
    assert claim_numbers(text(opened.get("/workspace?q=patient&page=99"))) == claim_numbers(last)
    assert len(claim_numbers(text(opened.get("/workspace?page=-1&sort=zzz&show=x")))) == 50


# --- one claim, sheets, back --------------------------------------------------------------


def number_of(page: str, claim: str) -> str:
    found = re.search(rf'href="/workspace/claims/(\d+)[^"]*">{claim}<', page)
    assert found, claim
    return found.group(1)


def test_claim_detail_and_back_to_the_same_list(opened: FlaskClient) -> None:
    listing = text(opened.get("/workspace?show=denied"))
    number = number_of(listing, "D2")
    page = text(opened.get(f"/workspace/claims/{number}?show=denied"))
    words = plain(page)
    assert "Claim D2" in words and "CO-50" in words
    assert "Denied lines" in words  # its finding, worded for the practice
    assert f'href="/workspace?show=denied#claim-{number}"' in page
    assert f'href="/workspace/sheets?pick={number}&amp;show=denied"' in page
    assert opened.get("/workspace/claims/999").status_code == 404


def test_one_sheet_for_the_patient_with_a_way_back(opened: FlaskClient) -> None:
    number = number_of(text(opened.get("/workspace?q=zedrick")), "ZED1")
    page = text(opened.get(f"/workspace/sheets?pick={number}&q=zedrick"))
    assert page.count('class="patient-sheet"') == 1
    words = plain(page)
    assert "ALMA ZEDRICK" in words and "What this means for you" in words
    assert f'href="/workspace?q=zedrick#claim-{number}"' in page


def test_print_the_ticked_or_all_sheets(opened: FlaskClient) -> None:
    page = text(opened.get("/workspace/sheets?which=picked&pick=1&pick=3&pick=abc"))
    assert page.count('class="patient-sheet"') == 2
    page = text(opened.get("/workspace/sheets?which=all&show=denied"))
    assert page.count('class="patient-sheet"') == 2
    assert "narrow the list" not in page
    nothing = text(opened.get("/workspace/sheets?which=picked"))
    assert "No sheet was chosen" in nothing


def test_at_most_500_sheets_per_print_with_a_note(client: FlaskClient) -> None:
    claims = tuple(
        ClaimSpec(f"B{n:04d}", lines=(medicare_line(Decimal("150"), Decimal("100")),))
        for n in range(503)
    )
    assert upload(client, build_835(Payment(claims=claims))).status_code == 303
    page = text(client.get("/workspace/sheets?which=all"))
    assert page.count('class="patient-sheet"') == 500
    assert "Your list has 503 claims" in plain(page) and "narrow the list" in page


# --- CSV ----------------------------------------------------------------------------------


def test_claim_level_csv_one_row_per_line_with_initials_only(opened: FlaskClient) -> None:
    response = opened.get("/workspace/claims.csv?q=zedrick")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="claims-by-line.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        {
            "patient_initials": "A.Z.",
            "claim": "ZED1",
            "date": "2024-02-01",
            "code": "99215",
            "billed": "300.00",
            "allowed": "200.00",
            "paid": "117.60",
            "CO-45": "100.00",
            "CO-253": "2.40",
            "PR-1": "50.00",
            "PR-2": "30.00",
            "patient_may_owe": "80.00",
        }
    ]
    everything = opened.get("/workspace/claims.csv").get_data(as_text=True)
    assert len(everything.splitlines()) == 1 + TOTAL
    for name in ("ZEDRICK", "ALMA", "PATIENT001", "KAPLAN"):
        assert name not in everything


def test_months_csv(opened: FlaskClient) -> None:
    body = opened.get("/workspace/co-253-by-month.csv").get_data(as_text=True)
    assert body.startswith("month,co_253\r\n2024-03,")


# --- forget and expiry --------------------------------------------------------------------


def test_forget_it_now_drops_the_workspace_at_once(app: Flask, opened: FlaskClient) -> None:
    assert len(blobs(app)) == 2
    response = opened.post("/workspace/forget")
    assert response.status_code == 200
    assert "We forgot your 835 file" in response.get_data(as_text=True)
    assert f"{COOKIE}=;" in response.headers["Set-Cookie"]
    assert blobs(app) == []
    assert opened.get("/workspace").status_code == 410


def test_forget_needs_the_form_token(clock: Clock) -> None:
    app = create_app({"TESTING": True, "WORKSPACE_VAULT": "local", "WORKSPACE_CLOCK": clock})
    client = app.test_client()
    page = text(client.get("/"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    fields = {"csrf_token": token.group(1), "notice_files": [(io.BytesIO(REMIT), "r.835")]}
    assert post_multipart(client, "/explain", fields).status_code == 303
    assert client.post("/workspace/forget").status_code == 400
    assert len(blobs(app)) == 2
    form = re.search(
        r'action="/workspace/forget".*?value="([^"]+)"', text(client.get("/workspace")), re.S
    )
    assert form
    assert client.post("/workspace/forget", data={"csrf_token": form.group(1)}).status_code == 200
    assert blobs(app) == []


def test_held_for_30_minutes_then_gone(app: Flask, opened: FlaskClient, clock: Clock) -> None:
    clock.now += HOLD_SECONDS - 61
    assert "forgotten in 2 minutes at the latest" in plain(text(opened.get("/workspace")))
    clock.now += 62
    assert opened.get("/workspace/claims/1").status_code == 410
    assert blobs(app) == []


def test_expired_workspaces_are_dropped_by_anyone_s_visit(app: Flask, clock: Clock) -> None:
    first, second = app.test_client(), app.test_client()
    assert upload(first).status_code == 303
    clock.now += HOLD_SECONDS + 1
    assert upload(second, build_835(Payment(claims=(denied_claim("X1"),)))).status_code == 303
    assert len(blobs(app)) == 2  # the first's two parts are gone though its browser never came back


def test_a_new_upload_replaces_the_last(app: Flask, opened: FlaskClient) -> None:
    assert upload(opened, build_835(Payment(claims=(denied_claim("X1"),)))).status_code == 303
    assert len(blobs(app)) == 2
    assert claim_numbers(text(opened.get("/workspace?show=denied"))) == ["X1"]


def test_the_shared_vault_process_serves_the_test_client() -> None:
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "WORKSPACE_VAULT": "shared"})
    process = app.extensions[VAULT_KEY + "_process"]
    try:
        client = app.test_client()
        assert upload(client).status_code == 303
        assert claim_numbers(text(client.get("/workspace?q=zedrick"))) == ["ZED1"]
        assert len(blobs(app)) == 2
        client.post("/workspace/forget")
        assert blobs(app) == []
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- Spanish ------------------------------------------------------------------------------


def test_spanish_workspace(opened: FlaskClient) -> None:
    upload(opened, lang="es")
    page = text(opened.get("/workspace?lang=es"))
    words = plain(page)
    assert "Olvidarlo ahora" in words
    assert "Reclamaciones" in words or "Reclamos" in words


def test_a_claim_shows_only_its_own_findings_when_numbers_repeat(client: FlaskClient) -> None:
    # The same claim number twice in one payment: only the denied one has a denial finding.
    ok = ClaimSpec("SAME", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),))
    data = build_835(Payment(claims=(denied_claim("SAME"), ok)))
    assert upload(client, data).status_code == 303
    first, second = (plain(text(client.get(f"/workspace/claims/{n}"))) for n in (1, 2))
    assert "What to look at on this claim Denied lines" in first
    assert "Denied lines" not in second


def test_what_the_reader_left_out_is_said_before_anything_else(client: FlaskClient) -> None:
    # A charge that is no amount: the claim is still listed, but the file was not read whole,
    # and "nothing to look at" alone would be a false all-is-well.
    data = build_835(
        Payment(claims=(ClaimSpec("BAD1", lines=(medicare_line(Decimal(150), Decimal(100)),)),))
    ).replace(b"CLP*BAD1*1*150*", b"CLP*BAD1*1*9E+999999*")
    assert upload(client, data).status_code == 303
    page = text(client.get("/workspace"))
    words = plain(page)
    assert "Parts we could not read" in words
    assert "Claim BAD1: “9E+999999” is not an amount; we left it out." in words
    # Which payment it was in; the reader's words are English, and marked so.
    assert '<strong>Payment 1</strong>: <span lang="en">Claim BAD1: “9E+999999”' in page
    assert page.index("Parts we could not read") < page.index("Payments in the 835 file")
    # A file read whole says no such thing.
    assert upload(client).status_code == 303
    assert "Parts we could not read" not in text(client.get("/workspace"))
