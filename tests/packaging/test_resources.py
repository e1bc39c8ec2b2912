"""The program finds its files through the packages, never through the checkout (issue 12).

Fast checks run with every test run; test_wheel.py builds and installs the real wheel.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask_babel import gettext

import app
import explainer
import web
from explainer import content
from explainer.errors import ContentError
from explainer.present import letter_pdf
from explainer.resources import package_folder
from tests.conftest import ROOT
from web import language

# `__file__` of our own module is a path into wherever the code runs from: in a checkout that
# is the checkout, so anything found that way would be missing from an installed wheel.
OWN_FILE = re.compile(r"(?<![\w.])__file__")


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "explainer").rglob("*.py")),
            *sorted((ROOT / "web").rglob("*.py"))]  # fmt: skip


def test_no_module_finds_files_from_its_own_path() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OWN_FILE.search(line)
    ]
    assert not offenders, offenders


def test_the_data_is_found_inside_the_packages() -> None:
    explainer_dir = Path(explainer.__file__).parent
    web_dir = Path(web.__file__).parent
    assert (package_folder("explainer", "data", "content") / "letters.toml").is_file()
    assert package_folder("explainer", "data", "content").parent == explainer_dir / "data"
    assert (letter_pdf.FONTS / "DejaVuSans.ttf").is_file()
    assert letter_pdf.FONTS.parent == explainer_dir
    assert web_dir / "translations" == language.TRANSLATIONS
    assert list(language.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    flask_app = app.create_app({"TESTING": True})
    assert Path(flask_app.template_folder or "") == web_dir / "templates"
    assert (web_dir / "templates" / "base.html").is_file()
    assert Path(flask_app.static_folder or "") == web_dir / "static"
    assert flask_app.static_url_path == "/static"


def test_the_content_folder_can_still_be_chosen_by_the_environment() -> None:
    """BILL_EXPLAINER_CONTENT is read once at import; without it, the packaged content."""
    import os

    expected = os.environ.get("BILL_EXPLAINER_CONTENT") or package_folder(
        "explainer", "data", "content"
    )
    assert Path(expected) == content.CONTENT_DIR


def test_a_package_imported_from_a_zip_is_refused_with_a_message(tmp_path: Path) -> None:
    import sys
    import zipfile

    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("zipped_pkg/__init__.py", "")
        zipped.writestr("zipped_pkg/data/x.toml", "")
    sys.path.insert(0, str(archive))
    try:
        with pytest.raises(ContentError, match="zipped_pkg/data: not installed as files"):
            package_folder("zipped_pkg", "data")
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop("zipped_pkg", None)


def test_a_lone_mo_is_used_as_the_wheel_ships_it(tmp_path: Path) -> None:
    """The wheel carries messages.mo without its .po (setup.py compiles it at build time)."""
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="es")
    catalog.add("Red flag", "Señal de alerta")
    with (folder / "messages.mo").open("wb") as file:
        write_mo(file, catalog)
    assert set(language.load_catalogs(tmp_path)) == {"es"}
    flask_app = Flask(__name__)
    language.init_app(flask_app, tmp_path)
    with flask_app.test_request_context("/?lang=es"):
        assert gettext("Red flag") == "Señal de alerta"
