"""``dontguess lab``: the synthetic-facts laboratory, piece by piece.

Sub-commands: ``world`` (statistics of a world), ``train`` (train and save a GPT-2),
``items`` (the test prompts as a question file for ``dontguess run``), ``sweep``
(err vs singleton rate, plotted against Theorem 2), ``incentives`` (post-training under
binary vs confidence-target reward), ``poor-models`` (Theorem 3: trigram vs GPT-2, and
letter counting), ``gpu`` (the sized GPU run of scripts/gpu_lab.sh).
``world``, ``train`` and ``items`` default to the demo's world (the one ``dontguess demo``
trains on); ``items --model DIR`` takes the world from a trained model's ``lab.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["LabHelpFormatter", "register"]

_EPILOG = """\
examples:
  dontguess lab world                                        # the demo's world
  dontguess lab world --people 2000 --n-train 4000 --zipf 0.8
  dontguess lab train --out lab-model --preset cpu           # GPT-2 checkpoint + lab.json
  dontguess lab items --model lab-model --out lab-items.jsonl   # that model's test prompts
  dontguess run --model hf:lab-model --dataset lab-items.jsonl --rubric closed \\
      --max-tokens 3 --out runs/lab
  dontguess lab sweep --out sweep-out                        # calibrated learner, 7 points
  dontguess lab sweep --out sweep-out --transformer cuda --device cuda   # the fuller sweep
  dontguess lab incentives --model demo-out/model --out incentives-out   # binary vs t
  dontguess lab poor-models --out poor-out                   # trigram, letter counting
  scripts/gpu_lab.sh                                         # one GPU, < 10 min (sized)
"""

#: option dest -> WorldConfig field (the demo world gives every default)
_WORLD_FIELDS = {
    "people": "people",
    "n_train": "n_train",
    "n_test": "n_test",
    "zipf": "zipf_exponent",
    "answer_prob": "answer_prob",
    "seed": "seed",
}
_PRESETS = ["tiny", "cpu", "cuda", "gpu", "gpu26m"]
THREADS_HELP = (
    "torch CPU threads (default: every core, but 1 when the 1-minute load average already "
    "reaches the core count: busy cores make torch's threads wait on each other)"
)


class LabHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Fills ``{demo}`` and ``{presets}`` in option help when help is shown.

    ``{demo}`` becomes the demo world's value of the option, ``{presets}`` the list of
    training presets; both are read from the lab only then, so building the parser
    stays light (no numpy or torch import).
    """

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and "{demo}" in text:
            from dontguess.lab.demo import DEMO_WORLD

            text = text.replace("{demo}", str(getattr(DEMO_WORLD, _WORLD_FIELDS[action.dest])))
        if text and "{presets}" in text:
            from dontguess.lab.gpt import describe_preset

            text = text.replace("{presets}", "; ".join(describe_preset(p) for p in _PRESETS))
        return text


def preset_help(what: str) -> str:
    """Help of a ``--preset``-like option: ``what`` then every preset."""
    return f"{what}: {{presets}}"


def _world_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--people", type=int, help="population size (default {demo})")
    p.add_argument("--n-train", type=int, help="training examples N (default {demo})")
    p.add_argument("--n-test", type=int, help="test prompts (default {demo})")
    p.add_argument("--zipf", type=float, help="Zipf exponent of mu (default {demo})")
    p.add_argument("--answer-prob", type=float, help="alpha (default {demo})")
    p.add_argument("--seed", type=int, help="world (and training) seed (default {demo})")


def _sub(sub: Any, name: str, text: str, *, world: bool = True) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=text,
        description=text
        + (".\nWorld options default to the demo's world (dontguess demo)." if world else "."),
        formatter_class=LabHelpFormatter,
    )
    if world:
        _world_args(parser)
    return parser


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``lab`` and its sub-commands."""
    lab = subparsers.add_parser(
        "lab",
        help="synthetic-facts lab: world, train, items, sweep, incentives, poor-models, gpu",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = lab.add_subparsers(dest="lab_command", metavar="STEP", required=True)
    _sub(sub, "world", "print a world's singleton rate and missing mass").set_defaults(func=_world)
    train = _sub(sub, "train", "train a GPT-2 on a world's corpus and save it")
    train.add_argument("--out", required=True, help="checkpoint folder")
    train.add_argument(
        "--preset", default="cpu", choices=_PRESETS, help=preset_help("model size (default cpu)")
    )
    train.add_argument("--device", default=None, help="torch device (default: preset's)")
    train.add_argument("--threads", type=int, default=None, help=THREADS_HELP)
    train.set_defaults(func=_train)
    items = _sub(sub, "items", "write a world's test prompts as a JSONL question file")
    items.add_argument(
        "--model",
        metavar="DIR",
        help="a lab model folder: use the world of its lab.json (only --n-test may be given "
        "with it)",
    )
    items.add_argument("--out", required=True, help="JSONL file to write")
    items.set_defaults(func=_items)
    _sweep_parser(sub)
    from dontguess.cli._lab_experiments import add_experiments

    add_experiments(sub, LabHelpFormatter)


def _sweep_parser(sub: Any) -> None:
    sweep = _sub(sub, "sweep", "err vs singleton rate against Theorem 2", world=False)
    sweep.add_argument("--out", required=True, help="folder for sweep.json and sweep.svg")
    sweep.add_argument(
        "--singleton-rates",
        metavar="RATES",
        default="0.05,0.1,0.2,0.3,0.4,0.5,0.6",
        help="comma-separated singleton rates to aim each world at (default %(default)s)",
    )
    # the old name of --singleton-rates, kept working but hidden (it clashed with the
    # confidence targets of run and score)
    sweep.add_argument("--targets", dest="old_targets", default=None, help=argparse.SUPPRESS)
    sweep.add_argument("--n-train", type=int, default=20000, help="N per point (20000)")
    sweep.add_argument(
        "--transformer",
        default=None,
        choices=_PRESETS,
        help=preset_help("also train a GPT-2 with this preset at every point"),
    )
    sweep.add_argument("--device", default=None, help="torch device for --transformer")
    sweep.add_argument("--threads", type=int, default=None, help=THREADS_HELP)
    sweep.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    sweep.set_defaults(func=_sweep)


def _config(args: argparse.Namespace, base: Any = None) -> Any:
    """The world of the options: ``base`` (default: the demo world) with each given one."""
    from dataclasses import replace

    from dontguess.lab.demo import DEMO_WORLD

    given = {
        field: getattr(args, dest)
        for dest, field in _WORLD_FIELDS.items()
        if getattr(args, dest) is not None
    }
    return replace(DEMO_WORLD if base is None else base, **given)


def _world(args: argparse.Namespace) -> int:
    from dontguess.lab.world import make_world
    from dontguess.theory import lemma1_width

    config = _config(args)
    w = make_world(config)
    print(
        json.dumps(
            {
                "world": config.to_dict(),
                "singleton_rate": w.singleton_rate,
                "missing_mass": w.missing_mass,
                "unseen_mass": w.unseen_mass,
                "test_unseen_fraction": w.test_unseen_fraction,
                "lemma1_width_gamma_0.01": lemma1_width(config.n_train, 0.01),
            },
            indent=2,
        )
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.errors import InputError
    from dontguess.lab.gpt import PRESETS, save_checkpoint, train
    from dontguess.lab.world import make_world

    if args.threads is not None and args.threads < 1:
        raise InputError(f"--threads must be >= 1, got {args.threads}")
    config = _config(args)
    w = make_world(config)
    preset = replace(PRESETS[args.preset], seed=config.seed)
    if args.device:
        preset = replace(preset, device=args.device)
    trained = train(w, preset, progress=lambda m: print(m, file=sys.stderr), threads=args.threads)
    trained.model.to("cpu")
    print(f"saved {save_checkpoint(trained, args.out, w)} ({trained.stats['seconds']:.0f}s)")
    return 0


def _items(args: argparse.Namespace) -> int:
    from dontguess.cli._lab_experiments import write_text
    from dontguess.errors import InputError
    from dontguess.lab.items import checkpoint_world, item_rows
    from dontguess.lab.world import make_world

    base = None
    if args.model is not None:
        clash = [
            "--" + dest.replace("_", "-")
            for dest in _WORLD_FIELDS
            if dest != "n_test" and getattr(args, dest) is not None
        ]
        if clash:
            raise InputError(
                f"{', '.join(clash)} cannot be combined with --model: the world comes from "
                f"{Path(args.model) / 'lab.json'} (only --n-test may be given)"
            )
        base = checkpoint_world(args.model)
    config = _config(args, base)
    rows = item_rows(make_world(config))
    out = Path(args.out)
    write_text(out, "".join(json.dumps(r) + "\n" for r in rows))
    source = f"the world of {args.model}" if args.model else _world_name(config)
    print(
        f"wrote {len(rows)} items from {source} ({config.people} people, "
        f"N={config.n_train}, seed {config.seed}) to {out}"
    )
    return 0


def _world_name(config: Any) -> str:
    """The name of a world in messages: "the demo's world" (whatever --n-test) or "a world"."""
    from dataclasses import replace

    from dontguess.lab.demo import DEMO_WORLD

    demo = replace(config, n_test=DEMO_WORLD.n_test) == DEMO_WORLD
    return "the demo's world" if demo else "a world"


def _sweep(args: argparse.Namespace) -> int:
    from dontguess.cli._lab_experiments import write_text
    from dontguess.errors import InputError
    from dontguess.lab.measure import MAX_ERRORS, MIN_ERRORS
    from dontguess.lab.report import sweep_figure
    from dontguess.lab.sweep import SweepConfig, run_sweep

    text, option = args.singleton_rates, "--singleton-rates"
    if args.old_targets is not None:
        print("dontguess lab sweep: --targets is now --singleton-rates", file=sys.stderr)
        text, option = args.old_targets, "--targets"
    try:
        rates = tuple(float(x) for x in text.split(","))
    except ValueError as exc:
        raise InputError(f"{option} must be comma-separated numbers, got {text!r}") from exc
    config = SweepConfig(
        targets=rates,
        n_train=args.n_train,
        seed=args.seed,
        train_preset=args.transformer,
        device=args.device,
    )
    rows = run_sweep(config, progress=lambda m: print(m, file=sys.stderr), threads=args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / "sweep.json", json.dumps(rows, indent=2) + "\n")
    write_text(out / "sweep.svg", sweep_figure(rows, MIN_ERRORS, MAX_ERRORS))
    print(f"wrote {out / 'sweep.json'} and {out / 'sweep.svg'}")
    return 0
