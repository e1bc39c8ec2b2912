"""Web test fixtures: the app, clients with CSRF off and on, and the CO 253 story."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import create_app

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA_PATH = ROOT.parent / "shared" / "contract" / "explanation.schema.json"

# The CO 253 story: the notice says "you may owe $20.00" and shows the $1.60 sequestration
# cut under CO; the clinic's statement asks $21.60, i.e. the CO amount moved to the patient.
STORY_NOTICE = (
    "Medicare Summary Notice\n"
    "Notice date: 04/10/2025\n"
    "Provider: Springfield Family Clinic\n"
    "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 "
    "you may owe $20.00\n"
    "CO-253 $1.60\n"
)
STORY_BILL = (
    "Springfield Family Clinic\nStatement\n03/04/2025 99214 office visit balance due $21.60\n"
)

ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
RANDOM_BINARY = bytes((i * 7919 + 13) % 256 for i in range(8192))
BROKEN_PDF = b"%PDF-1.4 garbage"


def shared_schema() -> dict[str, Any]:
    """The contract schema, read from shared/ (tests may; the running app may not)."""
    return json.loads(SHARED_SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def validate_contract(data: dict[str, Any]) -> None:
    """Fail if `data` breaks shared/contract/explanation.schema.json."""
    jsonschema.validate(data, shared_schema(), cls=jsonschema.Draft202012Validator)


def post_multipart(client: FlaskClient, path: str, fields: dict[str, Any]) -> Any:
    """POST multipart/form-data encoded in memory.

    The test client would otherwise put big bodies in a temporary file that it never closes
    when the app answers 413 without reading them (a ResourceWarning).
    """
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, list):
            values[name] = [
                FileStorage(stream=stream, filename=filename) for stream, filename in value
            ]
        else:
            values[name] = value
    boundary, body = encode_multipart(MultiDict(_pairs(values)))
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def _pairs(values: dict[str, Any]) -> list[tuple[str, Any]]:
    """Flatten lists of files into repeated fields."""
    pairs: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, list):
            pairs.extend((name, item) for item in value)
        else:
            pairs.append((name, value))
    return pairs


@pytest.fixture
def app() -> Iterator[Flask]:
    """The app in testing mode with CSRF off, so tests can post forms directly."""
    yield create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the CSRF-free app."""
    return app.test_client()


@pytest.fixture
def csrf_client() -> FlaskClient:
    """A test client for an app with CSRF on, as in production."""
    return create_app({"TESTING": True}).test_client()
