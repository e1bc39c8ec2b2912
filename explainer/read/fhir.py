"""FHIR JSON (one resource, a Bundle, or NDJSON) → raw resources, with our own limits.

Real exports carry placeholders ("IGNORED_FIELD" in dates) that strict FHIR model validators
reject, so we read plain `json` and check only the structure we rely on. The bytes come
from strangers: nesting deeper than Python's recursion limit is caught from `json` itself,
and any nesting deeper than MAX_DEPTH is refused after parsing (the scan runs on valid JSON
only, where every string ends, so it stays linear); the number of resources is capped
before anything is built from them. Every refusal is a kind LimitExceeded, never a
RecursionError.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import LimitExceeded, UnreadableDocument, UnsupportedDocument

MAX_DEPTH = 64
"""The deepest CARIN/Blue Button EOB nests about 12 levels; 64 leaves room for extensions."""
MAX_RESOURCES = 5000
"""Resources in one upload (EOBs plus included Patient/Coverage/Organization/Practitioner)."""

_STRUCTURE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_OPENERS = frozenset(b"[{")

Resource = dict[str, Any]


@dataclass(slots=True)
class FhirResources:
    """What a FHIR upload held: the EOBs in order, and every other resource by reference."""

    eobs: list[Resource] = field(default_factory=list)
    by_reference: dict[str, Resource] = field(default_factory=dict)
    """'Organization/abc' and a Bundle entry's fullUrl → the resource."""
    other_kinds: set[str] = field(default_factory=set)
    count: int = 0

    def resolve(self, reference: str, container: Resource | None = None) -> Resource | None:
        """A reference as FHIR writes it: '#id' (contained), 'Type/id', or a full URL."""
        if reference.startswith("#") and container is not None:
            contained_list = container.get("contained")
            for contained in contained_list if isinstance(contained_list, list) else []:
                if isinstance(contained, dict) and contained.get("id") == reference[1:]:
                    return contained
            return None
        found = self.by_reference.get(reference)
        if found is None and "/" in reference:
            found = self.by_reference.get("/".join(reference.rstrip("/").split("/")[-2:]))
        return found


def _too_deep(source: str) -> LimitExceeded:
    return LimitExceeded(
        f"“{source}” is nested too deeply to be a claims file. "
        "Please download the file again from your plan or Medicare.gov.",
        source=source,
    )


def _check_depth(data: bytes, source: str) -> None:
    """Deepest nesting of valid JSON bytes (strings skipped: brackets in them are text)."""
    depth = 0
    for match in _STRUCTURE.finditer(data):
        token = match.group()
        if len(token) != 1:
            continue  # a string: brackets inside it are text
        if token[0] in _OPENERS:
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(source)
        else:
            depth -= 1


def _values(data: bytes, source: str) -> list[Any]:
    """One JSON document, or NDJSON: one JSON value per line."""
    text = data.decode("utf-8-sig", errors="replace")
    try:
        return [json.loads(text)]
    except RecursionError:
        raise _too_deep(source) from None
    except json.JSONDecodeError as error:
        if "Extra data" not in error.msg:
            raise UnreadableDocument(
                f"“{source}” looks like FHIR JSON but is broken near line {error.lineno}. "
                "Please download it again.",
                source=source,
            ) from None
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except RecursionError:
            raise _too_deep(source) from None
        except json.JSONDecodeError:
            raise UnreadableDocument(
                f"Line {number} of “{source}” is not a FHIR resource. Please download it again.",
                source=source,
            ) from None
    return values


def _collect(value: Any, found: FhirResources, source: str, in_bundle: bool = False) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, found, source, in_bundle)
        return
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        return
    kind = value["resourceType"]
    if kind == "Bundle" and not in_bundle:
        entries = value.get("entry")
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            resource = entry.get("resource")
            _collect(resource, found, source, in_bundle=True)
            if isinstance(resource, dict) and isinstance(entry.get("fullUrl"), str):
                found.by_reference[entry["fullUrl"]] = resource
        return
    found.count += 1
    if found.count > MAX_RESOURCES:
        raise LimitExceeded(
            f"“{source}” holds more than {MAX_RESOURCES} records. "
            "Please download fewer claims at a time (for example one year).",
            source=source,
        )
    if kind == "ExplanationOfBenefit":
        found.eobs.append(value)
    else:
        found.other_kinds.add(kind)
    if isinstance(value.get("id"), str):
        found.by_reference[f"{kind}/{value['id']}"] = value


def read_fhir(data: bytes, source: str) -> FhirResources:
    """The EOBs and the resources they point to; refuse files that hold no EOB."""
    values = _values(data, source)
    _check_depth(data, source)
    found = FhirResources()
    for value in values:
        _collect(value, found, source)
    if not found.eobs:
        held = ", ".join(sorted(found.other_kinds)) or "no resources we know"
        raise UnsupportedDocument(
            f"“{source}” is FHIR data ({held}) but holds no claims (ExplanationOfBenefit). "
            "Please download your claims or explanation of benefits.",
            source=source,
        )
    return found
