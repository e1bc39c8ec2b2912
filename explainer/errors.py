"""The engine's exceptions: the only errors a caller needs to handle.

    ExplainerError
    ├── UnreadableDocument   the bytes could not be read (broken PDF, garbage, empty)
    ├── UnsupportedDocument  readable, but not a kind of paper we explain
    ├── LimitExceeded        too big, too many pages, too slow
    └── ContentError         the content/ files are wrong (a bug of ours, found at start-up)

Every message is written for the person who uploaded the file: plain, kind, and saying
what to do next. The web layer maps them to 4xx answers; the CLI prints them.
"""

from __future__ import annotations


class ExplainerError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


class UnreadableDocument(ExplainerError):
    """The file could not be read at all."""


class UnsupportedDocument(ExplainerError):
    """The file was read, but it is not a billing paper we can explain."""


class LimitExceeded(ExplainerError):
    """The file is over a size, page or time limit."""


class ContentError(ExplainerError):
    """The plain-language content files are invalid; collects every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("content/ is invalid:\n" + "\n".join(problems))
        self.problems = problems
