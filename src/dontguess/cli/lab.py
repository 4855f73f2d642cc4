"""``dontguess lab``: the synthetic-facts laboratory, piece by piece.

Sub-commands: ``world`` (statistics of a world), ``train`` (train and save a GPT-2),
``items`` (the test prompts as a question file for ``dontguess run``), ``sweep``
(err vs singleton rate, plotted against Theorem 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

_EPILOG = """\
examples:
  dontguess lab world --people 2000 --n-train 4000 --zipf 0.8
  dontguess lab train --out lab-model --preset cpu           # GPT-2 checkpoint + lab.json
  dontguess lab items --out lab-items.jsonl                  # test prompts for dontguess run
  dontguess run --model hf:lab-model --items lab-items.jsonl ...
  dontguess lab sweep --out sweep-out                        # calibrated learner, 7 points
  dontguess lab sweep --out sweep-out --transformer cuda --device cuda   # the fuller sweep
"""


def _world_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--people", type=int, default=2000, help="population size (default 2000)")
    p.add_argument("--n-train", type=int, default=4000, help="training examples N (4000)")
    p.add_argument("--n-test", type=int, default=2000, help="test prompts (default 2000)")
    p.add_argument("--zipf", type=float, default=0.8, help="Zipf exponent of mu (default 0.8)")
    p.add_argument("--answer-prob", type=float, default=0.8, help="alpha (default 0.8)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``lab`` and its sub-commands."""
    lab = subparsers.add_parser(
        "lab",
        help="synthetic-facts lab: world, train, items, sweep",
        description=__doc__,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = lab.add_subparsers(dest="lab_command", metavar="STEP", required=True)
    world = sub.add_parser("world", help="print a world's singleton rate and missing mass")
    _world_args(world)
    world.set_defaults(func=_world)
    train = sub.add_parser("train", help="train a GPT-2 on a world's corpus and save it")
    _world_args(train)
    train.add_argument("--out", required=True, help="checkpoint folder")
    train.add_argument("--preset", default="cpu", choices=["tiny", "cpu", "cuda"])
    train.add_argument("--device", default=None, help="torch device (default: preset's)")
    train.add_argument("--threads", type=int, default=None, help="torch threads (all cores)")
    train.set_defaults(func=_train)
    items = sub.add_parser("items", help="write the test prompts as a JSONL question file")
    _world_args(items)
    items.add_argument("--out", required=True, help="JSONL file to write")
    items.set_defaults(func=_items)
    sweep = sub.add_parser("sweep", help="err vs singleton rate against Theorem 2")
    sweep.add_argument("--out", required=True, help="folder for sweep.json and sweep.svg")
    sweep.add_argument(
        "--targets",
        default="0.05,0.1,0.2,0.3,0.4,0.5,0.6",
        help="comma-separated target singleton rates",
    )
    sweep.add_argument("--n-train", type=int, default=20000, help="N per point (20000)")
    sweep.add_argument(
        "--transformer",
        default=None,
        choices=["tiny", "cpu", "cuda"],
        help="also train a GPT-2 with this preset at every point",
    )
    sweep.add_argument("--device", default=None, help="torch device for --transformer")
    sweep.add_argument("--threads", type=int, default=None, help="torch threads (all cores)")
    sweep.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    sweep.set_defaults(func=_sweep)


def _config(args: argparse.Namespace) -> Any:
    from dontguess.lab.world import WorldConfig

    return WorldConfig(
        people=args.people,
        n_train=args.n_train,
        n_test=args.n_test,
        zipf_exponent=args.zipf,
        answer_prob=args.answer_prob,
        seed=args.seed,
    )


def _world(args: argparse.Namespace) -> int:
    from dontguess.lab.world import make_world
    from dontguess.theory import lemma1_width

    w = make_world(_config(args))
    print(
        json.dumps(
            {
                "singleton_rate": w.singleton_rate,
                "missing_mass": w.missing_mass,
                "unseen_mass": w.unseen_mass,
                "test_unseen_fraction": w.test_unseen_fraction,
                "lemma1_width_gamma_0.01": lemma1_width(args.n_train, 0.01),
            },
            indent=2,
        )
    )
    return 0


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.lab.gpt import PRESETS, save_checkpoint, train
    from dontguess.lab.world import make_world

    w = make_world(_config(args))
    preset = replace(PRESETS[args.preset], seed=args.seed)
    if args.device:
        preset = replace(preset, device=args.device)
    trained = train(w, preset, progress=lambda m: print(m, file=sys.stderr), threads=args.threads)
    trained.model.to("cpu")
    print(f"saved {save_checkpoint(trained, args.out, w)} ({trained.stats['seconds']:.0f}s)")
    return 0


def _items(args: argparse.Namespace) -> int:
    from dontguess.lab.corpus import prompt_text
    from dontguess.lab.world import FACTS, make_world

    w = make_world(_config(args))
    rows = []
    for i, c in enumerate(w.test_prompts.tolist()):
        fact = FACTS[c % len(FACTS)]
        rows.append(
            {
                "id": f"test-{i}",
                "question": prompt_text(w.names[c // len(FACTS)], fact),
                "answer": w.answer_of(c),
                "fact": fact,
                "mentions": int(w.answer_counts[c]),
            }
        )
    out = Path(args.out)
    _write(out, "".join(json.dumps(r) + "\n" for r in rows))
    print(f"wrote {len(rows)} items to {out}")
    return 0


def _sweep(args: argparse.Namespace) -> int:

    from dontguess.errors import InputError
    from dontguess.lab.measure import MAX_ERRORS, MIN_ERRORS
    from dontguess.lab.report import sweep_figure
    from dontguess.lab.sweep import SweepConfig, run_sweep

    try:
        targets = tuple(float(x) for x in args.targets.split(","))
    except ValueError as exc:
        raise InputError(
            f"--targets must be comma-separated numbers, got {args.targets!r}"
        ) from exc
    config = SweepConfig(
        targets=targets,
        n_train=args.n_train,
        seed=args.seed,
        train_preset=args.transformer,
        device=args.device,
    )
    rows = run_sweep(config, progress=lambda m: print(m, file=sys.stderr), threads=args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "sweep.json", json.dumps(rows, indent=2) + "\n")
    _write(out / "sweep.svg", sweep_figure(rows, MIN_ERRORS, MAX_ERRORS))
    print(f"wrote {out / 'sweep.json'} and {out / 'sweep.svg'}")
    return 0


def _write(path: Path, text: str) -> None:
    """Write atomically: a temp file, then os.replace."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
