"""Letters in the browser: the results page's letter buttons, the editable letter, and its PDF.

Nothing is stored (PRODUCT.md "Promises"): the results page carries each letter's text in a
hidden field, and what the app itself says about the letter (kind, language, title, the
"what to do next" list and its dates, and a reading copy) in a signed field, so the letter
page and the PDF get both back from the browser.

Letters go to US billing offices and Medicare, so they are always written in English. When
the page is in another language, a copy of the generated letter in that language comes with
it, to read and not to send (issue 15); the PDF holds both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from fontTools.ttLib import TTFont

from explainer.content import Library
from explainer.explain import explain
from explainer.letters import Letter, letters_for, with_reading_copies
from explainer.model import Explanation
from explainer.present.letter_pdf import FONTS, text_pdf
from explainer.values import display_date

from .intake import LANGS, BadInput
from .language import words_in
from .signed import sign, unsign

bp = Blueprint("letters", __name__)

MAX_LETTER_CHARS = 20_000
META_SALT = "letter-meta"
KINDS = ("provider", "redetermination")


def _words() -> dict[str, str]:
    """The words around a letter in the current language ({placeholders} are filled in later)."""
    return {
        "section": gettext("Letters you can send"),
        "section_intro": gettext(
            "We filled in a letter from what we found. Open it to read it and change it. "
            "Then print it or save it as a PDF."
        ),
        "button_provider": gettext("Write a letter to {provider}"),
        "button_provider_plain": gettext("Write a letter to the billing office"),
        "button_redetermination": gettext("Ask Medicare for a new decision (appeal)"),
        "kicker": gettext("Your letter"),
        "intro": gettext(
            "Read your letter. You can change any word. Fill in the blanks (____). Then "
            "download it as a PDF, or print it."
        ),
        "label": gettext("Your letter (you can change it)"),
        "hint": gettext(
            "You can write up to 20,000 letters and spaces. We do not keep your letter."
        ),
        "download": gettext("Download PDF"),
        "print": gettext("Print the letter"),
        "show_changes": gettext("Show my changes in the print copy"),
        "print_hint": gettext(
            "To print: press “Show my changes in the print copy”, then use your browser’s "
            "Print command (press Ctrl and P, or ⌘ and P on a Mac). Only the letter prints."
        ),
        "next": gettext("What to do next"),
        "deadline": gettext("Last day to send it: {date}"),
        "again": gettext("Check other papers"),
        "fill_provider": gettext(
            "Fill in the blanks: your name, account number, phone and the date. Then sign "
            "the letter."
        ),
        "send_provider": gettext(
            "Send the letter to the billing office of {provider}. Add copies of your notice "
            "and your bill, not the originals. Keep a copy of everything."
        ),
        "send_provider_plain": gettext(
            "Send the letter to the billing office. Add copies of your notice and your "
            "bill, not the originals. Keep a copy of everything."
        ),
        "hold": gettext(
            "Do not pay the amounts the letter questions until the billing office answers. "
            "You can pay the part your notice says you may owe."
        ),
        "answer": gettext(
            "The letter asks for an answer within 30 days. If you send it today, that is by "
            "{date}. If no answer comes by then, call the billing office."
        ),
        "help_provider": gettext(
            "If they will not fix it, call 1-800-MEDICARE (1-800-633-4227, TTY "
            "1-877-486-2048). The Senior Medicare Patrol also helps with billing errors: "
            "1-877-808-2468."
        ),
        "fill_appeal": gettext(
            "Fill in your name and your Medicare number. Say in your own words why Medicare "
            "should pay. Then sign the letter."
        ),
        "records": gettext("Ask your doctor for a letter or records that support your appeal."),
        "send_appeal": gettext(
            "Send it with a copy of your Medicare Summary Notice to the address on the "
            "notice. Keep a copy of everything."
        ),
        "by_deadline": gettext(
            "Send it by {date}. That is 120 days from the day you got your notice. {assumption}"
        ),
        "wait": gettext("Medicare usually decides within 60 days."),
        "hold_qmb": gettext(
            "Do not pay the amounts the letter questions until the billing office answers."
        ),
        "copy_heading": gettext("The same letter in your language, to read"),
        "copy_note": gettext(
            "Send the letter in English: billing offices and Medicare read English. This copy "
            "is only for you to read. It shows the letter as we wrote it. If you change the "
            "English text, this copy does not change."
        ),
        "help_appeal": gettext(
            "Free help: 1-800-MEDICARE (1-800-633-4227, TTY 1-877-486-2048), or your State "
            "Health Insurance Assistance Program (SHIP)."
        ),
    }


# Fixed names: a file name made from the letter would put a clinic's name in headers.
PDF_NAMES: Mapping[str, Mapping[str, str]] = {
    "provider": {"en": "letter-to-billing-office.pdf", "es": "carta-a-oficina-de-cobros.pdf"},
    "redetermination": {"en": "medicare-appeal.pdf", "es": "apelacion-a-medicare.pdf"},
}

TOO_LONG_MESSAGE = lazy_gettext(
    "This letter is too long. A letter can have up to 20,000 letters and spaces. "
    "Please make it shorter and try again."
)
EMPTY_MESSAGE = lazy_gettext(
    "The letter is empty. Please go back, write your letter, and try again."
)
BAD_FORM_MESSAGE = lazy_gettext("This letter form is not right. Please try again.")


@dataclass(frozen=True, slots=True)
class LetterOffer:
    """One letter as the results page offers it: a button, the text, and the signed facts."""

    kind: str
    button: str
    text: str
    meta: str


@dataclass(frozen=True, slots=True)
class LetterMeta:
    """What the app says about a letter; it travels signed, so the page cannot change it.

    `lang` is the page's language (the words around the letter); the letter itself is in
    English. `copy` is the generated letter in the page's language, when that is not English.
    """

    kind: str
    lang: str
    title: str
    deadline: date | None
    steps: tuple[str, ...]
    copy: str = ""
    copy_title: str = ""

    def as_data(self) -> dict[str, Any]:
        """A JSON-ready form, short keys to keep the hidden field small."""
        return {
            "k": self.kind,
            "l": self.lang,
            "t": self.title,
            "d": self.deadline.isoformat() if self.deadline else None,
            "s": list(self.steps),
            "c": self.copy,
            "ct": self.copy_title,
        }

    @classmethod
    def from_data(cls, data: Any) -> LetterMeta:
        """Back from the signed field; anything odd is a plain 400, never a 500."""
        try:
            kind, lang, title = data["k"], data["l"], data["t"]
            deadline = date.fromisoformat(data["d"]) if data["d"] else None
            steps = tuple(str(step) for step in data["s"])
            copy, copy_title = str(data.get("c") or ""), str(data.get("ct") or "")
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BadInput("bad-form", BAD_FORM_MESSAGE) from None
        if kind not in KINDS or lang not in LANGS or not isinstance(title, str):
            raise BadInput("bad-form", BAD_FORM_MESSAGE)
        return cls(kind, lang, title, deadline, steps, copy, copy_title)


def _provider(letter: Letter) -> str | None:
    """The clinic or doctor a provider letter goes to, when the bill names one."""
    return letter.recipient[0] if letter.kind == "provider" and letter.recipient else None


def _steps(letter: Letter, explanation: Explanation) -> tuple[str, ...]:
    """The short "what to do next" list for one letter, with its dates filled in."""
    w = letter_words(letter.lang)
    if letter.kind == "provider":
        provider = _provider(letter)
        answer_by = display_date(letter.answer_by, letter.lang) if letter.answer_by else ""
        # A QMB owes $0.00 of cost sharing: never "you can pay the part your notice says".
        qmb = explanation.totals.may_owe_at_most == 0 or explanation.answers.qmb
        return (
            w["fill_provider"],
            w["send_provider"].format(provider=provider) if provider else w["send_provider_plain"],
            w["hold_qmb"] if qmb else w["hold"],
            w["answer"].format(date=answer_by),
            w["help_provider"],
        )
    deadline = next((f for f in explanation.findings if f.rule == "appeal-deadline"), None)
    steps = [w["fill_appeal"], w["records"], w["send_appeal"]]
    if letter.deadline is not None:
        assumption = deadline.fact("assumption") if deadline else ""
        when = display_date(letter.deadline, letter.lang)
        steps.append(w["by_deadline"].format(date=when, assumption=assumption).strip())
    steps += [w["wait"], w["help_appeal"]]
    return tuple(steps)


def _button(letter: Letter) -> str:
    """'Write a letter to Springfield Family Clinic' / 'Ask Medicare for a new decision (appeal)'."""
    w = letter_words(letter.lang)
    if letter.kind == "redetermination":
        return w["button_redetermination"]
    provider = _provider(letter)
    return (
        w["button_provider"].format(provider=provider) if provider else w["button_provider_plain"]
    )


def _in_english(explanation: Explanation) -> Explanation:
    """The same papers explained in English: a letter's quoted findings must be English too."""
    if explanation.answers.lang == "en":
        return explanation
    return explain(explanation.documents, replace(explanation.answers, lang="en"))


def letter_offers(explanation: Explanation, library: Library) -> list[LetterOffer]:
    """Every letter the findings call for, in English to send, with a reading copy in the
    page's language when that is not English; the buttons and steps in the page's language."""
    lang = explanation.answers.lang if explanation.answers.lang in LANGS else "en"
    # Explained again in English only when there is a letter (never for a clean big remit).
    if not letters_for(explanation, library, lang):
        return []
    offers = []
    for letter, reading in with_reading_copies(_in_english(explanation), explanation, library):
        copy = reading or letter
        meta = LetterMeta(
            kind=letter.kind,
            lang=lang,
            title=letter.title,
            deadline=letter.deadline,
            steps=_steps(copy, explanation),
            copy="" if copy is letter else copy.as_text(),
            copy_title="" if copy is letter else copy.title,
        )
        offers.append(
            LetterOffer(
                kind=letter.kind,
                button=_button(copy),
                text=letter.as_text(),
                meta=sign(meta.as_data(), META_SALT),
            )
        )
    return offers


def letter_words(lang: str) -> Mapping[str, str]:
    """The words around the letters, in the letter's language."""
    return words_in(lang, _words)


def _posted_letter() -> tuple[str, LetterMeta]:
    """The letter text and its signed facts from the form; 400 or 413 when they are not right."""
    meta = LetterMeta.from_data(unsign(request.form.get("meta"), META_SALT))
    # Browsers send line breaks as CR LF: count each as one character, as the textarea does.
    text = (request.form.get("letter") or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_LETTER_CHARS:
        raise BadInput("letter-too-long", TOO_LONG_MESSAGE, 413)
    if not text.strip():
        raise BadInput("no-letter", EMPTY_MESSAGE)
    return text, meta


@bp.post("/letter")
def letter() -> ResponseReturnValue:
    """The letter to read, change, print or download, with what to do next."""
    text, meta = _posted_letter()
    w = letter_words(meta.lang)
    return render_template(
        "letter.html",
        w=w,
        meta=meta,
        meta_token=request.form.get("meta", ""),
        text=text,
        deadline_text=w["deadline"].format(date=display_date(meta.deadline, meta.lang))
        if meta.deadline
        else "",
        max_chars=MAX_LETTER_CHARS,
    )


@bp.post("/letter.pdf")
def letter_pdf() -> ResponseReturnValue:
    """The letter as the person left it, as a PDF file to save or print."""
    text, meta = _posted_letter()
    w = letter_words(meta.lang)
    copy = (w["copy_heading"], w["copy_note"], printable(meta.copy)) if meta.copy else None
    pdf = text_pdf(meta.title, printable(text), copy=copy)
    response = Response(pdf, mimetype="application/pdf")
    name = PDF_NAMES[meta.kind][meta.lang]
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@lru_cache(maxsize=1)
def _font_characters() -> frozenset[int]:
    """The characters the letter font can draw (the PDF uses DejaVu Sans, shipped with us)."""
    font = TTFont(str(FONTS / "DejaVuSans.ttf"), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def printable(text: str) -> str:
    """The text with characters the font cannot draw shown as '?', and control codes dropped."""
    # fpdf2 would otherwise log each missing character, and logs must carry nothing the
    # person typed (PRODUCT.md "Promises").
    known = _font_characters()
    kept: list[str] = []
    for char in text.replace("\t", "    "):
        if char == "\n" or ord(char) in known:
            kept.append(char)
        elif not unicodedata.category(char).startswith("C"):
            kept.append("?")
    return "".join(kept)
