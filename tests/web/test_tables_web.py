"""CSV and XLSX exports through the JSON API (issue 14): read in memory, answered in the contract."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from tests.explainer.test_tables import BILL_ASKS_21_60, CSV_EXPORT, ledger_workbook

from .conftest import STORY_NOTICE, post_multipart, validate_contract


def test_an_xlsx_statement_export_is_explained_with_the_co253_alert(client: FlaskClient) -> None:
    data = ledger_workbook(21.6, "transfer to patient")
    response = post_multipart(
        client,
        "/api/v1/explain",
        {"notice_text": STORY_NOTICE, "bill": [(io.BytesIO(data), "ledger.xlsx")]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    body = response.get_json()
    validate_contract(body)
    bill = body["documents"][-1]
    assert (bill["format"], bill["kind"]) == ("xlsx", "provider_bill")
    alerts = [(f["rule"], f["amount"]) for f in body["findings"] if f["severity"] == "alert"]
    assert alerts == [("contractual-billed-to-patient", "1.60")]


def test_a_csv_claims_export_is_explained(client: FlaskClient) -> None:
    response = post_multipart(
        client,
        "/api/v1/explain",
        {"bill_text": BILL_ASKS_21_60, "notice": [(io.BytesIO(CSV_EXPORT.encode()), "claims.csv")]},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    body = response.get_json()
    validate_contract(body)
    assert [d["format"] for d in body["documents"]] == ["csv", "text"]
    assert body["documents"][0]["claims"][0]["lines"][0]["patient_owes"] == "20.00"
