"""`python -m explainer` is the same as the `bill-explainer` command."""

from .cli import main

raise SystemExit(main())
