"""The OpenAPI 3.1 document for /api/v1, embedding the contract schema shipped beside this file."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from explainer.resources import package_folder

# A copy of shared/contract/explanation.schema.json kept in the repository (tests check it is
# identical) and shipped in the wheel: the running app never reads ../shared.
SCHEMA_PATH = package_folder("web") / "explanation.schema.json"


@cache
def contract_schema() -> dict[str, Any]:
    """The explanation contract schema, read once."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


EXPLANATION_200 = "The explanation (contract: bill-explainer/explanation/v1)."


def _lang_query() -> dict[str, Any]:
    """The ?lang= parameter both operations take."""
    return {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["en", "es"], "default": "en"},
        "description": "The language of every text in the answer, error messages included.",
    }


def _error_response(description: str) -> dict[str, Any]:
    """A response whose body is the API's error object."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _explain_request() -> dict[str, Any]:
    """The multipart body of POST /api/v1/explain."""
    file_list = {
        "type": "array",
        "items": {"type": "string", "contentMediaType": "application/octet-stream"},
    }
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Send at least one file or one non-empty text. File types are "
                    "told by their content (PDF, JPEG/PNG/HEIC photo, X12 835, plain text), "
                    "never by their name.",
                    "properties": {
                        "notice": {
                            **file_list,
                            "description": "Medicare Summary Notices, insurer EOBs or X12 835 "
                            "files; repeat the field for several.",
                        },
                        "bill": {
                            **file_list,
                            "description": "Provider bills or statements; repeat the field for "
                            "several.",
                        },
                        "notice_text": {
                            "type": "string",
                            "description": "Typed or pasted notice lines, e.g. '03/04/2025 99214 "
                            "billed $150 approved $100 paid $78.40 you may owe $20' and "
                            "'CO-253 $1.60'.",
                        },
                        "bill_text": {
                            "type": "string",
                            "description": "Typed or pasted bill lines.",
                        },
                        "qmb": {
                            "type": "string",
                            "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"],
                            "default": "false",
                            "description": "The patient is a Qualified Medicare Beneficiary.",
                        },
                        "medicaid": {
                            "type": "string",
                            "enum": ["true", "false", "1", "0", "yes", "no", "on", "off"],
                            "default": "false",
                            "description": "The patient has full Medicaid (not QMB): protection "
                            "from Medicare cost sharing then depends on the state.",
                        },
                        "coverage": {
                            "type": "string",
                            "enum": [
                                "original_medicare",
                                "medicare_advantage",
                                "commercial",
                                "medicaid",
                            ],
                            "description": "Leave out when not sure.",
                        },
                        "notice_received": {
                            "type": "string",
                            "format": "date",
                            "description": "The day the notice arrived (for appeal deadlines).",
                        },
                        "lang": {
                            "type": "string",
                            "enum": ["en", "es"],
                            "default": "en",
                            "description": "The language of every text in the answer, error "
                            "messages included. May also be sent as ?lang=; this field wins.",
                        },
                    },
                },
                "encoding": {
                    "notice": {"contentType": "application/octet-stream"},
                    "bill": {"contentType": "application/octet-stream"},
                },
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI document, built fresh (callers may change their copy)."""
    schema = copy.deepcopy(contract_schema())
    code_entry = copy.deepcopy(schema["$defs"]["code"])
    code_entry["properties"]["example"] = {"type": "string"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bill-explainer API",
            "version": "1.0.0",
            "description": "Explains US medical billing papers in plain words and checks a "
            "provider's bill against what Medicare or the insurer said the patient may owe. "
            "Papers are read in memory and never kept.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/api/v1/explain": {
                "post": {
                    "operationId": "explain",
                    "summary": "Explain notices and bills",
                    "parameters": [_lang_query()],
                    "requestBody": _explain_request(),
                    "responses": {
                        "200": {
                            "description": EXPLANATION_200,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Explanation"}
                                }
                            },
                        },
                        "400": _error_response("Nothing was sent, or an answer is not valid."),
                        "413": _error_response(
                            "Too big: over 20 MB, or over a page or file limit."
                        ),
                        "422": _error_response(
                            "A file could not be read, or is not a kind we explain."
                        ),
                    },
                }
            },
            "/api/v1/codes/{code}": {
                "get": {
                    "operationId": "code",
                    "summary": "Explain one code",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "description": "'CO-253', '253', 'N130', 'PR-2', '99214'",
                        },
                        _lang_query(),
                    ],
                    "responses": {
                        "200": {
                            "description": "The code explained (a group-reason pair gives two).",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["query", "codes"],
                                        "properties": {
                                            "query": {"type": "string"},
                                            "codes": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Code"},
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "404": _error_response("We do not have that code."),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI 3.1 document."}},
                }
            },
        },
        "components": {
            "schemas": {
                "Explanation": schema,
                "Code": code_entry,
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {
                        "error": {"type": "string", "description": "a short stable slug"},
                        "message": {"type": "string", "description": "plain words for people"},
                    },
                },
            }
        },
    }
