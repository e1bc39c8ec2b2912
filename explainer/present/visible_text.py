"""Text made safe to lay out: runs of invisible characters collapsed before a layout engine sees them.

fpdf2's `multi_cell` measures a line character by character, and a character that takes no
width never ends a line: `"a" + "\u200d" * 19999` (zero-width joiners) cost 15 s of CPU in
one letter PDF, quadratic in the run (issue 17). No letter needs more than one invisible
format character in a row, or more than a few accents stacked on one letter, so before
layout:

- the text is put in NFC form (an `e` + combining acute becomes one `é`, as typed);
- between two characters that take width, one format character (Unicode category Cf:
  zero-width space and joiners, word joiner, byte-order mark, direction marks…) is kept,
  and at most `MAX_MARKS` combining marks (categories Mn, Me; Vietnamese stacks two,
  Spanish one); the rest of the run is dropped.

Everything a person can see on the page stays: only characters without width go.
"""

from __future__ import annotations

import unicodedata

MAX_MARKS = 2


def collapse_invisible(text: str) -> str:
    """The text with runs of zero-width format characters and stacked accents cut short.

    A run is everything between two characters that take width: in it, one format character
    and `MAX_MARKS` combining marks are kept, however they alternate.
    """
    kept: list[str] = []
    formats = marks = 0
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if category == "Cf":
            formats += 1
            if formats <= 1:
                kept.append(char)
        elif category in ("Mn", "Me"):
            marks += 1
            if marks <= MAX_MARKS:
                kept.append(char)
        else:
            formats = marks = 0
            kept.append(char)
    return "".join(kept)
