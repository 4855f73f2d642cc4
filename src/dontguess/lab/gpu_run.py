"""The GPU run (``scripts/gpu_lab.sh``): a transformer singleton-rate sweep and the incentives.

Sized for one H100/H200 in about 10 minutes (the arithmetic is in docs/lab.md): five
worlds at N = 200,000 (``people = N``) whose singleton rates are aimed at 0.1 … 0.5, a
GPT-2 of the :data:`~dontguess.lab.gpt.PRESETS` ``gpu`` preset trained on each (bf16
autocast, ``torch.compile``, 200 epochs, so a fact stated once is seen 200 times), every
model measured exactly under μ (err, δ, Theorem 2's 99% floor, which is positive at this
N once sr − δ exceeds about 0.29), then the incentives experiment on the last point's
model. It prints tokens/s and MFU per point and writes ``OUT/gpu_lab.json``.

``smoke=True`` runs the same code end to end on CPU at a tiny size (the tests do).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from dontguess.lab.incentives import IncentiveConfig

__all__ = ["GpuRunConfig", "flops_per_token", "run_gpu_lab", "smoke_config"]

#: bf16 dense peak of one H100/H200 SXM, FLOP/s (MFU's denominator).
H100_BF16_PEAK = 989e12


@dataclass(frozen=True)
class GpuRunConfig:
    """What the GPU run does.

    Attributes:
        targets: singleton rates the five worlds aim at.
        n_train: N per world.
        people_ratio: people as a multiple of N.
        n_test: test prompts per world (the figures are exact under μ regardless).
        preset: training preset name; ``epochs`` overrides its epochs when set.
        device: torch device.
        incentives: the post-training run on the last point's model.
        peak_flops: the device's peak FLOP/s for MFU (0: MFU not reported).
        seed: world seed (point k uses seed + k).
    """

    targets: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5)
    n_train: int = 200_000
    people_ratio: float = 1.0
    n_test: int = 1000
    preset: str = "gpu"
    epochs: int | None = None
    device: str = "cuda"
    incentives: IncentiveConfig = field(default_factory=lambda: IncentiveConfig(device="cuda"))
    peak_flops: float = H100_BF16_PEAK
    seed: int = 0


def smoke_config() -> GpuRunConfig:
    """The same run at a tiny size on CPU (seconds): two points, two epochs, two steps."""
    return GpuRunConfig(
        targets=(0.2, 0.4),
        n_train=300,
        n_test=50,
        preset="tiny",
        epochs=2,
        device="cpu",
        incentives=IncentiveConfig(rewards=("binary", "t=0.75"), steps=2, batch_size=16),
        peak_flops=0.0,
    )


def flops_per_token(model: Any, seq_len: int) -> float:
    """Training FLOPs per token: 6·(non-embedding params + LM head) + 12·layers·T·d.

    The tied LM head costs a vocab × d matmul per token (counted once; the position
    table costs nothing).
    """
    cfg = model.config
    params = float(sum(p.numel() for p in model.parameters()))
    embeddings = model.transformer.wte.weight.numel() + model.transformer.wpe.weight.numel()
    head = cfg.vocab_size * cfg.n_embd
    return float(6.0 * (params - embeddings + head) + 12.0 * cfg.n_layer * seq_len * cfg.n_embd)


def _point(config: GpuRunConfig, k: int, target: float, say: Callable[[str], None]) -> Any:
    from dontguess.lab.answer_probs import candidate_p_hat
    from dontguess.lab.gpt import PRESETS, train
    from dontguess.lab.sweep import point_row, sweep_world

    world, _ = sweep_world(
        target, config.people_ratio, config.n_train, config.n_test, seed=config.seed + k
    )
    preset = replace(PRESETS[config.preset], device=config.device, seed=config.seed + k)
    if config.epochs is not None:
        preset = replace(preset, epochs=config.epochs)
    trained = train(world, preset, progress=lambda m: say("  " + m))
    row = point_row("transformer", world, candidate_p_hat(trained, world, batch_size=8192), target)
    stats = dict(trained.stats)
    flops = flops_per_token(trained.model, 12)
    stats["flops_per_token"] = flops
    if config.peak_flops > 0:
        stats["mfu"] = flops * stats["tokens_per_s"] / config.peak_flops
    row["training"] = stats
    mfu = f", MFU {stats['mfu']:.1%}" if "mfu" in stats else ""
    say(f"sr {world.singleton_rate:.3f}: err {row['err']:.3f}, δ {row['delta']:.3f}, 99% floor "
        f"{row['theorem2_bound']:.3f}; {stats['params'] / 1e6:.1f}M params, "
        f"{stats['tokens_per_s']:,.0f} tokens/s{mfu}, {stats['seconds']:.0f}s")  # fmt: skip
    return row, trained, world


def run_gpu_lab(
    config: GpuRunConfig, out: Path, *, progress: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Run the sweep and the incentives; write ``out/gpu_lab.json`` after each step."""
    from dontguess.lab.incentives import observations, run_incentives

    say = progress or (lambda _m: None)
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"config": _plain(config), "sweep": []}
    trained = world = None
    for k, target in enumerate(config.targets):
        row, trained, world = _point(config, k, target, say)
        result["sweep"].append(row)
        _save(out, result, start)
    if trained is not None and world is not None:
        trained.model.to(config.incentives.device)
        inc = run_incentives(trained, world, config.incentives, progress=say)
        inc["observed"] = observations(inc["rows"])
        result["incentives"] = inc
        for line in inc["observed"]:
            say(line)
    _save(out, result, start)
    return result


def _plain(config: GpuRunConfig) -> dict[str, Any]:
    d = asdict(config)
    d["incentives"]["rewards"] = list(config.incentives.rewards)
    return d


def _save(out: Path, result: dict[str, Any], start: float) -> None:
    import os

    result["seconds"] = time.perf_counter() - start
    tmp = out / "gpu_lab.json.tmp"
    tmp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / "gpu_lab.json")
