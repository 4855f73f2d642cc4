"""``python -m dontguess`` runs the CLI."""

import sys

from dontguess.cli import main

sys.exit(main())
