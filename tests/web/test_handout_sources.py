"""Handouts and the API cite official documents only, never an empty or internal source; the
Spanish pages name sequestration in Spanish words, with the English term marked (issue 15)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from explainer.codes import OUR_NOTES

from .conftest import STORY_BILL, STORY_NOTICE, post_multipart


def _sources(page: str) -> str:
    start = page.index("Where this comes from")
    return page[start : page.index("</ul>", start)]


def test_a_procedure_handout_says_where_its_words_come_from(client: FlaskClient) -> None:
    page = client.get("/codes/99214").get_data(as_text=True)
    shown = _sources(page)
    assert "<li>" in shown and "American Medical Association" in shown


def test_the_co253_handout_cites_laws_not_our_notes(client: FlaskClient) -> None:
    shown = _sources(client.get("/codes/CO-253").get_data(as_text=True))
    assert "2 U.S.C. 906(d)(5)" in shown
    assert not OUR_NOTES.search(re.sub(r"<[^>]+>", "", shown))


def test_the_api_code_source_cites_official_documents_only(client: FlaskClient) -> None:
    data = post_multipart(
        client, "/api/v1/explain", {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL}
    ).get_json()
    sources = [code["source"] for code in data["codes"]]
    assert sources and all(sources)
    assert not [source for source in sources if OUR_NOTES.search(source)]


def test_spanish_handout_marks_the_english_term(client: FlaskClient) -> None:
    page = client.get("/codes/CO-253?lang=es").get_data(as_text=True)
    assert "secuestro" not in page
    assert "recorte automático del presupuesto federal" in page.lower()
    assert '<span lang="en">sequestration</span>' in page
