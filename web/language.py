"""The page language (English or Spanish): the catalogs, who chose it, and the header switch.

Where the language comes from, first match wins:

1. `?lang=en|es` on the address: this one page in that language (shared handout links);
2. under /api/: the request's own `lang` field (see `use_lang`), else English, as the contract says;
3. the header switch, remembered in the session cookie (only the language, never a paper);
4. the browser's Accept-Language;
5. English.

The catalogs are translations/<lang>/LC_MESSAGES/messages.po, shipped inside this package as
web/translations. `make` compiles them to .mo (`pybabel compile`, not committed), but the app
never depends on that step: at start-up each language is loaded from its .mo when that is at
least as new as the .po, and otherwise the .po itself is compiled in memory (babel's read_po +
write_mo into a BytesIO). The wheel ships only the .mo, compiled from the .po when it is built
(setup.py), and a lone .mo is used as it is. Nothing is written to disk at run time, a fresh
checkout or a stale .mo still gives the current Spanish, and a missing catalog falls back to
English instead of failing.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlencode, urlsplit

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, Response, abort, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import Babel, Domain, force_locale, get_locale, refresh

from explainer.resources import package_folder

from .intake import LANGS

DEFAULT_LANG = "en"
SESSION_KEY = "lang"
DOMAIN = "messages"
TRANSLATIONS = package_folder("web", "translations")
MAX_NEXT_CHARS = 2000
# Each language names itself, so a person who cannot read the page can still find theirs.
LANGUAGE_NAMES: Mapping[str, str] = {"en": "English", "es": "Español"}

bp = Blueprint("language", __name__)


# ---------------------------------------------------------------- catalogs


def _mtime(path: Path) -> int | None:
    """The file's modification time in nanoseconds, or None when it is missing."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


@lru_cache(maxsize=16)
def _catalog(po: Path, po_time: int | None, mo_time: int | None) -> Translations:
    """One language's translations (cached per file times: tests build many apps).

    `po_time` is None in an installed wheel, which carries the compiled .mo alone.
    """
    if mo_time is not None and (po_time is None or mo_time >= po_time):
        with po.with_suffix(".mo").open("rb") as file:
            return Translations(file, domain=DOMAIN)
    with po.open("rb") as file:
        catalog = read_po(file, locale=po.parent.parent.name, domain=DOMAIN)
    compiled = io.BytesIO()
    # Fuzzy entries are guesses nobody checked: left out, as `pybabel compile` does.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def load_catalogs(directory: Path = TRANSLATIONS) -> dict[str, Translations]:
    """Every language with a messages.po or .mo under `directory`, from a fresh .mo or the .po."""
    catalogs = {}
    for folder in sorted(directory.glob("*/LC_MESSAGES")):
        po = folder / f"{DOMAIN}.po"
        po_time, mo_time = _mtime(po), _mtime(po.with_suffix(".mo"))
        if po_time is None and mo_time is None:
            continue
        catalogs[folder.parent.name] = _catalog(po, po_time, mo_time)
    return catalogs


class CatalogDomain(Domain):
    """Flask-Babel's message domain, answered from catalogs loaded once at start-up."""

    def __init__(self, catalogs: Mapping[str, Translations]) -> None:
        """Keep the catalogs by language code."""
        super().__init__(domain=DOMAIN)
        self.catalogs = dict(catalogs)

    def get_translations(self) -> Translations | NullTranslations:
        """The current language's catalog; English (the msgids themselves) when there is none."""
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        return self.catalogs.get(locale.language) or NullTranslations()


class CatalogBabel(Babel):
    """Flask-Babel with the in-memory domain instead of reading .mo files per request."""

    def __init__(self, catalogs: Mapping[str, Translations]) -> None:
        """No app yet: init_app is called by `init_app` below."""
        self._domain = CatalogDomain(catalogs)
        super().__init__()

    @property
    def domain_instance(self) -> CatalogDomain:  # type: ignore[override]
        """The one domain every gettext call of this app uses."""
        return self._domain


# ---------------------------------------------------------------- choosing


def _valid(word: object) -> str | None:
    """'en' or 'es' when `word` names one of our languages, else None."""
    if not isinstance(word, str):
        return None
    word = word.strip().lower()
    return word if word in LANGS else None


def select_lang() -> str:
    """The language of this request (the order is in the module docstring)."""
    asked = _valid(request.args.get("lang"))
    if asked:
        return asked
    if request.path.startswith("/api/"):
        # The API never guesses: its answers are in the `lang` it was sent, English by default.
        # The form body is not read here, since this also runs for a 413 whose body is too big.
        return str(g.get("api_lang", DEFAULT_LANG))
    chosen = _valid(session.get(SESSION_KEY))
    if chosen:
        return chosen
    return request.accept_languages.best_match(LANGS) or DEFAULT_LANG


def current_lang() -> str:
    """'en' or 'es': the language this page is being written in."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGS else DEFAULT_LANG


def use_lang(lang: str) -> None:
    """Answer the rest of this API request in `lang` (the field it was sent)."""
    g.api_lang = lang
    refresh()


@contextmanager
def in_lang(lang: str) -> Iterator[None]:
    """Write the words inside this block in `lang` (e.g. a patient's sheet in their language)."""
    with force_locale(lang if lang in LANGS else DEFAULT_LANG):
        yield


def words_in(lang: str, make: Callable[[], Mapping[str, str]]) -> Mapping[str, str]:
    """The words `make()` writes, in `lang`, made once per request.

    An 835 can carry a thousand claims, each with its patient sheet: translating the same
    forty words again for every sheet would cost more than reading the file.
    """
    made: dict[tuple[object, str], Mapping[str, str]] = g.setdefault("words_in", {})
    key = (make, lang)
    if key not in made:
        with in_lang(lang):
            made[key] = MappingProxyType(dict(make()))
    return made[key]


# ---------------------------------------------------------------- the header switch


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """One entry of the header switch: 'English' or 'Español'."""

    lang: str
    label: str
    url: str
    current: bool


def _back_here() -> str:
    """Where the switch brings the person back: this page for a GET, else the start page."""
    if request.method not in ("GET", "HEAD"):
        # A results or letter page cannot be made again: nothing from the papers is kept.
        return url_for("pages.index")
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"])
    return request.path + (f"?{query}" if query else "")


def language_links() -> list[LanguageLink]:
    """The switch in the header, pointing back to the page the person is on."""
    back = _back_here()
    now = current_lang()
    return [
        LanguageLink(
            lang,
            LANGUAGE_NAMES[lang],
            url_for("language.choose", lang=lang, next=back),
            lang == now,
        )
        for lang in LANGS
    ]


def safe_next(target: str | None) -> str:
    """A path on this site to go back to; anything else (another site, junk) is the start page."""
    if not target or len(target) > MAX_NEXT_CHARS or "\\" in target:
        return url_for("pages.index")
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
        return url_for("pages.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.index")
    return target


@bp.get("/language/<lang>")
def choose(lang: str) -> ResponseReturnValue:
    """Remember the language in the session and go back to the same page."""
    chosen = _valid(lang)
    if chosen is None:
        abort(404)
    session[SESSION_KEY] = chosen
    return redirect(safe_next(request.args.get("next")), code=303)


def _vary(response: Response) -> Response:
    """Pages differ by the browser's language: caches must keep one copy per language."""
    if not request.path.startswith("/static/"):
        response.vary.add("Accept-Language")
        response.headers.setdefault("Content-Language", current_lang())
    return response


def init_app(app: Flask, directory: Path = TRANSLATIONS) -> None:
    """Load the catalogs, install Flask-Babel and the switch, and give templates their helpers."""
    CatalogBabel(load_catalogs(directory)).init_app(
        app,
        default_locale=DEFAULT_LANG,
        default_translation_directories=str(directory),
        locale_selector=select_lang,
    )
    # {% trans %} blocks span lines in the templates: one space between words in the msgid.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.register_blueprint(bp)
    app.after_request(_vary)
    app.jinja_env.globals.update(current_lang=current_lang, language_links=language_links)
