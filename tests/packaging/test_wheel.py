"""The built wheel works on its own: installed in a new venv outside the checkout (issue 12).

One build (`python -m build`: the sdist, then the wheel from the sdist, as a user's pip would)
and one new virtual environment in a temporary folder. The new venv gets the wheel alone
(`--no-deps`); a .pth file then lets it see the test environment's third-party packages, so no
onnxruntime or OpenCV is downloaded again. Every command runs from a temporary folder holding
a decoy app.py, and the tests check that the modules imported are the ones in the new venv,
never the checkout. `make test` runs these alone, after the xdist run (marker `packaging`).
"""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pdfplumber
import pytest
from babel.messages.pofile import read_po

from tests.conftest import ROOT, SCHEMA

pytestmark = pytest.mark.packaging

NOTICE = ROOT / "examples" / "notice.txt"
BILL = ROOT / "examples" / "bill.txt"
CO_253_RULE = "contractual-billed-to-patient"
# Top-level folders of the checkout and where the wheel must carry them.
DATA_FOLDERS = {
    "content": "explainer/data/content",
    "templates": "web/templates",
    "static": "web/static",
}


@dataclass(frozen=True)
class Installed:
    """The wheel, the venv it went into, and the folder commands run from."""

    wheel: Path
    venv: Path
    cwd: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "bill-explainer"

    def env(self) -> dict[str, str]:
        """The caller's environment without anything that would point back at the checkout."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "BILL_EXPLAINER_", "VIRTUAL_ENV"))
        }
        env["PATH"] = f"{self.venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env["BILL_EXPLAINER_RATE_LIMIT"] = "0"
        return env

    def run(self, *args: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        """`bill-explainer ARGS` from the temporary folder."""
        result = subprocess.run(
            [str(self.command), *map(str, args)],
            cwd=self.cwd,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stderr[-3000:]
        return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the sdist and wheel, and install the wheel in a new venv (about 10 s)."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("bill_explainer-*-py3-none-any.whl")
    assert list(dist.glob("bill_explainer-*.tar.gz")), "python -m build made no sdist"

    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    new_python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(new_python), "install", "--quiet",
         "--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    # Only after the install: pip must not see (and offer to replace) the editable install.
    site = subprocess.run(
        [str(new_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A plain path line: the test env's .pth files (the editable finder) are not run.
    Path(site, "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    cwd = base / "somewhere else"
    cwd.mkdir()
    # Served or imported instead of ours if the current folder ever got on sys.path.
    (cwd / "app.py").write_text("raise SystemExit('imported app.py from the current folder')\n")
    return Installed(wheel, venv, cwd)


def test_the_wheel_carries_the_data_and_compiled_translations(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for folder, packaged in DATA_FOLDERS.items():
        shipped = [
            path.relative_to(ROOT / folder).as_posix()
            for path in (ROOT / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts
        ]
        assert shipped, folder
        missing = [name for name in shipped if f"{packaged}/{name}" not in names]
        assert not missing, f"{folder}/ files not in the wheel: {missing}"
    for name in ("web/explanation.schema.json", "web/gunicorn_conf.py", "app.py",
                 "explainer/fonts/DejaVuSans.ttf", "explainer/py.typed"):  # fmt: skip
        assert name in names
    languages = sorted(po.parent.parent.name for po in ROOT.glob("translations/*/LC_MESSAGES/*.po"))
    assert languages, "no .po in the checkout"
    for lang in languages:
        assert f"web/translations/{lang}/LC_MESSAGES/messages.mo" in names
    assert not [name for name in names if name.endswith(".po")], "the wheel ships .mo, not .po"
    assert not [name for name in names if name.startswith(("tests/", "bench/", "content/"))]


def test_the_metadata_is_complete(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = wheel.read(name).decode()
    for field in ("License-Expression: ", "Requires-Python: >=3.11", "Classifier: ",
                  "Description-Content-Type: text/markdown", "Requires-Dist: flask"):  # fmt: skip
        assert field in metadata, field
    assert "# bill-explainer" in metadata  # the README is the long description


def test_the_installed_package_runs_not_the_checkout(installed: Installed) -> None:
    code = "import app, explainer, web; print(explainer.__file__, web.__file__, app.__file__)"
    # -P: not the decoy app.py in the current folder (python -c would put it first).
    result = subprocess.run(
        [str(installed.python), "-P", "-c", code],
        cwd=installed.cwd,
        env=installed.env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for module in result.stdout.split():
        assert Path(module).is_relative_to(installed.venv), module
        assert not Path(module).resolve().is_relative_to(ROOT), module
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert installed.run("--version").stdout.strip() == f"bill-explainer {version}"


def _co_253_flagged(body: dict[str, Any]) -> None:
    """The example's $1.60 CO 253 cut billed to the patient is read and flagged."""
    jsonschema.validate(body, SCHEMA, cls=jsonschema.Draft202012Validator)
    adjustments = [
        adjustment
        for document in body["documents"]
        for claim in document["claims"]
        for line in claim["lines"]
        for adjustment in line["adjustments"]
    ]
    assert {"group": "CO", "reason": "253", "amount": "1.60"} in adjustments
    flags = [finding for finding in body["findings"] if finding["rule"] == CO_253_RULE]
    assert flags and flags[0]["severity"] == "alert" and flags[0]["amount"] == "1.60"


def test_explain_from_the_installed_wheel(installed: Installed) -> None:
    result = installed.run("explain", "--json", "--notice", NOTICE, "--bill", BILL)
    _co_253_flagged(json.loads(result.stdout))
    text = installed.run("explain", "--notice", NOTICE, "--bill", BILL).stdout
    assert "1.60" in text


def test_codes_from_the_installed_wheel(installed: Installed) -> None:
    codes = json.loads(installed.run("codes", "CO-253", "--json").stdout)["codes"]
    assert [(code["system"], code["code"], code["known"]) for code in codes] == [
        ("group", "CO", True),
        ("carc", "253", True),
    ]
    assert all(code["plain"] for code in codes)


def test_letter_pdf_from_the_installed_wheel(installed: Installed) -> None:
    out = installed.cwd / "out.pdf"
    installed.run("letter", "-o", out, "--notice", NOTICE, "--bill", BILL)
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    # The shipped DejaVu font: readable words, not boxes.
    assert "Springfield Family Clinic" in text
    assert "Please remove $1.60." in text  # the CO-253 cut this letter is about
    assert "(CO-253)" in text


def test_check_content_from_the_installed_wheel(installed: Installed) -> None:
    result = installed.run("check-content")
    assert "content/ is valid." in result.stdout


def test_serve_help_tells_how_to_run_behind_a_proxy(installed: Installed) -> None:
    text = installed.run("serve", "--help").stdout
    for words in ("reverse proxy", "HTTPS", "BILL_EXPLAINER_SECURE_COOKIES", "--workers"):
        assert words in text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(installed: Installed) -> Iterator[str]:
    """`bill-explainer serve` from the installed wheel, on a free loopback port."""
    port = _free_port()
    log = installed.cwd / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(installed.command), "serve", "--port", str(port), "--workers", "1"],
            cwd=installed.cwd,
            env=installed.env(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"serve did not answer: {log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url + "/about-privacy", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200
        return str(answer.read().decode())


def _post_explain(url: str) -> dict[str, Any]:
    boundary = "bill-explainer-test"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{path.name}"\r\n'
        f"Content-Type: text/plain\r\n\r\n{path.read_text()}\r\n"
        for name, path in (("notice", NOTICE), ("bill", BILL))
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        result: dict[str, Any] = json.loads(answer.read())
        return result


def _texts(page: str) -> set[str]:
    """The page's text nodes, entities decoded and white space collapsed."""
    return {
        " ".join(html.unescape(node).split()) for node in re.findall(r">([^<>]+)<", page)
    } - {""}


def _spanish_pairs(texts: set[str]) -> list[tuple[str, str]]:
    """(English, Spanish) pairs from the checkout's .po whose English is a text of the page."""
    with (ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)
    return [
        (message.id, message.string)
        for message in catalog
        if isinstance(message.id, str) and isinstance(message.string, str) and message.string
        and not message.fuzzy and "%" not in message.id and message.id in texts
    ]  # fmt: skip


def test_the_pages_in_english_and_spanish(server: str) -> None:
    """The Spanish page shows the catalog's translations: the wheel's .mo is read."""
    english = _texts(_get(server + "/"))
    spanish_page = _get(server + "/?lang=es")
    spanish = _texts(spanish_page)
    pairs = _spanish_pairs(english)
    assert len(pairs) >= 5, "too few page words found in the catalog to compare"
    for msgid, msgstr in pairs:
        assert " ".join(msgstr.split()) in spanish, msgid
    assert '<html lang="es">' in spanish_page
    code = _get(server + "/codes/CO-253")
    assert "CO-253" in code or "CO 253" in code
    code_es = _get(server + "/codes/CO-253?lang=es")
    assert '<html lang="es">' in code_es and "253" in code_es
    # The stylesheet and script come from the wheel too.
    assert _get(server + "/static/style.css").strip()
    assert _get(server + "/static/app.js").strip()


def test_the_api_in_english_and_spanish(server: str) -> None:
    english = _post_explain(server + "/api/v1/explain")
    _co_253_flagged(english)
    spanish = _post_explain(server + "/api/v1/explain?lang=es")
    _co_253_flagged(spanish)
    assert spanish["lang"] == "es"
    flag = next(f for f in english["findings"] if f["rule"] == CO_253_RULE)
    flag_es = next(f for f in spanish["findings"] if f["rule"] == CO_253_RULE)
    assert flag["title"] != flag_es["title"]
    openapi = json.loads(_get(server + "/api/v1/openapi.json"))
    assert openapi["openapi"]
