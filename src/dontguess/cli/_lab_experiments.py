"""``dontguess lab incentives`` and ``dontguess lab poor-models`` (registered by cli.lab)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_experiments"]

_INCENTIVES = """\
Post-train copies of a pretrained lab model to maximise the expected reward on the world's
questions under binary grading (1 right, 0 wrong, 0 IDK) and under confidence targets t
(+1, -t/(1-t), 0: dontguess.scoring's rule), with a KL penalty to the pretrained model.
Answers are one token, so the expected reward and its gradient are exact from one forward
pass. Half of the people are held out of post-training; every figure is measured on them,
exactly under mu. Writes OUT/incentives.json = {"rows": [...]} and prints the table and
what was observed against the paper's prediction (binary reward drives IDK towards 0; a
confidence target keeps IDK where the model is unsure and keeps memorised facts right).
Observed on the demo model (docs/lab.md section 8): binary reward lowered IDK on never-
stated facts; confidence targets raised it, but also cost the held-out people's memorised
facts (at t = 0.5 and 0.75 they stayed right only on the people post-trained on).
About 2 minutes of CPU time on the demo model."""

_POOR = """\
Theorem 3 (poor models): a trigram model and a small GPT-2 trained on "She/He lost it and
was completely out of her/his mind": the trigram's err (1/2) beside 2(1 - 1/C)*opt(G)
computed from its thresholded classifiers, the GPT-2's near 0; and a letter-counting probe
where a word-level GPT-2 fails on held-out words and a character-level one does not.
Writes OUT/poor_models.json."""


def add_experiments(sub: Any, formatter: type[argparse.HelpFormatter]) -> None:
    """Add ``incentives`` and ``poor-models`` to the ``lab`` sub-parsers."""
    inc = sub.add_parser(
        "incentives",
        help="post-training under binary vs confidence-target reward (Observation 1)",
        description=_INCENTIVES,
        formatter_class=formatter,
    )
    inc.add_argument("--out", required=True, help="folder for incentives.json")
    inc.add_argument(
        "--model",
        metavar="DIR",
        help="pretrained lab model (demo-out/model or lab train's folder); default: train "
        "the cpu preset on the demo world first (minutes) and save it as OUT/base-model",
    )
    inc.add_argument(
        "--rewards",
        default="binary,t=0.5,t=0.75,t=0.9",
        help="comma-separated reward rules (default %(default)s)",
    )
    inc.add_argument("--steps", type=int, default=None, help="Adam steps per rule (default 80)")
    inc.add_argument("--lr", type=float, default=None, help="Adam learning rate (1e-4)")
    inc.add_argument("--kl", type=float, default=None, help="KL weight beta (0.2)")
    inc.add_argument("--batch-size", type=int, default=None, help="questions per step (256)")
    inc.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    inc.add_argument("--device", default="cpu", help="torch device (default cpu)")
    inc.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: every core, 1 when the cores are already busy)",
    )
    inc.set_defaults(func=_incentives)
    poor = sub.add_parser(
        "poor-models",
        help="Theorem 3: trigram vs GPT-2, and letter counting by tokenizer",
        description=_POOR,
        formatter_class=formatter,
    )
    poor.add_argument("--out", required=True, help="folder for poor_models.json")
    poor.add_argument("--sentences", type=int, default=400, help="corpus sentences (400)")
    poor.add_argument("--letter-epochs", type=int, default=None, help="letter models' epochs")
    poor.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    poor.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    poor.set_defaults(func=_poor_models)
    gpu = sub.add_parser(
        "gpu",
        help="the sized GPU run: transformer sweep at N=200,000 plus incentives",
        description=_GPU,
        formatter_class=formatter,
    )
    gpu.add_argument("--out", required=True, help="folder for gpu_lab.json")
    gpu.add_argument(
        "--size",
        choices=["8m", "26m"],
        default="8m",
        help="model: 8m (preset gpu, sized to fit 10 min) or 26m (preset gpu26m, projected "
        "over 10 min; see docs/lab.md)",
    )
    gpu.add_argument("--device", default="cuda", help="torch device (default cuda)")
    gpu.add_argument(
        "--smoke",
        action="store_true",
        help="the same code end to end on CPU at a tiny size (seconds; what the tests run)",
    )
    gpu.set_defaults(func=_gpu)


_GPU = """\
The run scripts/gpu_lab.sh makes on one H100/H200: five worlds at N = 200,000 with
singleton rates aimed at 0.1..0.5, a GPT-2 trained 200 epochs on each (a fact stated once
is seen 200 times; bf16 autocast, torch.compile), each measured exactly under mu against
Theorem 2's 99% floor (positive at this N when sr - delta > ~0.29), then the incentives
experiment on the last model. Prints tokens/s and MFU; writes OUT/gpu_lab.json after each
point. Not yet run on a GPU: none was lent while it was written."""


def _gpu(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.lab.gpu_run import GpuRunConfig, run_gpu_lab, smoke_config
    from dontguess.lab.incentives import IncentiveConfig

    if args.smoke:
        config = smoke_config()
    else:
        config = GpuRunConfig(
            preset="gpu" if args.size == "8m" else "gpu26m",
            device=args.device,
            incentives=IncentiveConfig(device=args.device),
        )
    if args.device != "cuda" and not args.smoke:
        config = replace(config, device=args.device)
    result = run_gpu_lab(
        config, Path(args.out), progress=lambda m: print(m, file=sys.stderr, flush=True)
    )
    print(f"wrote {Path(args.out) / 'gpu_lab.json'} ({result['seconds']:.0f}s)")
    return 0


def _base_model(args: argparse.Namespace, say: Any) -> tuple[Any, Any]:
    from dataclasses import replace

    from dontguess.lab.demo import DEMO_WORLD
    from dontguess.lab.gpt import PRESETS, load_checkpoint, save_checkpoint, train
    from dontguess.lab.items import checkpoint_world
    from dontguess.lab.world import make_world

    if args.model:
        return load_checkpoint(args.model), make_world(checkpoint_world(args.model))
    world = make_world(DEMO_WORLD)
    say("training the base model (cpu preset, demo world); pass --model DIR to reuse one")
    trained = train(world, replace(PRESETS["cpu"], seed=DEMO_WORLD.seed), progress=say,
                    threads=args.threads)  # fmt: skip
    trained.model.to("cpu")
    save_checkpoint(trained, Path(args.out) / "base-model", world)
    return trained, world


def _incentives(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.errors import InputError
    from dontguess.lab.incentives import (
        IncentiveConfig,
        observations,
        run_incentives,
        table_lines,
    )

    given = {"steps": args.steps, "lr": args.lr, "kl": args.kl, "batch_size": args.batch_size}
    config = replace(
        IncentiveConfig(),
        rewards=tuple(r.strip() for r in args.rewards.split(",") if r.strip()),
        seed=args.seed,
        device=args.device,
        **{k: v for k, v in given.items() if v is not None},
    )
    if args.threads is not None and args.threads < 1:
        raise InputError(f"--threads must be >= 1, got {args.threads}")

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    import torch

    from dontguess.lab.gpt import default_threads

    torch.set_num_threads(args.threads or default_threads())
    base, world = _base_model(args, say)
    result = run_incentives(base, world, config, progress=say)
    result["observed"] = observations(result["rows"])
    result["world"] = world.config.to_dict()
    out = Path(args.out) / "incentives.json"
    write_text(out, json.dumps(result, indent=2) + "\n")
    print("\n".join(table_lines(result["rows"])))
    print("\n".join("- " + line for line in result["observed"]))
    print(f"wrote {out} ({result['seconds']:.0f}s)")
    return 0


def _poor_models(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from dontguess.lab.letters import LetterConfig
    from dontguess.lab.poor_models import poor_model_lines, run_poor_models

    letters = LetterConfig(seed=args.seed)
    if args.letter_epochs is not None:
        letters = replace(letters, epochs=args.letter_epochs)
    result = run_poor_models(
        sentences=args.sentences, letters=letters, seed=args.seed, threads=args.threads
    )
    out = Path(args.out) / "poor_models.json"
    write_text(out, json.dumps(result, indent=2) + "\n")
    print("\n".join("- " + line for line in poor_model_lines(result)))
    print(f"wrote {out}")
    return 0


def write_text(path: Path, text: str) -> None:
    """Write atomically: a temp file, then os.replace (creating the folder if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
