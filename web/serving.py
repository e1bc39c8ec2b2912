"""`bill-explainer serve`: the web app under gunicorn, with the settings shipped in this package.

explainer/cli.py runs `python -P -m web.serving --bind HOST:PORT [--workers N]` (the engine
never imports the web framework). A small gunicorn application instead of gunicorn's own
command line, and -P, keep the directory the server is started from off sys.path: gunicorn's
command line puts it first, so an app.py or a web/ folder lying there would be served instead
of the installed program. The settings are web/gunicorn_conf.py, read as a module of the
installed package, never as a file next to a source checkout.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from gunicorn.app.base import BaseApplication

from . import front, gunicorn_conf


def settings() -> dict[str, Any]:
    """The public names in web/gunicorn_conf.py (gunicorn keeps the ones it knows)."""
    return {name: value for name, value in vars(gunicorn_conf).items() if not name.startswith("_")}


class Server(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn serving create_app() with the given settings, and nothing read from the cwd."""

    def __init__(self, options: dict[str, Any]) -> None:
        """Keep the settings; gunicorn's __init__ then calls load_config."""
        self.options = options
        super().__init__(prog="bill-explainer serve")

    def load_config(self) -> None:
        """Apply every setting gunicorn knows (the module's imports are skipped)."""
        for name, value in self.options.items():
            if name in self.cfg.settings:
                self.cfg.set(name, value)

    def load(self) -> Any:
        """The Flask app (built once in the master: the settings preload it)."""
        from app import create_app

        return create_app()


def main(argv: Sequence[str] | None = None) -> int:
    """Serve on --bind with the packaged settings; --workers overrides their worker count."""
    parser = argparse.ArgumentParser(prog="python -m web.serving")
    parser.add_argument("--bind", default="127.0.0.1:5000", metavar="HOST:PORT")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--no-front",
        action="store_true",
        help="bind gunicorn itself to --bind, without the buffering front (web/front.py); "
        "only behind a proxy that buffers whole requests in memory",
    )
    args = parser.parse_args(argv)
    options = settings()
    options["bind"] = [args.bind]
    if args.workers:
        options["workers"] = args.workers
    if not args.no_front:
        # Slow clients wait in the front, not in a sync worker (issue 17).
        front.arrange(options, args.bind)
    Server(options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
