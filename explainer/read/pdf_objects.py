"""Where a PDF's objects are, from the bytes alone, and the values indirect references point to.

The preflight (`read/preflight.py`) must not trust a file's cross-reference table (a bomb
maker writes whatever it likes there), nor look only a fixed distance in front of a stream
(a dictionary padded past that distance hid its /Filter, issue 17). So every `N G obj` start
in the file is found once, in one linear pass, and a stream's dictionary is everything from
the last object start in front of it. `/Filter 7 0 R` is resolved by looking object 7 up in
the same index; the last definition wins, as in an incremental update.

Objects packed inside object streams (/Type /ObjStm) are not in the index: a reference to one
resolves to nothing. The preflight does not need it for Flate (it inflates every stream that
starts like zlib, whatever its dictionary says); the child process's memory ceiling
(`read/isolated.py`) is the backstop for the rest.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# The `obj` keyword first (a literal: fast to find), then its numbers in the bytes before it.
_OBJ_KEYWORD = re.compile(rb"obj(?![A-Za-z])")
_NUMBERS_REACH = 64
MAX_OBJECTS = 200_000
"""Objects indexed: a 50-page paper has a few thousand; past this references go unresolved."""
_REFERENCE = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+R(?![A-Za-z])")
_ENDOBJ = b"endobj"
_COMMENT = re.compile(rb"%[^\r\n]*")
_NESTED_REFERENCES = 4
"""An indirect value pointing at another indirect value, at most this deep (no loops)."""


@dataclass
class ObjectIndex:
    """Object starts in file order, and the body's start of each object number."""

    data: bytes
    starts: list[int] = field(default_factory=list)
    bodies: dict[int, int] = field(default_factory=dict)
    _cache: dict[int, bytes] = field(default_factory=dict)
    _indexed: bool = False

    def _index(self) -> None:
        """Every `N G obj` in the file, once, when the first reference is resolved.

        At most MAX_OBJECTS: past that, references to later objects resolve to nothing.
        """
        if self._indexed:
            return
        self._indexed = True
        for keyword in _OBJ_KEYWORD.finditer(self.data):
            start = _object_start(self.data, keyword.start())
            if start is None:
                continue
            self.starts.append(start)
            self.bodies[int(self.data[start : keyword.start()].split()[0])] = keyword.end()
            if len(self.starts) >= MAX_OBJECTS:
                return

    def header_start(self, position: int, not_before: int) -> int:
        """Where the dictionary of the stream opening at `position` begins.

        That is the last `N G obj` in front of it, but never before `not_before` (the end
        of the previous stream's keyword), so that the dictionaries of a file full of
        `stream` keywords are disjoint and reading them all stays linear.
        """
        end = position
        while (found := self.data.rfind(b"obj", not_before, end)) >= 0:
            start = _object_start(self.data, found)
            if start is not None and start >= not_before:
                return start
            end = found
        return not_before

    def body(self, number: int) -> bytes:
        """Object `number`'s body (between `obj` and `endobj`), comments removed; b'' if unknown."""
        if number in self._cache:
            return self._cache[number]
        self._index()
        start = self.bodies.get(number)
        if start is None:
            return b""
        # Up to the next object's start: the bodies of different objects never overlap.
        following = bisect.bisect_right(self.starts, start)
        end = self.starts[following] if following < len(self.starts) else len(self.data)
        text = self.data[start:end]
        close = text.find(_ENDOBJ)
        if close >= 0:
            text = text[:close]
        text = _COMMENT.sub(b"", text).strip()
        self._cache[number] = text
        return text

    def resolve(self, value: bytes) -> bytes:
        """A value with a leading `N G R` replaced by what that object holds (a few levels deep)."""
        for _ in range(_NESTED_REFERENCES):
            found = _REFERENCE.match(value.strip())
            if not found:
                return value
            value = self.body(int(found.group(1)))
        return value

    def resolve_all(self, value: bytes) -> bytes:
        """Every `N G R` inside an array replaced by its object's body (one level, for names)."""
        if b"R" not in value:
            return value
        return _REFERENCE.sub(lambda found: b" " + self.resolve(found.group(0)) + b" ", value)


def index_objects(data: bytes) -> ObjectIndex:
    """An index of the file's objects (made when first needed)."""
    return ObjectIndex(data)


def _object_start(data: bytes, keyword: int) -> int | None:
    """Where `N G obj` starts, given where its `obj` is; None if it is not an object's start.

    Split, not a regex: a file of 200,000 objects is indexed in a fraction of a second.
    """
    if data[keyword + 3 : keyword + 4].isalpha():
        return None  # "objects", not "obj"
    before = data[max(keyword - _NUMBERS_REACH, 0) : keyword]
    words = before.split()
    if len(words) < 2 or not before[-1:].isspace():
        return None
    number, generation = words[-2], words[-1]
    if not (number.isdigit() and generation.isdigit() and len(number) <= 10):
        return None
    return keyword - len(before) + before.rfind(number, 0, before.rfind(generation))
