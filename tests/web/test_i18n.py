"""English and Spanish pages: the catalog is complete and right, every page speaks Spanish, the
switch and Accept-Language choose, the API answers in its `lang`, catalogs load without a .mo."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from app import create_app
from tests.x12_factory import ClaimSpec, Payment, build_835, denied_claim, medicare_line
from web.language import load_catalogs
from web.view import place_name

from .conftest import ROOT, STORY_BILL, STORY_NOTICE, post_multipart

PO_PATH = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
TAG = re.compile(r"</?[a-z][^>]*>")
STORY_RED_FLAG = "Le cobran $1.60 que usted no debe"
REMIT = build_835(
    Payment(
        claims=(
            ClaimSpec("C1", lines=(medicare_line(Decimal("150.00"), Decimal("100.00")),)),
            denied_claim("D1"),
        ),
        paid_on=date(2024, 3, 15),
    )
)


def catalog() -> Catalog:
    """The Spanish catalog as committed."""
    with PO_PATH.open("rb") as file:
        return read_po(file, locale="es")


def entries() -> list[Message]:
    """Every message of the Spanish catalog (not the header)."""
    return [message for message in catalog() if message.id]


def forms(message: Message) -> list[tuple[str, str]]:
    """(English, Spanish) pairs: one for a message, one per form for a plural."""
    if isinstance(message.id, tuple):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        plural = message.id[1]
        return [(message.id[0], strings[0])] + [(plural, text) for text in strings[1:]]
    return [(message.id, message.string)]


# ---------------------------------------------------------------- (1) every entry translated


def test_every_message_has_a_spanish_translation_with_the_same_placeholders() -> None:
    problems = []
    for message in entries():
        if message.fuzzy:
            problems.append(f"fuzzy (a guess nobody checked): {message.id!r}")
        for english, spanish in forms(message):
            if not spanish or not spanish.strip():
                problems.append(f"no Spanish for {english!r}")
                continue
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(spanish)):
                problems.append(f"placeholders differ: {english!r} → {spanish!r}")
            if sorted(TAG.findall(english)) != sorted(TAG.findall(spanish)):
                problems.append(f"HTML tags differ: {english!r} → {spanish!r}")
    assert not problems, "\n".join(problems)
    assert len(entries()) > 250


def test_the_catalog_is_spanish_with_two_plural_forms() -> None:
    po = catalog()
    assert str(po.locale) == "es"
    assert po.num_plurals == 2
    assert any(isinstance(message.id, tuple) for message in entries())


# ---------------------------------------------------------------- (2) the catalog is complete


def extracted() -> set[str]:
    """The msgids in templates/ and web/ now, found as `make messages` finds them (babel.cfg)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_page_word_is_in_the_catalog_and_nothing_stale() -> None:
    now = extracted()
    # The configuration still finds lazy_gettext (forms, errors) and template words.
    assert {"Red flag", "Language for the explanation", "Check a medical bill"} <= now
    in_po = {
        message.id[0] if isinstance(message.id, tuple) else message.id for message in entries()
    }
    missing = sorted(now - in_po)
    assert not missing, f"run `make messages` and translate: {missing}"
    stale = sorted(in_po - now)
    assert not stale, f"no longer used, run `make messages`: {stale}"


# ---------------------------------------------------------------- (3) every page in Spanish


class VisibleText(HTMLParser):
    """The words a person sees or hears, leaving out parts marked lang="en" on purpose."""

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
    SPOKEN = ("aria-label", "alt", "title", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.words: list[str] = []

    def _english(self) -> bool:
        langs = [lang for _tag, lang, _skip in self.stack if lang]
        return bool(langs) and langs[-1].startswith("en")

    def _skipped(self) -> bool:
        return any(skip for _tag, _lang, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        lang = found.get("lang")
        if tag not in self.VOID:
            self.stack.append((tag, lang, tag in ("script", "style")))
        if not self._skipped() and not (lang or "").startswith("en") and not self._english():
            self.words.extend(value for name, value in attrs if name in self.SPOKEN and value)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._skipped() and not self._english():
            self.words.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        parser.close()
        return " ".join(" ".join(parser.words).split())


def english_phrases() -> list[str]:
    """Runs of 3+ words from every English msgid (tags dropped, split at placeholders).

    A phrase the Spanish catalog itself quotes (the English title printed on a paper, like
    "Medicare Summary Notice") is left out: it is there on purpose.
    """
    spanish = " ".join(text for message in entries() for _english, text in forms(message))
    phrases = set()
    for message in entries():
        for english, _text in forms(message):
            for part in PLACEHOLDER.split(TAG.sub(" ", english)):
                phrase = " ".join(part.split()).strip(" :.,;()“”")
                if len(phrase.split()) >= 3 and phrase not in spanish:
                    phrases.add(phrase)
    return sorted(phrases)


ENGLISH = english_phrases()


def assert_spanish(page: str) -> None:
    """The page is Spanish: <html lang="es">, and no English phrase of ours is left."""
    assert '<html lang="es">' in page
    text = VisibleText.of(page)
    left = [phrase for phrase in ENGLISH if phrase in text]
    assert not left, f"English left on a Spanish page: {left}\n\n{text[:3000]}"


@pytest.fixture
def es_client(app: Flask) -> FlaskClient:
    """A client that chose Español in the header."""
    client = app.test_client()
    assert client.get("/language/es").status_code == 303
    return client


def page(response: Any, status: int = 200) -> str:
    """The page's HTML, after checking its status."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:800]
    return str(text)


def post_explain(client: FlaskClient, **fields: Any) -> Any:
    """The explain form as a browser posts it (the language select left as it is)."""
    data: dict[str, Any] = {"qmb": "unsure", "coverage": "", "lang": "es"}
    data.update(fields)
    return post_multipart(client, "/explain", data)


def story_results(client: FlaskClient) -> str:
    """The results page of the CO 253 story."""
    return page(post_explain(client, notice_text=STORY_NOTICE, bill_text=STORY_BILL))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/codes",
        "/codes?q=CO-253",
        "/codes?q=ZZZ-999",
        "/codes/CO-253",
        "/codes/N130",
        "/about-privacy",
    ],
)
def test_pages_in_spanish(es_client: FlaskClient, path: str) -> None:
    assert_spanish(page(es_client.get(path)))


def test_typed_story_results_in_spanish(es_client: FlaskClient) -> None:
    results = story_results(es_client)
    assert_spanish(results)
    assert STORY_RED_FLAG in results
    assert "Señal de alerta" in results and "Dinero en juego" in results
    # Where on the papers, in Spanish too (the engine says 'line 3').
    assert "(línea 3)" in results


def test_835_results_in_spanish(es_client: FlaskClient) -> None:
    # With a bill, the 835 stays on the results page.
    response = post_explain(
        es_client, notice_files=[(io.BytesIO(REMIT), "remit.835")], bill_text=STORY_BILL
    )
    results = page(response)
    assert_spanish(results)
    assert "Pagos en el archivo 835" in results and "Una página para cada paciente" in results
    assert "Negado" in results and "CO 253 por mes de pago" in results


def test_835_workspace_in_spanish(es_client: FlaskClient) -> None:
    # Alone, it opens the workspace: its list, a claim, a sheet and the forget page.
    response = post_explain(es_client, notice_files=[(io.BytesIO(REMIT), "remit.835")])
    assert response.status_code == 303
    listing = page(es_client.get("/workspace"))
    assert_spanish(listing)
    assert "Pagos en el archivo 835" in listing and "Olvidarlo ahora" in listing
    assert "Líneas negadas" in listing and "CO 253 por mes de pago" in listing
    for path in (
        "/workspace?show=denied&sort=owes",
        "/workspace/claims/2",
        "/workspace/sheets?pick=2",
    ):
        assert_spanish(page(es_client.get(path)))
    assert_spanish(page(es_client.post("/workspace/forget")))
    assert_spanish(page(es_client.get("/workspace"), 410))


def test_letter_page_in_spanish(es_client: FlaskClient) -> None:
    results = story_results(es_client)
    form = re.search(r'<form method="post" action="/letter">(.*?)</form>', results, re.S)
    assert form
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1))
    }
    letter = page(es_client.post("/letter", data=fields))
    assert_spanish(letter)
    assert "Su carta" in letter and "Qué hacer ahora" in letter


def test_form_problems_in_spanish(es_client: FlaskClient) -> None:
    asked_again = page(post_explain(es_client), 400)
    assert_spanish(asked_again)
    assert "No recibimos ningún papel" in asked_again
    bad_date = page(
        post_explain(es_client, notice_text=STORY_NOTICE, notice_received="mañana"), 400
    )
    assert_spanish(bad_date)
    assert "Por favor corrija las respuestas marcadas abajo." in bad_date


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/no-such-page", 404),
        ("get", "/codes/ZZZ-999", 404),
        ("post", "/letter", 400),
        ("post", "/sequestration.csv", 400),
        ("get", "/explain", 405),
    ],
)
def test_error_pages_in_spanish(
    es_client: FlaskClient, method: str, path: str, status: int
) -> None:
    error = page(getattr(es_client, method)(path), status)
    assert_spanish(error)
    assert f"Código de error {status}." in error


def test_csrf_and_too_large_pages_in_spanish() -> None:
    app = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1000})
    client = app.test_client()
    client.get("/language/es")
    expired = page(client.post("/explain", data={"notice_text": "x"}), 400)
    assert_spanish(expired)
    assert "Este formulario venció" in expired
    too_big = page(post_multipart(client, "/explain", {"notice_text": "x" * 5000}), 413)
    assert_spanish(too_big)
    assert "Eso es demasiado grande" in too_big


def test_engine_messages_are_marked_english(es_client: FlaskClient) -> None:
    """The engine's own error words are English: the page says so, for screen readers."""
    response = post_explain(es_client, notice_files=[(io.BytesIO(b"%PDF-1.4 garbage"), "a.pdf")])
    unreadable = page(response, 422)
    assert re.search(r'<p lang="en">[^<]+</p>', unreadable)
    assert_spanish(unreadable)


def test_english_pages_are_unchanged(client: FlaskClient) -> None:
    home = page(client.get("/"))
    assert '<html lang="en">' in home and "Check a medical bill" in home
    assert 'aria-current="true">English</a>' in home


# ---------------------------------------------------------------- (4) choosing the language


def session_data(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """What the session cookie holds."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_the_switch_remembers_the_choice(app: Flask, client: FlaskClient) -> None:
    response = client.get("/language/es?next=/codes%3Fq%3DCO-253")
    assert response.status_code == 303 and response.headers["Location"] == "/codes?q=CO-253"
    assert response.headers["Cache-Control"] == "no-store"
    for path in ("/", "/codes", "/about-privacy"):
        assert '<html lang="es">' in page(client.get(path))
    # Only the language (and the form token) are in the cookie, never anything from a paper.
    story_results(client)
    assert set(session_data(app, client)) <= {"lang", "csrf_token"}
    assert session_data(app, client)["lang"] == "es"
    client.get("/language/en")
    assert '<html lang="en">' in page(client.get("/"))


def test_the_switch_links_back_to_the_same_page(es_client: FlaskClient) -> None:
    handout = page(es_client.get("/codes?q=CO-253&lang=es"))
    # Back to the same page and query, without the one-page ?lang= override.
    assert 'href="/language/en?next=/codes?q%3DCO-253"' in handout
    assert 'lang="es" hreflang="es" aria-current="true">Español</a>' in handout
    # A results page cannot be made again: the switch goes to the start page.
    assert 'href="/language/en?next=/"' in story_results(es_client)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "",
        "codes",
        "/%0d%0aSet-Cookie:x",
        "/a\r\nSet-Cookie: x=1",
    ],
)
def test_the_switch_only_goes_back_to_this_site(client: FlaskClient, target: str) -> None:
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//")
    assert "\r" not in location and "\n" not in location and "evil" not in location


def test_unknown_language_is_404(client: FlaskClient) -> None:
    assert client.get("/language/fr").status_code == 404


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("es", "es"),
        ("es-MX,es;q=0.9", "es"),
        ("fr, es;q=0.5", "es"),
        ("en-US,en;q=0.9", "en"),
        ("de", "en"),
        ("", "en"),
    ],
)
def test_accept_language_when_nothing_was_chosen(
    client: FlaskClient, header: str, lang: str
) -> None:
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert f'<html lang="{lang}">' in page(response)
    assert response.headers["Content-Language"] == lang
    assert "Accept-Language" in response.headers["Vary"]


def test_the_choice_beats_accept_language(es_client: FlaskClient) -> None:
    es_client.get("/language/en")
    assert '<html lang="en">' in page(es_client.get("/", headers={"Accept-Language": "es"}))


def test_lang_in_the_address_is_for_one_page(client: FlaskClient) -> None:
    assert '<html lang="es">' in page(client.get("/codes/CO-253?lang=es"))
    assert '<html lang="en">' in page(client.get("/codes/CO-253"))


def test_the_explanation_language_follows_the_page(client: FlaskClient) -> None:
    english = page(client.get("/"))
    assert re.search(
        r'<option lang="en" selected value="en">|<option[^>]*selected[^>]*value="en"', english
    )
    spanish = page(client.get("/", headers={"Accept-Language": "es"}))
    assert re.search(r'<option[^>]*selected[^>]*value="es"', spanish)


def test_an_english_explanation_on_a_spanish_page_is_marked(es_client: FlaskClient) -> None:
    results = page(
        post_explain(es_client, notice_text=STORY_NOTICE, bill_text=STORY_BILL, lang="en")
    )
    assert '<html lang="es">' in results and "Lo que dicen sus papeles" in results
    assert '<h3 id="finding-1" lang="en">' in results
    # Its handouts open in English, the explanation's language.
    assert 'href="/codes/CO-253?lang=en"' in results


def test_api_answers_in_its_lang(client: FlaskClient) -> None:
    for path, fields in (
        ("/api/v1/explain", {"lang": "es"}),
        ("/api/v1/explain?lang=es", {}),
    ):
        response = post_multipart(
            client, path, {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL, **fields}
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["findings"][0]["title"] == STORY_RED_FLAG
        assert response.headers["Content-Language"] == "es"


def test_api_errors_in_its_lang(client: FlaskClient) -> None:
    nothing = post_multipart(client, "/api/v1/explain", {"lang": "es"})
    assert nothing.status_code == 400
    assert nothing.get_json()["message"].startswith("No recibimos ningún papel")
    code = client.get("/api/v1/codes/ZZZ-999?lang=es")
    assert code.status_code == 404
    assert code.get_json()["message"] == "No tenemos el código ZZZ-999 en nuestra lista."


def test_api_is_english_unless_asked(client: FlaskClient) -> None:
    """The API does not guess from the browser or the session: English unless `lang` says."""
    client.get("/language/es")
    response = post_multipart(
        client, "/api/v1/explain", {"notice_text": STORY_NOTICE, "bill_text": STORY_BILL}
    )
    assert response.get_json()["findings"][0]["title"] != STORY_RED_FLAG
    nothing = client.post("/api/v1/explain", headers={"Accept-Language": "es"})
    assert nothing.get_json()["message"].startswith("We did not get any papers")


# ---------------------------------------------------------------- places and catalogs


@pytest.mark.parametrize(
    ("where", "spanish"),
    [
        ("line 3", "línea 3"),
        ("page 2", "página 2"),
        ("page 2, line 4", "página 2, línea 4"),
        ("claim 123", "reclamación 123"),
        (
            "claim A-1 (no. 2 in this payment), line 1",
            "reclamación A-1 (n.º 2 en este pago), línea 1",
        ),
        ("claim no. 3 (no claim number)", "reclamación n.º 3 (sin número de reclamación)"),
        (
            "claim 038 (file line 32), line 1 (file line 56)",
            "reclamación 038 (línea 32 del archivo), línea 1 (línea 56 del archivo)",
        ),
        ("box 7", "box 7"),
        ("", ""),
    ],
)
def test_places_on_a_paper_in_spanish(app: Flask, where: str, spanish: str) -> None:
    with app.test_request_context("/"):
        with force_locale("es"):
            assert place_name(where) == spanish
        assert place_name(where) == where


@pytest.fixture
def po_only(tmp_path: Path) -> Iterator[Path]:
    """A translations folder with the Spanish .po and no .mo."""
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO_PATH, folder / "messages.po")
    yield tmp_path


def _spanish_for(directory: Path, english: str) -> str:
    """What an app built on `directory` says for `english` in Spanish."""
    app = Flask(__name__)
    from web import language

    language.init_app(app, directory)
    with app.test_request_context("/?lang=es"):
        return gettext(english)


def test_a_missing_mo_is_compiled_in_memory(po_only: Path) -> None:
    assert "es" in load_catalogs(po_only)
    assert _spanish_for(po_only, "Red flag") == "Señal de alerta"
    assert not list(po_only.rglob("*.mo")), "nothing is written at run time"


def test_an_older_mo_is_ignored_and_a_fresh_one_used(po_only: Path) -> None:
    po = po_only / "es" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    old = Catalog(locale="es")
    old.add("Red flag", "VIEJO")
    with mo.open("wb") as file:
        write_mo(file, old)
    stamp = po.stat().st_mtime
    os.utime(mo, (stamp - 60, stamp - 60))
    assert _spanish_for(po_only, "Red flag") == "Señal de alerta"
    os.utime(mo, (stamp + 60, stamp + 60))
    assert _spanish_for(po_only, "Red flag") == "VIEJO"


def test_no_catalog_means_english(tmp_path: Path) -> None:
    assert load_catalogs(tmp_path) == {}
    assert _spanish_for(tmp_path, "Red flag") == "Red flag"
