"""Nothing uploaded is kept, logged or written anywhere: proved against the real server.

gunicorn runs the app with the project's config on a free loopback port, its logs captured
to files. Every paper sent carries a unique canary (`CANARY-<uuid>`) as a patient, provider
or payer name: typed lines, a PDF (reportlab), an 835 big enough that werkzeug would spool it
to a temporary file, a broken PDF (the error path), a file *name*, then the letter and CSV
the results page offers. Afterwards the canary must be in no file under the temporary
directories, the working directory, or the logs; and while a large upload was arriving, no
worker may have held a temporary file open.

The one thing kept, an 835 workspace (docs/decisions/0007), is checked where it lives: the
vault process's whole memory holds no canary (ciphertext only), no URL the pages link to or
redirect to names it, and after "Forget it now" or 30 minutes nothing is left to open.
"""

from __future__ import annotations

import http.client
import io
import os
import re
import tempfile
import time
import urllib.parse
import uuid
import zlib
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app import create_app
from tests import pdf_fixtures
from tests.x12_factory import ClaimSpec, Payment, build_835, many_claims, medicare_line
from web.workspace import VAULT_KEY
from web.workspace_vault import HOLD_SECONDS

from .conftest import ROOT, Server, start_server, stop_server

SCANNED_DIRS = [Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), ROOT]
SKIP_BIGGER_THAN = 256 * 1024 * 1024


# --- talking to the server like a browser ---------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (hidden inputs and textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self.forms.append((values.get("action", ""), {}))
        elif tag == "input" and self.forms and values.get("name"):
            self.forms[-1][1][values["name"]] = values.get("value", "")
        elif tag == "textarea" and self.forms and values.get("name"):
            self._textarea = values["name"]
            self.forms[-1][1][self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def post_forms(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


class Browser:
    """One person's session: a cookie jar, the form's CSRF token, every URL it was sent to."""

    def __init__(self, server: Server) -> None:
        parts = urllib.parse.urlsplit(server.url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.urls: list[str] = []

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Content-Type": content_type} if content_type else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.urls.append(path)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.split(";", 1)[0].partition("=")
                    self.cookies[key] = rest
                elif name.lower() == "location":
                    self.urls.append(value)
            return answer.status, data
        finally:
            connection.close()

    def token(self) -> str:
        status, page = self.request("GET", "/")
        assert status == 200
        return post_forms(page.decode())[0][1]["csrf_token"]

    def post_multipart(self, path: str, fields: list[tuple[str, object]]) -> tuple[int, bytes]:
        boundary, body = encode_multipart(MultiDict(fields))
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")


def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


# --- what is sent ---------------------------------------------------------------------------


def typed_papers(canary: str) -> tuple[str, str]:
    """The CO 253 story with the canary as the clinic: notice and bill."""
    notice = (
        "Medicare Summary Notice\nNotice date: 04/10/2025\n"
        f"Provider: {canary} Family Clinic\n"
        "03/04/2025 99214 office visit billed $150.00 approved $100.00 paid $78.40 you may owe $20.00\n"
        "CO-253 $1.60\n"
    )
    bill = f"{canary} Family Clinic\nStatement\n03/04/2025 99214 office visit balance due $21.60\n"
    return notice, bill


def big_835(canary: str) -> bytes:
    """An 835 of ~700 KB (werkzeug spools file parts over 500 KB) naming the canary."""
    line = medicare_line(Decimal("150.00"), Decimal("100.00"))
    first = ClaimSpec(number="C1", lines=(line,), patient=(canary, "JANE"), provider=canary)
    payment = many_claims(1800, lines=2)
    data = build_835(
        Payment(claims=(first, *payment.claims), payer=f"{canary} PAYER", payee=canary)
    )
    assert len(data) > 600_000
    return data


# --- looking for the canary -----------------------------------------------------------------


def files_touched_since(since: float, roots: list[Path]) -> Iterator[Path]:
    """Regular files under `roots` modified (or created) at or after `since`; unreadable ones skipped."""
    seen: set[tuple[int, int]] = set()
    for root in roots:
        for folder, dirs, names in os.walk(root, onerror=lambda _error: None):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            for name in names:
                path = Path(folder, name)
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if not path.is_file() or path.is_symlink() or (info.st_dev, info.st_ino) in seen:
                    continue
                seen.add((info.st_dev, info.st_ino))
                if max(info.st_mtime, info.st_ctime) >= since and info.st_size <= SKIP_BIGGER_THAN:
                    yield path


def files_containing(needle: bytes, since: float, roots: list[Path]) -> list[Path]:
    """Every recently touched file whose bytes contain `needle`."""
    found = []
    for path in files_touched_since(since, roots):
        try:
            if needle in path.read_bytes():
                found.append(path)
        except OSError:
            continue
    return found


def open_temp_files(pids: list[int], logs: tuple[Path, ...] = ()) -> list[str]:
    """Files the processes hold open that are temporary (or deleted) files, not sockets or logs."""
    held = []
    log_paths = {str(path) for path in logs}
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if not target.startswith("/") or target in log_paths:
                continue  # socket:[…], pipe:[…], anon_inode:…, or the captured logs
            if "/wgunicorn-" in target:
                continue  # gunicorn's worker heartbeat (an empty file in /dev/shm)
            if "/bill-explainer-budget-" in target:
                continue  # the shared budget table: salted hashes and counters (web/cost_limit.py)
            if "(deleted)" in target or target.startswith(
                ("/tmp", "/var/tmp", tempfile.gettempdir())
            ):
                held.append(target)
    return held


def test_the_canary_scanner_finds_what_is_there(tmp_path: Path) -> None:
    """Control: a planted string is found, so an empty result below means something."""
    since = time.time() - 1
    control = f"CONTROL-{uuid.uuid4().hex}".encode()
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "x.bin").write_bytes(b"\x00" * 1000 + control + b"\xff")
    assert files_containing(control, since, [tmp_path]) == [tmp_path / "deep" / "er" / "x.bin"]


def test_the_open_file_watcher_sees_a_temporary_file() -> None:
    """Control: an unnamed temporary file (what werkzeug spools to) is seen in /proc."""
    with tempfile.TemporaryFile() as spooled:
        spooled.write(b"x")
        assert open_temp_files([os.getpid()])


# --- the test ---------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The production config as is (CSRF on, rate limit on), two sync workers."""
    running = start_server(tmp_path / "logs", workers=2)
    yield running
    stop_server(running)


def test_nothing_uploaded_is_kept_logged_or_written(server: Server, tmp_path: Path) -> None:
    since = time.time() - 1
    canary = f"CANARY-{uuid.uuid4().hex}"
    needle = canary.encode()
    notice, bill = typed_papers(canary)
    pdf = pdf_fixtures.statement_pdf(provider=f"{canary} Clinic", layout="itemized")
    remittance = big_835(canary)
    browser = Browser(server)

    # 1. The page: typed lines, a PDF bill and an 835 at once, and a file name with the canary.
    token = browser.token()
    status, page = browser.post_multipart(
        "/explain",
        [
            ("csrf_token", token),
            ("notice_text", notice),
            ("bill_text", bill),
            ("bill_files", _file(pdf, f"{canary}-statement.pdf")),
            ("qmb", "unsure"),
            ("lang", "en"),
        ],
    )
    assert status == 200, page[:500]
    assert needle in page  # it was read and shown back: the test is not vacuous
    forms = [
        (action, fields) for action, fields in post_forms(page.decode()) if action != "/explain"
    ]
    assert forms, "the results page offers a letter"

    # 2. Each follow-up the page offers (letter, then its PDF), as the person would click.
    for action, fields in forms:
        status, letter_page = browser.post_form(action, fields)
        assert status == 200
        for pdf_action, pdf_fields in post_forms(letter_page.decode()):
            status, _ = browser.post_form(pdf_action, pdf_fields)
            assert status == 200

    # 3. The 835: its workspace, every link on it the front desk would follow, its files.
    status, _ = browser.post_multipart(
        "/explain", [("csrf_token", token), ("notice_files", _file(remittance, "remit.835"))]
    )
    assert status == 303
    status, page = browser.request("GET", "/workspace")  # the canary's claim comes first
    assert status == 200 and needle in page
    links = [
        html_unescape(link) for link in re.findall(r'(?:href|action)="([^"]+)"', page.decode())
    ]
    for link in links:
        if link.startswith("/workspace") and "forget" not in link:
            status, answer = browser.request("GET", link)
            assert status == 200, link
            if link.startswith("/workspace/claims/"):
                assert needle in answer
    for link in ("/workspace/claims.csv", "/workspace/co-253-by-month.csv"):
        assert browser.request("GET", link)[0] == 200
    vault = server.vault_pid()
    assert vault is not None, "the vault process runs beside the workers"
    assert needle not in process_memory(vault), "the vault holds the canary in plain text"
    assert needle not in " ".join(browser.urls).encode(), browser.urls
    assert "workspace" in browser.cookies
    workspace_cookie = browser.cookies["workspace"]
    status, _ = browser.post_form("/workspace/forget", {"csrf_token": _token_on(page)})
    assert status == 200
    browser.cookies["workspace"] = workspace_cookie  # a copy of the key opens nothing now
    assert browser.request("GET", "/workspace")[0] == 410

    # 4. The API, with every kind of paper.
    status, answer = browser.post_multipart(
        "/api/v1/explain",
        [
            ("notice_text", notice),
            ("notice", _file(remittance, f"{canary}.835")),
            ("bill", _file(pdf, "statement.pdf")),
        ],
    )
    assert status == 200 and needle in answer

    # 5. Errors: a broken PDF, a locked one, and noise, each carrying the canary.
    broken = b"%PDF-1.7\n1 0 obj\n<< /Title (" + needle + b") >>\nendobj\n\x00\xff" + needle
    for data in (broken, broken[:40] + needle * 1000, b"\x00\x01" + needle):
        for path, field in (("/explain", "notice_files"), ("/api/v1/explain", "notice")):
            fields: list[tuple[str, object]] = [(field, _file(data, f"{canary}.pdf"))]
            if path == "/explain":
                fields.append(("csrf_token", token))
            status, answer = browser.post_multipart(path, fields)
            assert 400 <= status < 500
            assert needle not in answer.replace(f"{canary}.pdf".encode(), b"")

    # 6. A large upload arriving slowly: no worker may open a temporary file for it.
    held = _trickle_upload_and_watch(server, remittance)
    assert held == [], f"a worker held temporary files during an upload: {held}"

    stop_server(server)  # flush and close the logs before reading them
    logs = server.logs()
    assert b"POST /explain" in logs  # the access log was captured
    assert needle not in logs
    for secret in (b"Family Clinic", b"21.60", b"78.40", b"remit.835", b"statement.pdf"):
        assert secret not in logs, secret
    leaked = files_containing(needle, since, SCANNED_DIRS + [tmp_path])
    assert leaked == [], f"the canary was written to {leaked}"


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&")


def _token_on(page: bytes) -> str:
    for action, fields in post_forms(page.decode()):
        if action == "/workspace/forget":
            return fields["csrf_token"]
    raise AssertionError("the workspace offers Forget it now")


def process_memory(pid: int) -> bytes:
    """Every readable mapping of a process (root reads /proc/<pid>/mem)."""
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as memory:
        for line in maps:
            span, perms = line.split()[:2]
            if "r" not in perms or line.rstrip().endswith(("[vvar]", "[vsyscall]")):
                continue
            start, end = (int(value, 16) for value in span.split("-"))
            try:
                memory.seek(start)
                chunks.append(memory.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return b"".join(chunks)


def _trickle_upload_and_watch(server: Server, data: bytes) -> list[str]:
    """Send a 700 KB file part slowly; look at every worker's open files while it arrives."""
    boundary, body = encode_multipart(MultiDict([("notice", _file(data, "remit.835"))]))
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    held: list[str] = []
    try:
        connection.putrequest("POST", "/api/v1/explain")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        step = len(body) // 8
        for start in range(0, len(body), step):
            connection.send(body[start : start + step])
            time.sleep(0.15)  # the worker is now inside the multipart parser, mid-file
            # The buffering front (web/front.py) holds the body while it arrives: watch it too.
            watched = [*server.worker_pids(), server.front_pid() or 0]
            held += open_temp_files(watched, (server.stdout, server.stderr))
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200
    finally:
        connection.close()
    return held


# --- the workspace's vault, in the app's process ---------------------------------------------


@pytest.fixture
def vault_app() -> Iterator[Flask]:
    """The app with the vault process (as served) and a clock the test moves."""
    clock = [1_000_000.0]
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATE_LIMIT_PER_MINUTE": 0,
            "WORKSPACE_VAULT": "shared",
            "WORKSPACE_CLOCK": lambda: clock[0],
        }
    )
    app.config["TEST_CLOCK"] = clock
    yield app
    process = app.extensions[VAULT_KEY + "_process"]
    process.terminate()
    process.wait(timeout=10)


def _open_workspace(app: Flask, canary: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    line = medicare_line(Decimal("150.00"), Decimal("100.00"))
    claims = (ClaimSpec(number="C1", lines=(line,), patient=(canary, "JANE"), provider=canary),)
    data = build_835(Payment(claims=claims, payer=f"{canary} PAYER", payee=canary))
    boundary, body = encode_multipart(MultiDict([("notice_files", _file(data, f"{canary}.835"))]))
    response = client.post(
        "/explain", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 303
    assert canary not in response.headers["Location"]
    page = client.get("/workspace").get_data(as_text=True)
    assert canary in page  # it was read: the checks below are not vacuous
    return client, page


def test_the_vault_holds_ciphertext_only(vault_app: Flask) -> None:
    canary = f"CANARY-{uuid.uuid4().hex}"
    client, page = _open_workspace(vault_app, canary)
    held = vault_app.extensions[VAULT_KEY].blobs()
    assert len(held) == 2  # the index and the claims, sealed apart
    for blob in held:
        for form in (canary, canary.lower(), canary.upper()):
            assert form.encode() not in blob
        # Ciphertext does not compress; a pickled (even zlib'd) workspace would.
        assert len(zlib.compress(blob, 9)) > 0.99 * len(blob)
    # The key is in the cookie only: not in the page, not in any link.
    key = client.get_cookie("workspace")
    assert key is not None and key.value.split(".")[1] not in page
    for link in re.findall(r'(?:href|action)="([^"]+)"', page):
        assert canary not in link and key.value not in link


def test_nothing_is_left_after_forget_it_now(vault_app: Flask) -> None:
    client, _ = _open_workspace(vault_app, f"CANARY-{uuid.uuid4().hex}")
    assert client.post("/workspace/forget").status_code == 200
    assert vault_app.extensions[VAULT_KEY].blobs() == []


def test_nothing_is_left_after_30_minutes(vault_app: Flask) -> None:
    client, _ = _open_workspace(vault_app, f"CANARY-{uuid.uuid4().hex}")
    vault_app.config["TEST_CLOCK"][0] += HOLD_SECONDS
    assert client.get("/workspace").status_code == 410
    assert vault_app.extensions[VAULT_KEY].blobs() == []
