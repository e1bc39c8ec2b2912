"""Read X12 bytes into segments: a streaming, forgiving tokenizer for 835 remittances.

Written by hand on purpose. Issue 5 measured the PyPI X12 libraries on twelve real 835
files (shared/corpus/x12/): pyx12 failed or lost data on 6 (BOM, no envelope, claim-level
CAS), edi-835-parser on 8 (keeps only the first triplet of each CAS, so it drops a CO 253
that follows a CO 45), linuxforhealth-x12 on 8, ansi-x12 on 6, badx12 on 5. Real files
break the rules those libraries rely on, so this reader assumes little:

- separators come from the ISA (X12.5 interchange header): the element separator is the
  byte after "ISA", the repetition separator is ISA11 (5010 only; in 4010 ISA11 is the
  letter "U"), the component separator is ISA16 and the segment terminator is the
  character right after ISA16;
- the ISA is split on its element separator instead of read at fixed offsets 103/104/105,
  because some senders collapse its fixed-width padding (corpus S09);
- a file without ISA/GS envelope (S08 starts at ST) gets its separators guessed from its
  first segment; newlines, CRLF and indentation after terminators are ignored (S10, S11);
- a UTF-8 byte-order mark is dropped (S10, S12); each new ISA re-reads the separators, so
  several interchanges with different separators can follow each other;
- when the segment terminator is not a line break, CR and LF are not data anywhere: some
  payers wrap their files at a fixed width (CR LF inside segments, even inside the ISA), so
  line breaks are dropped before the ISA's 106 characters are read (issue 14);
- any byte may be a separator, as the ISA says: element 0x1D, segment 0x1E and component
  0x1F are in use, and Python counts 0x1C-0x1F as white space, so nothing here may use
  `\\s` or a bare `strip()` where a separator can stand;
- text that is not a segment is skipped with a warning instead of stopping the read.

It raises UnreadableDocument only when nothing in the bytes looks like X12. Everything
else that is wrong is collected in `X12Reader.warnings`, in plain words. Nothing read here
is written to disk or logged: the bytes are the user's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from explainer.errors import UnreadableDocument

_MAX_WARNINGS = 20
# No 835 segment comes near this (the longest elements are 256 characters, PER04): a longer
# one is damage or an attack, and is skipped so no string we keep grows with it (hardening).
MAX_SEGMENT_CHARS = 4096

# Segment ids this reader will resynchronise on when garbage runs into a segment.
KNOWN_SEGMENTS = frozenset(
    {
        "ISA", "GS", "ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N3", "N4", "PER",
        "RDM", "LX", "TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC",
        "LQ", "PLB", "SE", "GE", "IEA",
    }
)  # fmt: skip

# Characters that may stand inside element values, so cannot be the segment terminator
# of a file without envelope.
_VALUE_PUNCTUATION = frozenset(" .-,/()&#@+%$")

# Where a file without envelope may start: "ST*835*", "GS*HP*" (the 835's functional id),
# or straight at "BPR*I*" (BPR01 is one letter: C, D, H, I, P, U or X).
# A separator is any character but a letter, a digit or (printable) white space. Not `\s`:
# for str patterns it also matches the control characters 0x1C-0x1F that some files use.
_SEPARATOR = r"[^A-Za-z0-9 \t\r\n\v\f]"
_HEADLESS_START = re.compile(rf"(?<![A-Za-z0-9])(ST|GS|BPR)({_SEPARATOR})(?:835|HP|[CDHIPUX])\2")
_ISA_START = re.compile(rf"(?<![A-Za-z0-9])ISA{_SEPARATOR}")
_SEARCH_LIMIT = 65536
_BLANKS = " \t\r\n\v\f"
"""What is stripped around a segment: never the control characters a file may use as separators."""
_LINE_BREAKS = "\r\n"
# Enough of the text after "ISA" to hold the whole ISA even when line breaks are wrapped into it.
_ISA_WINDOW = 600


@dataclass(frozen=True, slots=True)
class Separators:
    """The four delimiters of an interchange (X12.5 ISA)."""

    element: str
    component: str
    segment: str
    repetition: str | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its id, its elements (CLP01 is `elements[0]`), and where it stands.

    `index` counts segments from 1 in file order. `complete` is False only for a last
    segment that the file cut off before its terminator.
    """

    id: str
    elements: tuple[str, ...]
    index: int
    component: str = ":"
    complete: bool = True

    def get(self, position: int) -> str:
        """The element by its X12 number (CLP01 is get(1)), or '' when absent."""
        if 0 < position <= len(self.elements):
            return self.elements[position - 1]
        return ""

    def parts(self, position: int) -> tuple[str, ...]:
        """A composite element split into components, only when asked (SVC01 'HC:99214:25')."""
        value = self.get(position)
        return tuple(value.split(self.component)) if value else ()


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (its BOM dropped), else Latin-1, which reads any byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # X12's basic character set is ASCII; Latin-1 keeps every other byte as a char.
        return data.decode("latin-1")


def isa_separators(text: str, start: int) -> Separators | None:
    """The separators declared by the ISA at `start`, or None if it is too broken to tell."""
    if len(text) < start + 4:
        return None
    element = text[start + 3]
    # ISA has 16 elements; ISA16 is one character and the terminator follows it. Splitting
    # on the element separator finds them whether or not the padding was kept (S09).
    parts = text[start : start + 600].split(element, 16)
    if len(parts) == 17 and len(parts[16]) >= 2:
        found = _checked(element, parts[16][0], parts[16][1], parts[11], parts[12])
        if found:
            return found
    # Fall back on the fixed-width positions of a well-formed 106-character ISA.
    if len(text) >= start + 106:
        return _checked(element, text[start + 104], text[start + 105], "", "")
    return None


def _checked(
    element: str, component: str, segment: str, isa11: str, isa12: str
) -> Separators | None:
    """Separators if they are distinct non-alphanumeric characters, else None."""
    chosen = {element, component, segment}
    if len(chosen) < 3 or any(char.isalnum() or char == " " for char in chosen):
        return None
    # ISA11 is the repetition separator from 00501 on; before that it is a standards id ("U").
    repetition: str | None = None
    if isa12.strip() >= "00501" and len(isa11) == 1 and not isa11.isalnum() and isa11 not in chosen:
        repetition = isa11
    return Separators(element=element, component=component, segment=segment, repetition=repetition)


def _without_line_breaks(text: str) -> str:
    """`text` without CR and LF (str.replace runs in C: fast even on a 60 MB file)."""
    if "\r" in text:
        text = text.replace("\r", "")
    if "\n" in text:
        text = text.replace("\n", "")
    return text


def separators_at(text: str, start: int) -> Separators | None:
    """The separators declared by the ISA at `start`, even in a file wrapped at a fixed width.

    A wrapped file has CR LF anywhere, even inside the ISA, whose 106 characters then tell
    nothing: the ISA is read with its line breaks left out first. Only when that gives no
    terminator, or a line break (then line breaks do end segments), is it read as it stands.
    """
    flat = isa_separators(_without_line_breaks(text[start : start + _ISA_WINDOW]), 0)
    if flat is not None and flat.segment not in _LINE_BREAKS:
        return flat
    return isa_separators(text, start)


def guess_wrapped(text: str, start: int, element: str) -> Separators | None:
    """Separators of a file without ISA whose first segments may be wrapped at a fixed width.

    A line break found before any other terminator candidate ends the first segment only if
    a segment id follows it; otherwise it is a wrap, and the guess is made without them.
    """
    found = guess_separators(text, start, element)
    if found is None or found.segment not in _LINE_BREAKS:
        return found
    window = text[start : start + 4096]
    first_break = re.search(r"[\r\n]+", window)
    if first_break:
        following = window[first_break.end() : first_break.end() + 4].split(element, 1)[0]
        if following in KNOWN_SEGMENTS:
            return found
    flat = _without_line_breaks(text[start : start + _SEARCH_LIMIT])
    return guess_separators(flat, 0, element) or found


def _start_in(head: str) -> bool:
    """Does `head` show where X12 begins (an ISA, or ST/GS/BPR of a file without envelope)?"""
    return bool(_ISA_START.search(head) or _HEADLESS_START.search(head))


def _segment_text(text: str, start: int, end: int, separators: Separators) -> str:
    """One segment's text; CR and LF are no data when they do not end segments (wrapped files)."""
    raw = text[start:end].strip(_BLANKS)
    if separators.segment not in _LINE_BREAKS and ("\n" in raw or "\r" in raw):
        raw = _without_line_breaks(raw)
    return raw


def guess_separators(text: str, start: int, element: str) -> Separators | None:
    """Separators of a file without ISA: the terminator ends the first segment."""
    segment = None
    for char in text[start : start + 4096]:
        if char.isalnum() or char == element or char in _VALUE_PUNCTUATION:
            continue
        segment = char
        break
    if segment is None:
        return None
    if segment == "\r":
        segment = "\n"
    return Separators(element=element, component=_guess_component(text, element), segment=segment)


def _guess_component(text: str, element: str) -> str:
    """The component separator as used in the first SVC01 ('HC:99214'), else ':'."""
    match = re.search(re.escape("SVC" + element) + rf"[A-Z0-9]{{2}}({_SEPARATOR})", text)
    if match and match.group(1) != element:
        return match.group(1)
    return ":"


class X12Reader:
    """Iterate the segments of X12 bytes; what had to be skipped goes to `warnings`."""

    def __init__(self, data: bytes, source: str = "") -> None:
        text = decode(data)
        head = text[:_SEARCH_LIMIT]
        if not _start_in(head) and _start_in(_without_line_breaks(head)):
            text = _without_line_breaks(text)  # a narrow wrap cut "ISA" or "ST*835" in two
        self.text = text
        self.source = source
        self.warnings: list[str] = []
        self._dropped = 0
        self._ids: set[str] = set()
        self.start, self.separators = self._find_start()

    def _find_start(self) -> tuple[int, Separators]:
        """Where the X12 begins and with which separators; UnreadableDocument if nowhere."""
        text = self.text
        head = text[:_SEARCH_LIMIT]
        first = len(head) - len(head.lstrip(_BLANKS))
        isa = _ISA_START.search(head)
        if isa:
            found = separators_at(text, isa.start())
            if found:
                self._skipped_before(isa.start(), first)
                return isa.start(), found
        headless = _HEADLESS_START.search(head)
        if headless:
            # The element separator is the character right after the segment id.
            found = guess_wrapped(text, headless.start(2) + 1, headless.group(2))
            if found:
                self._skipped_before(headless.start(), first)
                return headless.start(), found
        raise UnreadableDocument(
            f"We could not find any 835 remittance data in “{self.source or 'this file'}”. "
            "Please check that you chose the 835 (electronic remittance) file.",
            source=self.source,
        )

    def _skipped_before(self, start: int, first: int) -> None:
        if start > first:
            self.warn(
                f"We skipped {start - first:,} characters of other text at the start of the file."
            )

    def warn(self, message: str) -> None:
        """Keep a warning; after 20, only count them, so a garbage file stays readable."""
        if len(self.warnings) < _MAX_WARNINGS:
            self.warnings.append(message)
            return
        self._dropped += 1
        more = f"…and {self._dropped:,} more problems of the same kind."
        if self._dropped == 1:
            self.warnings.append(more)
        else:
            self.warnings[-1] = more

    def __iter__(self) -> Iterator[Segment]:
        """Yield each segment in file order, one at a time (the file is never split whole)."""
        text = self.text
        length = len(text)
        separators = self.separators
        position = self.start
        index = 0
        read = 0
        while position < length:
            end = text.find(separators.segment, position)
            if end < 0:
                end = length
            raw = text[position:end].strip(_BLANKS)  # _segment_text, inlined: 1.5M calls
            if ("\n" in raw or "\r" in raw) and separators.segment not in _LINE_BREAKS:
                raw = _without_line_breaks(raw)
            if raw.startswith("ISA") and raw[3:4] and not raw[3].isalnum():
                # Each interchange declares its own separators (X12.5): re-read them, then
                # find this ISA's end with its own terminator.
                start = position
                while text[start] in _BLANKS:
                    start += 1
                separators = separators_at(text, start) or separators
                end = text.find(separators.segment, start)
                end = length if end < 0 else end
                raw = _segment_text(text, start, end, separators)
            complete = end < length
            position = end + len(separators.segment)
            if not raw:
                continue
            index += 1
            segment = self._segment(raw, index, separators, complete)
            if segment is not None:
                read += 1
                yield segment
        if not read:
            raise UnreadableDocument(
                f"We could not read any 835 remittance data in “{self.source or 'this file'}”.",
                source=self.source,
            )

    def _segment(
        self, raw: str, index: int, separators: Separators, complete: bool
    ) -> Segment | None:
        """One raw segment as a Segment, resynchronising on garbage; None if nothing usable."""
        if len(raw) > MAX_SEGMENT_CHARS:
            self.warn(
                f"We skipped segment {index} of the file: it is {len(raw):,} characters long, "
                "far longer than an 835 allows."
            )
            return None
        fields = raw.split(separators.element)
        if fields[0] not in self._ids and not self._new_id(fields[0]):
            recovered = self._recover(raw, separators.element)
            if recovered is None:
                self.warn(
                    f"We skipped some text that is not part of an 835 "
                    f"(segment {index} of the file)."
                )
                return None
            self.warn(f"We skipped some unreadable text before segment {index} of the file.")
            fields = recovered.split(separators.element)
        return Segment(fields[0], tuple(fields[1:]), index, separators.component, complete)

    def _new_id(self, value: str) -> bool:
        """Is `value` a segment id? Remembered, since a file uses few distinct ids."""
        if _is_segment_id(value):
            self._ids.add(value)
            return True
        return False

    @staticmethod
    def _recover(raw: str, element: str) -> str | None:
        """`raw` from the first known segment id after the garbage in front of it, if any."""
        found = _resync_pattern(element).search(raw, 1)
        return raw[found.start() :] if found else None


@functools.lru_cache(maxsize=32)
def _resync_pattern(element: str) -> re.Pattern[str]:
    """A known segment id followed by `element`, not glued to a letter or digit before it.

    One regex search instead of a find per id keeps a file full of garbage segments fast.
    `[^\\W_]` is exactly what str.isalnum() accepts.
    """
    names = "|".join(sorted(KNOWN_SEGMENTS, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{names}){re.escape(element)}")


def _is_segment_id(value: str) -> bool:
    """X12.6 segment identifier: 2-3 characters, an upper-case letter then letters or digits."""
    return 2 <= len(value) <= 3 and value.isascii() and value.isalnum() and value[0].isupper()
