"""Training time of the lab GPT-2 with 32 vs 128 positions (the cost of room for the open rubric).

Trains the ``cpu`` preset on the demo world for --epochs epochs with each n_positions,
alternating the two --repeats times (so machine load hits both alike), and prints the
seconds and tokens/s of every run and the median ratio. Compute follows the actual line
length (about 15 tokens), not n_positions, so the expected cost is only the larger
position table: 96 × 128 more parameters.

    .venv/bin/python bench/lab_positions.py --epochs 2 --repeats 2 --threads 1
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import replace

from dontguess.lab.demo import DEMO_WORLD
from dontguess.lab.gpt import PRESETS, train
from dontguess.lab.world import make_world


def main() -> None:
    """Parse arguments, train, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    world = make_world(DEMO_WORLD)
    seconds: dict[int, list[float]] = {32: [], 128: []}
    for _ in range(args.repeats):
        for n_positions in (32, 128):
            config = replace(PRESETS["cpu"], epochs=args.epochs, n_positions=n_positions)
            stats = train(world, config, threads=args.threads).stats
            seconds[n_positions].append(stats["seconds"])
            print(
                f"n_positions={n_positions}: {stats['seconds']:.1f} s, "
                f"{stats['tokens_per_s']:.0f} tokens/s, {stats['params']:.0f} params",
                flush=True,
            )
    ratio = statistics.median(seconds[128]) / statistics.median(seconds[32])
    print(f"median time 128 / 32 positions: {ratio:.3f}")


if __name__ == "__main__":
    main()
