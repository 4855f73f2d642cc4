"""Command-line interface: parses arguments, calls the library, prints, exits.

Each sub-command lives in its own module here exposing ``register(subparsers)``, which adds
a parser and sets ``func`` (a callable taking the parsed ``argparse.Namespace`` and returning
an exit code). Modules are discovered by name, so adding a command touches no other file.
Command modules import heavy libraries inside their handler, never at module level, to keep
``dontguess --help`` and ``dontguess run`` start-up light.

Exit codes: 0 success, 1 the work ran but reported failures (e.g. requests that errored),
2 bad input or usage (one-line message on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from dontguess import __version__
from dontguess.errors import DontGuessError

__all__ = ["build_parser", "main"]

_DESCRIPTION = """\
dontguess: evaluate language models with confidence targets, the fix for hallucination
proposed in "Why Language Models Hallucinate" (Kalai et al. 2025).

Under binary grading (1 right, 0 wrong or "I don't know") guessing always pays. With an
explicit confidence target t, a correct answer earns +1, a wrong one costs t/(1-t) and
"I don't know" earns 0, so a model should answer only when it is more than t confident.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every discovered sub-command.

    Args:
        command: the sub-command about to run, if known: only the module of that name is
            imported and registered (start-up of ``dontguess score`` does not load the
            grading rules, backends or lab); any other value, or None, registers them all.
    """
    parser = argparse.ArgumentParser(
        prog="dontguess",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dontguess {__version__}")
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    wanted = (command or "").replace("-", "_")
    if wanted in names:
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        importlib.import_module(f"{__name__}.{wanted}").register(sub)
        if command in sub.choices:
            return parser
        return build_parser()  # the module registers other names: build them all
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in names:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dontguess`` console script."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # the top-level parser has no option taking a value: the first word is the command
    parser = build_parser(next((a for a in argv if not a.startswith("-")), None))
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except DontGuessError as exc:
        print(f"dontguess {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"dontguess {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
