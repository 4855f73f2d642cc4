"""Sweep the singleton rate: err of each model against Theorem 2's floor and ceiling.

Each grid point is a world whose Zipf exponent is tuned (:func:`tune_exponent`) so its
expected singleton rate hits the target, with ``people = people_ratio · N``. The
calibrated learner is measured at every point (exact, instant); a transformer is trained
at a point only when ``train_preset`` is given (the fuller sweep).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dontguess.lab.calibrated import calibrated_p_hat
from dontguess.lab.measure import calibrated_upper_bound, measure
from dontguess.lab.world import World, WorldConfig, make_world, tune_exponent

__all__ = ["SWEEP_TARGETS", "SweepConfig", "point_row", "run_sweep", "sweep_world"]

#: Default grid of target singleton rates.
SWEEP_TARGETS: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class SweepConfig:
    """A sweep over singleton rates.

    Attributes:
        targets: target singleton rates.
        n_train: N at every point.
        people_ratio: population size as a multiple of N (2.0 reaches sr ≈ 0.65 at α=0.8).
        answer_prob: α.
        n_test: test prompts per point.
        seed: world seed (point k uses seed + k).
        train_preset: a :data:`~dontguess.lab.gpt.PRESETS` name to also train a GPT-2
            at every point, or ``None`` for the calibrated learner only.
        device: torch device overriding the preset's (e.g. ``cuda``).
    """

    targets: Sequence[float] = SWEEP_TARGETS
    n_train: int = 20_000
    people_ratio: float = 2.0
    answer_prob: float = 0.8
    n_test: int = 4000
    seed: int = 0
    train_preset: str | None = None
    device: str | None = None


def point_row(model: str, world: World, p_hat: Any, target: float | None) -> dict[str, Any]:
    """One plotted point: the model's exact err (under μ) beside sr and the Theorem 2 terms.

    Only the calibrated learner's row carries ``theorem2_upper_bound``: the bound is about
    that learner, not about a trained model.
    """
    m = measure(world, p_hat)
    row = {
        "model": model,
        "target_sr": target,
        "zipf_exponent": world.config.zipf_exponent,
        "n_train": world.config.n_train,
        "people": world.config.people,
        "singleton_rate": world.singleton_rate,
        "missing_mass": world.missing_mass,
        "err": m.err,
        "delta": m.delta,
        "theorem2_bound": m.theorem2_bound,
        "theorem2_leading_term": m.theorem2_leading_term,
    }
    if model == "calibrated":
        row["theorem2_upper_bound"] = calibrated_upper_bound(world)
    return row


def sweep_world(
    target: float,
    people_ratio: float,
    n_train: int,
    n_test: int,
    *,
    seed: int,
    answer_prob: float = 0.8,
) -> tuple[World, float]:
    """The world of one sweep point: ``people_ratio · n_train`` people and the Zipf exponent
    tuned so that its singleton rate is about ``target``; returns the world and the exponent."""
    people = max(1, int(people_ratio * n_train))
    s = tune_exponent(target, people=people, n_train=n_train, answer_prob=answer_prob)
    config = WorldConfig(
        people=people, n_train=n_train, n_test=n_test, zipf_exponent=s,
        answer_prob=answer_prob, seed=seed,
    )  # fmt: skip
    return make_world(config), s


def run_sweep(
    config: SweepConfig,
    *,
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> list[dict[str, Any]]:
    """Measure the calibrated learner (and optionally a GPT-2) at each target singleton rate."""
    rows = []
    for k, target in enumerate(config.targets):
        world, s = sweep_world(
            target, config.people_ratio, config.n_train, config.n_test,
            seed=config.seed + k, answer_prob=config.answer_prob,
        )  # fmt: skip
        rows.append(point_row("calibrated", world, calibrated_p_hat(world), target))
        if config.train_preset is not None:
            from dontguess.lab.answer_probs import candidate_p_hat
            from dontguess.lab.gpt import PRESETS, train

            preset = replace(PRESETS[config.train_preset], seed=config.seed + k)
            if config.device:
                preset = replace(preset, device=config.device)
            trained = train(world, preset, threads=threads)
            rows.append(point_row("transformer", world, candidate_p_hat(trained, world), target))
        if progress:
            got = ", ".join(
                f"{r['model']} err {r['err']:.3f}" for r in rows[-2:] if r["target_sr"] == target
            )
            progress(f"sweep sr≈{target:.2f}: sr {world.singleton_rate:.3f} (zipf {s:.2f}); {got}")
    return rows
