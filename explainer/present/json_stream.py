"""Write the JSON contract to a stream, fast and in bounded memory for 50,000 claims (issue 14).

`json.dump(..., indent=2)` runs Python's pure-Python encoder (the C one only serves compact
output) and builds the whole tree of dicts first: 13 s and a second copy of every claim for
10,000 claims. A small explanation is still written exactly that way; a big one is written
piece by piece: the envelope indented, each claim and finding one compact line by the C
encoder, built from the same `claim_to_dict`/`finding_to_dict`, so both parse the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TextIO

from ..model import Explanation
from .json import claim_in_document, explanation_to_dict, finding_to_dict

STREAM_FROM = 1000
"""Claims plus findings from which the output is streamed rather than indented whole."""


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _array(out: TextIO, items: Iterable[Any], indent: str) -> None:
    """A JSON array, one compact item a line."""
    first = True
    for item in items:
        out.write(("[\n" if first else ",\n") + indent + "  " + _compact(item))
        first = False
    out.write("[]" if first else "\n" + indent + "]")


def write_json(explanation: Explanation, out: TextIO, stream_from: int = STREAM_FROM) -> None:
    """The explanation as `explanation_to_dict` gives it, written to `out` with a newline."""
    size = len(explanation.findings) + sum(len(doc.claims) for doc in explanation.documents)
    if size < stream_from:
        json.dump(explanation_to_dict(explanation), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    # Everything but the claims and findings, from the one function that defines the contract.
    bare = replace(
        explanation,
        documents=tuple(replace(document, claims=()) for document in explanation.documents),
        findings=(),
    )
    skeleton = explanation_to_dict(bare)
    out.write("{")
    for number, (key, value) in enumerate(skeleton.items()):
        out.write(("\n" if number == 0 else ",\n") + f"  {_compact(key)}: ")
        if key == "findings":
            _array(out, (finding_to_dict(f) for f in explanation.findings), "  ")
        elif key == "documents":
            _documents(out, explanation, value)
        else:
            out.write(_compact(value))
    out.write("\n}\n")


def _documents(out: TextIO, explanation: Explanation, bare: list[dict[str, Any]]) -> None:
    """Each document's fields, its claims streamed where the contract puts them."""
    out.write("[" if bare else "[]")
    for number, (document, fields) in enumerate(zip(explanation.documents, bare, strict=True)):
        out.write(("\n" if number == 0 else ",\n") + "    {")
        for position, (key, value) in enumerate(fields.items()):
            out.write(("\n" if position == 0 else ",\n") + f"      {_compact(key)}: ")
            if key == "claims":
                _array(
                    out, (claim_in_document(document, claim) for claim in document.claims), "      "
                )
            else:
                out.write(_compact(value))
        out.write("\n    }")
    if bare:
        out.write("\n  ]")
