"""The year view of a claims download on the results page, in English and Spanish."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask.testing import FlaskClient

from tests.explainer.test_claims_text import EXPORT_2025, bill

from .conftest import post_multipart


def results(client: FlaskClient, lang: str) -> str:
    data: dict[str, Any] = {"qmb": "unsure", "medicaid": "unsure", "coverage": "", "lang": lang}
    data["notice_files"] = [(BytesIO(EXPORT_2025.encode()), "claims.txt")]
    data["bill_files"] = [(BytesIO(bill("03/08/2025", "99213", "21.38").encode()), "bill.txt")]
    response = post_multipart(client, f"/explain?lang={lang}", data)
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def year_section(page: str) -> str:
    start = page.index('<section class="year-view"')
    return page[start : page.index("</section>", start)]


def test_year_view_groups_the_download_by_provider_and_month(client: FlaskClient) -> None:
    section = year_section(results(client, "en"))
    assert "Your claims in claims.txt, by provider and month" in section
    assert "March 2025" in section and "September 2025" in section
    assert "SPRINGFIELD FAMILY CLINIC LLC" in section
    # Totals: approved 98.98 + 115.71, paid 77.60 + 90.71, may owe 19.80 + 19.80 + 3.35.
    assert "$214.69" in section and "$168.31" in section and "$42.95" in section


def test_year_view_in_spanish(client: FlaskClient) -> None:
    page = results(client, "es")
    section = year_section(page)
    assert "marzo de 2025" in section
    assert "Sus reclamaciones en claims.txt, por proveedor y mes" in section
    assert "Puede deber en total" in section
    assert "Reclamaciones que descargó de Medicare.gov o de su plan" in page


def test_no_year_view_without_a_claims_download(client: FlaskClient) -> None:
    data: dict[str, Any] = {"qmb": "unsure", "medicaid": "unsure", "coverage": "", "lang": "en"}
    data["bill_text"] = "03/08/2025 99213 office visit patient balance $21.38"
    response = post_multipart(client, "/explain", data)
    assert 'class="year-view"' not in response.get_data(as_text=True)


def test_the_form_says_downloads_are_welcome_in_both_languages(client: FlaskClient) -> None:
    assert "the text file from Medicare.gov" in client.get("/?lang=en").get_data(as_text=True)
    assert "el archivo de texto de Medicare.gov" in client.get("/?lang=es").get_data(as_text=True)
