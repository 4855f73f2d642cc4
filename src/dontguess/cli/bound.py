"""``dontguess bound``: evaluate the paper's bounds (one sub-command per theorem)."""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable

__all__ = ["register"]

_EPILOG = """\
examples:
  dontguess bound theorem2 --sr 0.2 --n 1000000 --min-errors 364
      birthdays: 20% singletons, 364 wrong dates, 1e6 examples, printed 99% form
  dontguess bound theorem2 --sr 0.2 --n 1000000 --min-errors 364 --gamma 0.05 --format json
  dontguess bound theorem2-upper --sr 0.2 --n 1000000 --max-errors 364
  dontguess bound theorem1 --err-iiv 0.3 --max-valid 2 --min-errors 20 --delta 0.05
  dontguess bound theorem3 --opt-g 0.25 --choices 2
  dontguess bound corollary3 --n 10000 --gamma 0.01
  dontguess bound lemma1 --n 10000 --gamma 0.01
"""

Terms = dict[str, float | int | None]


def _theorem1(a: argparse.Namespace) -> Terms:
    from dontguess.theory import theorem1_lower_bound

    bound = theorem1_lower_bound(
        a.err_iiv, max_valid=a.max_valid, min_errors=a.min_errors, delta=a.delta
    )
    return {
        "bound": bound,
        "twice_err_iiv": 2 * a.err_iiv,
        "valid_error_ratio": a.max_valid / a.min_errors,
        "delta": a.delta,
    }


def _theorem2(a: argparse.Namespace) -> Terms:
    from dontguess.theory import theorem2_lower_bound, theorem2_slack

    bound = theorem2_lower_bound(a.sr, n=a.n, min_errors=a.min_errors, delta=a.delta, gamma=a.gamma)
    return {
        "bound": bound,
        "sr": a.sr,
        "errors_term": 2 / a.min_errors,
        "slack": theorem2_slack(a.n, gamma=a.gamma),
        "delta": a.delta,
        "confidence": 0.99 if a.gamma is None else 1 - a.gamma,
        "n": a.n,
    }


def _theorem2_upper(a: argparse.Namespace) -> Terms:
    from dontguess.theory import theorem2_upper_bound, theorem2_upper_slack

    bound = theorem2_upper_bound(a.sr, n=a.n, max_errors=a.max_errors, gamma=a.gamma)
    return {
        "bound": bound,
        "sr": a.sr,
        "sr_over_choices": a.sr / (a.max_errors + 1),
        "slack": theorem2_upper_slack(a.n, gamma=a.gamma),
        "confidence": 0.99 if a.gamma is None else 1 - a.gamma,
        "n": a.n,
    }


def _theorem3(a: argparse.Namespace) -> Terms:
    from dontguess.theory import theorem3_lower_bound

    bound = theorem3_lower_bound(a.opt_g, choices=a.choices)
    return {"bound": bound, "factor": 2 * (1 - 1 / a.choices), "opt_g": a.opt_g}


def _corollary3(a: argparse.Namespace) -> Terms:
    from dontguess.theory import corollary3_width

    width = corollary3_width(a.n, a.gamma)
    return {
        "bound": width,
        "one_over_n": 1 / a.n,
        "deviation": width - 1 / a.n,
        "confidence": 1 - a.gamma,
    }


def _lemma1(a: argparse.Namespace) -> Terms:
    from dontguess.theory import lemma1_width

    return {
        "bound": lemma1_width(a.n, a.gamma),
        "confidence": 1 - a.gamma,
        "log_term": math.log(5 / a.gamma) if 0 < a.gamma < 1 else None,
    }


_COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], Terms], list[str]]] = {
    "theorem1": (
        "Theorem 1: err >= 2 err_iiv - max|V_c|/min|E_c| - delta",
        _theorem1,
        ["err-iiv", "max-valid", "min-errors", "delta"],
    ),
    "theorem2": (
        "Theorem 2: err >= sr - 2/min|E_c| - (35 + 6 ln N)/sqrt(N) - delta "
        "(with --gamma: 6 ln(3N/gamma)/sqrt(N))",
        _theorem2,
        ["sr", "n", "min-errors", "delta", "gamma"],
    ),
    "theorem2-upper": (
        "calibrated learner: err <= sr - sr/(max|E_c|+1) + 13/sqrt(N) "
        "(with --gamma: 5 sqrt(ln(5/gamma)/N))",
        _theorem2_upper,
        ["sr", "n", "max-errors", "gamma"],
    ),
    "theorem3": (
        "Theorem 3 (pure multiple choice): err >= 2 (1 - 1/C) opt(G)",
        _theorem3,
        ["opt-g", "choices"],
    ),
    "corollary3": (
        "Corollary 3: |M - GT| <= 1/N + 2.42 sqrt(ln(4/gamma)/N)",
        _corollary3,
        ["n", "gamma!"],
    ),
    "lemma1": ("Lemma 1: |MM - sr| <= 4.42 sqrt(ln(5/gamma)/N)", _lemma1, ["n", "gamma!"]),
}


def _count(text: str) -> int:
    """An integer that may be written 1e6 or 1_000_000."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not value.is_integer():
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
    return int(value)


_ARGS: dict[str, tuple[Callable[[str], float | int], str]] = {
    "err-iiv": (float, "IIV misclassification rate err_iiv in [0, 1]"),
    "max-valid": (_count, "max_c |V_c|, most valid responses of any prompt"),
    "min-errors": (_count, "min_c |E_c|, fewest wrong responses of any prompt (birthdays: 364)"),
    "max-errors": (_count, "max_c |E_c|, most wrong responses of any prompt"),
    "delta": (float, "calibration gap delta in [0, 1] (default 0)"),
    "sr": (float, "singleton rate |S|/N in [0, 1]"),
    "n": (_count, "number of training examples N (IDK examples included)"),
    "gamma": (float, "failure probability in (0, 1); omit for the printed 99%% form"),
    "opt-g": (float, "opt(G), best error of a thresholded classifier, in [0, 1]"),
    "choices": (_count, "number of answer choices C >= 2"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``bound`` and its per-theorem sub-commands."""
    parser = subparsers.add_parser(
        "bound",
        help="evaluate the paper's bounds (Theorems 1-3, Lemma 1, Corollary 3)",
        description="Evaluate a bound of Kalai et al. (2025) and print it with each term.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inner = parser.add_subparsers(dest="theorem", metavar="THEOREM", required=True)
    for name, (summary, _, args) in _COMMANDS.items():
        sub = inner.add_parser(
            name,
            help=summary,
            description=summary,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for arg in args:
            required = arg.endswith("!") or arg not in ("delta", "gamma")
            key = arg.rstrip("!")
            kind, text = _ARGS[key]
            default = 0.0 if key == "delta" else None
            sub.add_argument(f"--{key}", type=kind, required=required, default=default, help=text)
        sub.add_argument(
            "--format",
            choices=("table", "json"),
            default="table",
            help="output format (default: table)",
        )
        sub.set_defaults(func=_handle)


def _handle(args: argparse.Namespace) -> int:
    _, compute, _ = _COMMANDS[args.theorem]
    terms = compute(args)
    if args.format == "json":
        print(json.dumps({"theorem": args.theorem, **terms}, indent=2))
        return 0
    print(_COMMANDS[args.theorem][0])
    for key, value in terms.items():
        shown = "-" if value is None else (f"{value:.6g}" if isinstance(value, float) else value)
        print(f"  {key:<18} {shown}")
    bound = terms["bound"]
    if args.theorem in ("theorem1", "theorem2", "theorem3") and isinstance(bound, float):
        if bound <= 0:
            print("  (the lower bound is vacuous: <= 0)")
    return 0
