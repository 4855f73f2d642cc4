"""The main job: world → corpus → train → measure → evaluate → report (``dontguess demo``).

:func:`run_demo` draws the demo world, measures the Appendix B calibrated learner and a
GPT-2 trained on the world's corpus, scores their answer policies at confidence targets,
runs a small singleton-rate sweep with the calibrated learner (plus the transformer's
point), and writes ``summary.json``, ``report.html`` and the checkpoint ``model/``.
Deterministic for a seed (on one machine and thread count).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from dontguess.lab.calibrated import calibrated_p_hat
from dontguess.lab.evaluate import evaluate_policies
from dontguess.lab.incentives import IncentiveConfig
from dontguess.lab.measure import MAX_ERRORS, MIN_ERRORS, calibrated_upper_bound, measure
from dontguess.lab.sweep import SweepConfig, run_sweep
from dontguess.lab.world import World, WorldConfig, make_world
from dontguess.theory import corollary3_width, lemma1_width

__all__ = ["DEMO_WORLD", "DemoConfig", "checks", "plain_summary", "run_demo"]

#: The demo world: sr ≈ 0.23 at N = 3,000, small enough to memorise on 2 CPU cores.
DEMO_WORLD = WorldConfig(people=1500, n_train=3000, n_test=2000, zipf_exponent=0.8)
_GAMMA = 0.01

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoConfig:
    """What the demo runs.

    Attributes:
        world: the world the transformer is trained on.
        preset: :data:`~dontguess.lab.gpt.PRESETS` name (``cpu``; ``cuda`` on a GPU).
        device: overrides the preset's device when set.
        sweep: the singleton-rate sweep (calibrated learner; a GPT-2 too if its
            ``train_preset`` is set: the fuller sweep).
        threads: torch threads (default: :func:`~dontguess.lab.gpt.default_threads`).
        incentives: run the incentives experiment on the trained model (minutes on CPU;
            off by default so the demo fits 3 minutes on 2 cores).
        poor_models: run the Theorem 3 demonstrations (also off by default).
    """

    world: WorldConfig = DEMO_WORLD
    preset: str = "cpu"
    device: str | None = None
    sweep: SweepConfig = field(default_factory=SweepConfig)
    threads: int | None = None
    incentives: IncentiveConfig | None = None
    poor_models: bool = False


#: Figures also estimated on the test sample, kept beside the exact ones (labelled).
SAMPLE_KEYS: tuple[str, ...] = ("err", "err_iiv", "delta", "unseen_share", "unseen_err")


def _model_entry(name: str, world: World, p_hat: Any, seed: int) -> dict[str, Any]:
    """Exact figures under μ (p_hat has a row per prompt of the world), the test-sample
    estimates beside them, and the policies scored on the test prompts."""
    entry = measure(world, p_hat).to_dict()
    test = p_hat[world.test_prompts]
    sample = measure(world, test, world.test_prompts, weights="uniform").to_dict()
    entry["test_sample"] = {k: sample[k] for k in SAMPLE_KEYS}
    entry.update(evaluate_policies(name, world, test, seed=seed))
    return entry


def _train_transformer(
    config: DemoConfig, world: World, out: Path, say: Progress
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    from dontguess.lab.answer_probs import candidate_p_hat
    from dontguess.lab.gpt import PRESETS, default_threads, save_checkpoint, train

    preset = replace(PRESETS[config.preset], seed=config.world.seed)
    if config.device:
        preset = replace(preset, device=config.device)
    threads = config.threads or default_threads()
    say(
        f"training GPT-2 ({config.preset} preset) on {preset.device} with {threads} torch "
        f"thread(s) of {os.cpu_count()} cores"
    )
    trained = train(world, preset, progress=lambda m: say("  " + m), threads=threads)
    trained.model.to("cpu")
    save_checkpoint(trained, out / "model", world)
    stated = world.answer_counts[world.answer_counts > 0]
    stats: dict[str, Any] = dict(trained.stats)
    stats.update(
        {
            "preset": config.preset,
            "threads": float(threads),
            "exposures_per_stated_fact_median": float(
                preset.epochs * float(sorted(stated.tolist())[len(stated) // 2])
            ),
            "exposures_of_a_singleton": float(preset.epochs),
        }
    )
    say(
        f"trained {stats['params']:.0f} params, {preset.epochs} epochs in "
        f"{stats['seconds']:.0f}s ({stats['tokens_per_s']:.0f} tokens/s); a fact stated once was "
        f"seen {preset.epochs} times, the median stated fact "
        f"{stats['exposures_per_stated_fact_median']:.0f} times"
    )
    entry = _model_entry("transformer", world, candidate_p_hat(trained, world), world.config.seed)
    return entry, stats, trained


def run_demo(config: DemoConfig, out: Path, *, progress: Progress | None = None) -> dict[str, Any]:
    """Run the demo and write ``out/summary.json``, ``out/report.html``, ``out/model/``."""
    from dontguess.lab.report import render_report

    say = progress or (lambda _m: None)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    world = make_world(config.world)
    n = config.world.n_train
    say(
        f"world: {config.world.people} people, N={n}, sr={world.singleton_rate:.3f}, "
        f"MM={world.missing_mass:.3f}"
    )
    models = {
        "calibrated": _model_entry("calibrated", world, calibrated_p_hat(world), config.world.seed)
    }
    # Theorem 2's upper bound is about the Appendix B calibrated learner only
    models["calibrated"]["theorem2_upper_bound"] = calibrated_upper_bound(world)
    say(f"calibrated learner: err={models['calibrated']['err']:.3f}")
    models["transformer"], training, trained = _train_transformer(config, world, out, say)
    say(f"transformer: err={models['transformer']['err']:.3f}")
    sweep = run_sweep(config.sweep, progress=say, threads=config.threads)
    sweep.append(_demo_point("transformer", world, models["transformer"]))
    summary: dict[str, Any] = {
        "singleton_rate": world.singleton_rate,
        "n_train": n,
        "missing_mass": world.missing_mass,
        "unseen_mass": world.unseen_mass,
        "test_unseen_fraction": world.test_unseen_fraction,
        "lemma1_width": lemma1_width(n, _GAMMA),
        "corollary3_width": corollary3_width(n, _GAMMA),
        "gamma": _GAMMA,
        "min_errors": MIN_ERRORS,
        "max_errors": MAX_ERRORS,
        "world": config.world.to_dict(),
        "preset": config.preset,
        "models": models,
        "training": training,
        "sweep": sweep,
        "sweep_config": asdict(config.sweep),
    }
    summary.update(_extras(config, world, trained, say))
    summary["checks"] = checks(summary)
    summary["seconds"] = time.perf_counter() - start
    lines = plain_summary(summary)
    _write(out / "summary.json", json.dumps(_nan_null(summary), indent=2, allow_nan=False) + "\n")
    _write(out / "report.html", render_report(summary, lines))
    return summary


def _extras(config: DemoConfig, world: World, trained: Any, say: Progress) -> dict[str, Any]:
    """The optional sections: the incentives experiment and the poor-models figures."""
    out: dict[str, Any] = {}
    if config.incentives is not None:
        from dontguess.lab.incentives import observations, run_incentives

        say("incentives: post-training under binary vs confidence-target reward")
        inc = run_incentives(trained, world, config.incentives, progress=say)
        inc["observed"] = observations(inc["rows"])
        out["incentives"] = inc
    if config.poor_models:
        from dontguess.lab.poor_models import run_poor_models

        say("poor models: trigram vs GPT-2, letter counting")
        out["poor_models"] = run_poor_models(seed=config.world.seed, threads=config.threads)
    return out


def _demo_point(name: str, world: World, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "model": name,
        "target_sr": None,
        "zipf_exponent": world.config.zipf_exponent,
        "n_train": world.config.n_train,
        "people": world.config.people,
        "singleton_rate": world.singleton_rate,
        "missing_mass": world.missing_mass,
        **{k: entry[k] for k in ("err", "delta", "theorem2_bound", "theorem2_leading_term")},
    }


def _nan_null(value: Any) -> Any:
    """NaN (an undefined rate, e.g. an empty bucket) becomes JSON null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_null(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_nan_null(v) for v in value]
    return value


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def checks(summary: dict[str, Any]) -> dict[str, bool]:
    """The acceptance checks: every err ≥ Thm 2 bound; calibrated err ≤ Thm 2 upper bound;
    |MM − sr| ≤ Lemma 1 width (γ = 0.01)."""
    out = {
        f"{k}_err_ge_theorem2_bound": m["err"] >= m["theorem2_bound"]
        for k, m in summary["models"].items()
    }
    cal = summary["models"]["calibrated"]
    out["calibrated_err_le_theorem2_upper_bound"] = cal["err"] <= cal["theorem2_upper_bound"]
    out["missing_mass_within_lemma1"] = (
        abs(summary["missing_mass"] - summary["singleton_rate"]) <= summary["lemma1_width"]
    )
    return out


def plain_summary(summary: dict[str, Any]) -> list[str]:
    """A few sentences for the terminal and the report: what was observed, plainly."""
    sr, mm, n = summary["singleton_rate"], summary["missing_mass"], summary["n_train"]
    cal, tr = summary["models"]["calibrated"], summary["models"]["transformer"]
    by = tr["err_by_mentions"]
    slack = tr["theorem2_leading_term"] - tr["theorem2_bound"]
    return [
        f"{sr:.0%} of the {n} training examples state a fact seen exactly once (singleton "
        f"rate sr); the missing mass MM = α·(μ-mass never stated) is {mm:.3f} "
        f"(|MM − sr| = {abs(mm - sr):.3f} ≤ Lemma 1 width {summary['lemma1_width']:.3f}).",
        f"{summary['unseen_mass']:.0%} of the μ-mass of questions asks about a fact never "
        f"stated in training ({summary['test_unseen_fraction']:.0%} of the test sample). "
        f"All figures below are exact under μ unless marked as test-sample.",
        f"The calibrated learner (Appendix B) errs {cal['err']:.3f}, close to sr, below the "
        f"Theorem 2 upper bound {cal['theorem2_upper_bound']:.3f} that holds for it alone.",
        f"What the demo shows on the trained GPT-2 is err by how often a fact was stated: "
        f"{by['0']['err']:.2f} never stated, {by['1']['err']:.2f} stated once, "
        f"{by['6+']['err']:.2f} stated 6+ times ({tr['err']:.3f} overall; p̂(IDK) "
        f"{tr['unseen_idk']:.2f} on never-stated facts).",
        f"It does not test Theorem 2 on the transformer: at N={n} the 99% floor is "
        f"{tr['theorem2_bound']:.2f} (vacuous, slack {slack:.2f}) and even the leading term "
        f"sr − 2/min|E_c| − δ is {tr['theorem2_leading_term']:.3f} (δ = {tr['delta']:.3f}).",
        "On the test prompts, binary grading (t=0) rewards always answering "
        f"({tr['scores_by_target']['always']['0']:.3f} vs "
        f"{tr['scores_by_target']['threshold']['0']:.3f} for the threshold rule); at t=0.75 "
        f"(penalty 3) the threshold rule scores {tr['scores_by_target']['threshold']['0.75']:.3f}"
        f" vs {tr['scores_by_target']['always']['0.75']:.3f} (transformer). The threshold "
        "rule is applied after the fact to p̂ (nothing is stated to the model) and is optimal "
        "only for a calibrated model.",
        *_extra_lines(summary),
        "Checks: "
        + ", ".join(f"{k}={'ok' if v else 'FAILED'}" for k, v in summary["checks"].items())
        + ".",
    ]


def _extra_lines(summary: dict[str, Any]) -> list[str]:
    lines = []
    if "incentives" in summary:
        lines += [f"Incentives (held-out people): {x}" for x in summary["incentives"]["observed"]]
    if "poor_models" in summary:
        from dontguess.lab.poor_models import poor_model_lines

        lines += poor_model_lines(summary["poor_models"])
    return lines
