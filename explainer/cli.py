"""The command line: bill-explainer explain | serve | codes | check-content."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from importlib import metadata
from pathlib import Path

from .content import library
from .errors import ContentError, ExplainerError
from .explain import explain_uploads
from .limits import LOCAL
from .model import Answers, Coverage, Explanation
from .present.json_stream import write_json
from .present.text import render_text
from .read.upload import Role, Upload
from .values import parse_date

USER_COVERAGES = (
    "original_medicare",
    "medicare_advantage",
    "commercial",
    "medicaid",
    "medicare_part_d",
)


def _read_file(path: str, role: Role) -> Upload:
    """A file's bytes; '-' reads standard input. Only read, never copied anywhere."""
    if path == "-":
        return Upload(sys.stdin.buffer.read(), "stdin", role)
    try:
        return Upload(Path(path).read_bytes(), Path(path).name, role)
    except FileNotFoundError:
        raise ExplainerError(f"There is no file called “{path}”.", source=path) from None
    except IsADirectoryError:
        raise ExplainerError(f"“{path}” is a folder, not a file.", source=path) from None
    except PermissionError:
        raise ExplainerError(f"We are not allowed to read “{path}”.", source=path) from None


def _date_arg(text: str) -> date:
    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date we can read (try 2025-04-15)")
    return day


def _explanation(args: argparse.Namespace) -> Explanation:
    """Read the files named on the command line and explain them."""
    uploads = [_read_file(path, Role.NOTICE) for path in args.notice]
    uploads += [_read_file(path, Role.BILL) for path in args.bill]
    uploads += [_read_file(path, Role.AUTO) for path in args.files]
    if not uploads:
        raise ExplainerError("Give at least one file: --notice FILE, --bill FILE, or FILE.")
    answers = Answers(
        qmb=args.qmb,
        medicaid=args.medicaid,
        coverage=Coverage(args.coverage) if args.coverage else None,
        notice_received=args.received,
        lang=args.lang,
    )
    return explain_uploads(uploads, answers, LOCAL)  # the user's own files: no claim cap


def _explain(args: argparse.Namespace) -> int:
    explanation = _explanation(args)
    if args.json:
        write_json(explanation, sys.stdout)  # streamed for a batch of 50,000 claims
    else:
        sys.stdout.write(render_text(explanation, library()))
    return 0


def _letter(args: argparse.Namespace) -> int:
    """Write the letters the findings call for: text to the terminal, or PDFs with -o."""
    from dataclasses import replace

    from .explain import explain
    from .letters import with_reading_copies

    shown = _explanation(args)
    english = (
        shown if args.lang == "en" else explain(shown.documents, replace(shown.answers, lang="en"))
    )
    letters = with_reading_copies(english, shown, library())
    if not letters:
        print("No letter is needed: we found nothing to dispute or appeal.", file=sys.stderr)
        return 1
    # Letters are written in English to send; with --lang es a copy in Spanish follows, to read.
    words = library().messages
    heading, note = (words[key][args.lang] for key in ("letter_copy_heading", "letter_copy_note"))
    if args.output is None:
        sys.stdout.write(
            "\n\n".join(
                letter.as_text()
                + (f"\n\n==== {heading} ====\n{note}\n\n{copy.as_text()}" if copy else "")
                for letter, copy in letters
            )
        )
        return 0
    from .present.letter_pdf import letter_pdf

    output = Path(args.output)
    for number, (letter, copy) in enumerate(letters, start=1):
        path = output if number == 1 else output.with_name(f"{output.stem}-{number}{output.suffix}")
        path.write_bytes(letter_pdf(letter, (heading, note, copy.as_text()) if copy else None))
        print(f"wrote {path}: {letter.title}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Run the web app under gunicorn (the engine itself never imports the web framework).

    -P keeps the current directory off sys.path, so the installed app is served even when
    the command is started next to some other app.py (web/serving.py says more).
    """
    command = [sys.executable, "-P", "-m", "web.serving", "--bind", f"{args.host}:{args.port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return


def _codes(args: argparse.Namespace) -> int:
    from .codes import lookup
    from .codes_cli import print_codes

    return print_codes(library(), args.codes, args.lang, args.json, lookup)


def _check_content(args: argparse.Namespace) -> int:
    from .content_check import run_check

    return run_check(verbose=args.verbose)


def _paper_arguments(parser: argparse.ArgumentParser) -> None:
    """The papers and answers that `explain` and `letter` share."""
    parser.add_argument(
        "--notice",
        action="append",
        default=[],
        metavar="FILE",
        help="a Medicare Summary Notice, EOB, 835 or typed notice lines (repeatable)",
    )
    parser.add_argument(
        "--bill",
        action="append",
        default=[],
        metavar="FILE",
        help="a provider's bill or statement (repeatable)",
    )
    parser.add_argument(
        "--qmb", action="store_true", help="the patient is a Qualified Medicare Beneficiary (QMB)"
    )
    parser.add_argument(
        "--medicaid",
        action="store_true",
        help="the patient has full Medicaid (not QMB: protection depends on the state)",
    )
    parser.add_argument("--coverage", choices=USER_COVERAGES, help="the patient's coverage")
    parser.add_argument(
        "--received",
        type=_date_arg,
        metavar="DATE",
        help="the day the notice arrived (for the appeal deadline)",
    )
    parser.add_argument("--lang", choices=("en", "es"), default="en")
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="more papers; their kind is sniffed"
    )


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, as pip installed it)."""
    try:
        return metadata.version("bill-explainer")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from an uninstalled tree
        return "unknown (not installed)"


SERVE_HELP = """\
Serve the web app with gunicorn on HOST:PORT (default 127.0.0.1:5000). Settings ship in the
package (web/gunicorn_conf.py); nothing uploaded is written to disk or logged.

Behind a reverse proxy (the way to run it for other people):
  - Keep --host 127.0.0.1 and let the proxy (nginx, Caddy, Apache) terminate HTTPS and pass
    requests to http://127.0.0.1:PORT with X-Forwarded-Proto set; those headers are trusted
    from 127.0.0.1 only (FORWARDED_ALLOW_IPS widens that), and the per-address budget then
    charges the last X-Forwarded-For address.
  - HOST:PORT is a small buffering front (web/front.py) that reads each whole request in
    memory before a gunicorn worker (on a private unix socket) sees it, so slow clients
    cannot hold the workers; per address, 30 POSTs, 100 MB and 30 CPU seconds a minute
    (BILL_EXPLAINER_RATE_LIMIT, _BYTES_BUDGET, _CPU_BUDGET; web/ratelimit.py).
  - Set BILL_EXPLAINER_SECURE_COOKIES=1 once the site is HTTPS-only, so the session cookie
    (language choice, form token) is never sent over plain HTTP.
  - Set BILL_EXPLAINER_SECRET_KEY to a long random value to keep forms valid across restarts
    (by default each start makes a new key, shared by its workers).
  - --workers N: each worker reads one upload at a time and may hold up to 20 MB of it in
    memory; the default is 2 x cores + 1, at most 4. Let the proxy accept bodies of 20 MB.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="bill-explainer",
        description="Explain US medical bills and notices in plain words, and check the bill.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    explain = commands.add_parser("explain", help="explain notices and bills")
    _paper_arguments(explain)
    explain.add_argument("--json", action="store_true", help="print the JSON contract")
    explain.set_defaults(run=_explain)

    letter = commands.add_parser("letter", help="write the dispute or appeal letters")
    _paper_arguments(letter)
    letter.add_argument("-o", "--output", metavar="FILE.pdf", help="write PDF(s), not text")
    letter.set_defaults(run=_letter)

    serve = commands.add_parser(
        "serve",
        help="run the web app under gunicorn",
        description=SERVE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--workers",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: 2 x cores + 1, at most 4; each holds whole uploads)",
    )
    serve.set_defaults(run=_serve)

    codes = commands.add_parser("codes", help="print the code library, or the codes asked")
    codes.add_argument("codes", nargs="*", metavar="CODE")
    codes.add_argument("--lang", choices=("en", "es"), default="en")
    codes.add_argument("--json", action="store_true")
    codes.set_defaults(run=_codes)

    check = commands.add_parser("check-content", help="validate content/ and report readability")
    check.add_argument("--verbose", action="store_true")
    check.set_defaults(run=_check_content)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bill-explainer` command."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except ContentError as error:
        print(f"bill-explainer: {error.message}", file=sys.stderr)
        return 3
    except ExplainerError as error:
        print(f"bill-explainer: {error.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
