"""The JSON API: POST /api/v1/explain, /api/v1/codes/<code>, /api/v1/openapi.json, every error."""

from __future__ import annotations

import io
import json
from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient

from web.openapi import SCHEMA_PATH

from .conftest import (
    BROKEN_PDF,
    RANDOM_BINARY,
    STORY_BILL,
    STORY_NOTICE,
    ZIP_BYTES,
    post_multipart,
    shared_schema,
    validate_contract,
)


def post_api(client: FlaskClient, **fields: Any) -> Any:
    """POST /api/v1/explain as multipart."""
    return post_multipart(client, "/api/v1/explain", fields)


def assert_error(response: Any, status: int, slug: str | tuple[str, ...]) -> dict[str, Any]:
    """An error answer: the status, JSON {error, message}, plain words, no stack trace."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert body["error"] in ((slug,) if isinstance(slug, str) else slug)
    assert body["message"] and "Traceback" not in body["message"]
    return body  # type: ignore[no-any-return]


def co253_finding(body: dict[str, Any]) -> dict[str, Any]:
    """The contractual-billed-to-patient finding of the story."""
    found = [f for f in body["findings"] if f["rule"] == "contractual-billed-to-patient"]
    assert found, [f["rule"] for f in body["findings"]]
    return found[0]  # type: ignore[no-any-return]


def test_typed_story_returns_the_contract_with_the_co253_alert(client: FlaskClient) -> None:
    response = post_api(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    body = response.get_json()
    validate_contract(body)
    finding = co253_finding(body)
    assert finding["severity"] == "alert"
    assert finding["amount"] == "1.60"
    assert body["findings"][0]["severity"] == "alert"
    assert [d["source"] for d in body["documents"]] == ["typed:notice", "typed:bill"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_files_and_answers(client: FlaskClient) -> None:
    response = post_api(
        client,
        notice=[(io.BytesIO(STORY_NOTICE.encode()), "msn.txt")],
        bill=[(io.BytesIO(STORY_BILL.encode()), "bill.txt")],
        qmb="no",
        coverage="original_medicare",
        lang="en",
        notice_received="2025-04-15",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    body = response.get_json()
    validate_contract(body)
    assert co253_finding(body)["amount"] == "1.60"
    assert [d["source"] for d in body["documents"]] == ["msn.txt", "bill.txt"]


def test_repeated_file_fields(client: FlaskClient) -> None:
    second = b"03/05/2025 99213 billed $90 approved $70 paid $56 you may owe $14\n"
    response = post_api(
        client,
        notice=[(io.BytesIO(STORY_NOTICE.encode()), "a.txt"), (io.BytesIO(second), "b.txt")],
        bill_text=STORY_BILL,
    )
    assert response.status_code == 200
    body = response.get_json()
    validate_contract(body)
    assert [d["source"] for d in body["documents"]][:2] == ["a.txt", "b.txt"]


@pytest.mark.parametrize("word", ["true", "1", "yes", "on", "TRUE", "false", "0", "no", "off"])
def test_qmb_words(client: FlaskClient, word: str) -> None:
    response = post_api(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, qmb=word)
    assert response.status_code == 200


@pytest.mark.parametrize("lang", ["en", "es"])
def test_lang(client: FlaskClient, lang: str) -> None:
    response = post_api(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, lang=lang)
    assert response.status_code == 200
    body = response.get_json()
    validate_contract(body)
    assert body["lang"] == lang


@pytest.mark.parametrize(
    ("fields", "slug"),
    [
        ({}, "no-input"),
        ({"notice_text": "", "bill_text": ""}, "no-input"),
        ({"notice_text": "  \n "}, "no-input"),
        ({"notice_text": STORY_NOTICE, "qmb": "maybe"}, "bad-qmb"),
        ({"notice_text": STORY_NOTICE, "coverage": "gold-plan"}, "bad-coverage"),
        ({"notice_text": STORY_NOTICE, "lang": "fr"}, "bad-lang"),
        ({"notice_text": STORY_NOTICE, "notice_received": "04/15/2025"}, "bad-notice_received"),
    ],
    ids=["nothing", "empty-text", "blank-text", "qmb", "coverage", "lang", "date"],
)
def test_bad_requests_are_400(client: FlaskClient, fields: dict[str, Any], slug: str) -> None:
    assert_error(post_api(client, **fields), 400, slug)


def test_non_form_body_is_400(client: FlaskClient) -> None:
    response = client.post("/api/v1/explain", json={"notice_text": STORY_NOTICE})
    assert_error(response, 400, "no-input")


@pytest.mark.parametrize(
    ("data", "slug"),
    [
        (ZIP_BYTES, "unsupported-document"),
        (RANDOM_BINARY, "unsupported-document"),
        (BROKEN_PDF, "unreadable-document"),
        (b"", "unreadable-document"),
    ],
    ids=["zip", "random-binary", "broken-pdf", "empty-file"],
)
def test_unreadable_files_are_422(client: FlaskClient, data: bytes, slug: str) -> None:
    assert_error(post_api(client, notice=[(io.BytesIO(data), "x.pdf")]), 422, slug)


def test_too_large_is_413(client: FlaskClient) -> None:
    big = io.BytesIO(b"0" * (20 * 1024 * 1024 + 1))
    assert_error(post_api(client, notice=[(big, "big.pdf")]), 413, "too-large")


def test_too_much_typed_text_is_413(client: FlaskClient) -> None:
    assert_error(post_api(client, notice_text="a" * (3 * 1024 * 1024)), 413, "too-large")


def test_too_many_files_is_413(client: FlaskClient) -> None:
    files = [(io.BytesIO(STORY_NOTICE.encode()), f"n{i}.txt") for i in range(21)]
    assert_error(post_api(client, notice=files), 413, "too-large")


def test_api_needs_no_csrf_token(csrf_client: FlaskClient) -> None:
    response = post_api(csrf_client, notice_text=STORY_NOTICE, bill_text=STORY_BILL)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/api/v1/explain"), ("post", "/api/v1/openapi.json")]
)
def test_wrong_method_is_405_json(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path)
    assert_error(response, 405, "method-not-allowed")
    assert "POST" in response.headers["Allow"] or "GET" in response.headers["Allow"]


def test_unknown_api_path_is_404_json(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not-found")


@pytest.mark.parametrize(
    ("code", "expected"),
    [("CO-253", ["CO", "253"]), ("N130", ["N130"]), ("PR 2", ["PR", "2"]), ("253", ["253"])],
)
def test_code_lookup(client: FlaskClient, code: str, expected: list[str]) -> None:
    response = client.get(f"/api/v1/codes/{code}")
    assert response.status_code == 200
    body = response.get_json()
    assert [c["code"] for c in body["codes"]] == expected
    code_schema = shared_schema()["$defs"]["code"]
    for item in body["codes"]:
        jsonschema.validate(item, code_schema, cls=jsonschema.Draft202012Validator)


def test_co253_lookup_says_not_owed(client: FlaskClient) -> None:
    body = client.get("/api/v1/codes/CO-253").get_json()
    assert body["codes"][0]["patient_pays"] is False


def test_unknown_code_is_404_json(client: FlaskClient) -> None:
    assert_error(client.get("/api/v1/codes/XYZ999"), 404, "not-found")


def test_bundled_schema_is_the_contract() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == shared_schema()


def _refs(node: Any) -> list[str]:
    """Every $ref value in a JSON document."""
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_openapi_document_describes_the_api(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"title", "version"} <= set(doc["info"])
    explain = doc["paths"]["/api/v1/explain"]["post"]
    form = explain["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"notice", "bill", "notice_text", "bill_text", "qmb", "coverage", "lang"} <= set(form)
    assert {"200", "400", "413", "422"} <= set(explain["responses"])
    assert "/api/v1/codes/{code}" in doc["paths"]
    # Every component reference resolves, and every schema is valid JSON Schema 2020-12.
    for ref in _refs(doc):
        if ref.startswith("#/components/"):
            name = ref.rsplit("/", 1)[1]
            assert name in doc["components"]["schemas"], ref
    for schema in doc["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)
    # The 200 answer's schema is the contract, and a real answer validates against it.
    ref = explain["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert schema == shared_schema()
    body = post_api(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL).get_json()
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)
    error_schema = doc["components"]["schemas"]["Error"]
    jsonschema.validate(post_api(client).get_json(), error_schema)
