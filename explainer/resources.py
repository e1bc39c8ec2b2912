"""Where the files shipped with the program are: looked up in the installed packages.

The content library, page templates, static files, translations and fonts are package data
(docs/decisions/0006-package-data.md): a wheel installed anywhere, a `pipx install` or the
editable checkout all find them through importlib.resources, never through a path worked out
from where the source checkout happens to be.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import ContentError


def package_folder(package: str, *parts: str) -> Path:
    """A folder shipped inside `package` (e.g. "explainer", "data", "content") as a real path.

    Flask, fpdf and the content loader need paths on disk, so a package imported from a zip
    file (which no installer makes from our wheel) is refused with a clear message.
    """
    folder = files(package).joinpath(*parts)
    if not isinstance(folder, Path):
        where = "/".join(parts)
        raise ContentError([f"{package}/{where}: not installed as files on disk; reinstall the wheel"])
    return folder
