"""Grading makes models guess: post-training under binary vs confidence-target reward (§4).

Start from a pretrained lab model and post-train a copy per reward rule to maximise the
expected reward on the world's questions, with a KL penalty to the pretrained model:

``J(θ) = E_{c~μ} [ Σ_r p̂_θ(r|c)·R_c(r) − β·KL(p̂_θ(·|c) ‖ p̂_0(·|c)) ]``.

R_c is :mod:`dontguess.scoring`'s rule (:func:`reward_values`): +1 for the true answer,
−t/(1−t) for any other token (:func:`dontguess.scoring.penalty`), 0 for IDK; t = 0 is
binary grading. Every answer is one token, so Σ_r p̂(r|c)·R_c(r), the KL term and their
gradients are exact from one forward pass over the whole vocabulary: no sampling, no
policy-gradient variance. Questions are drawn from μ restricted to the *post-training*
people; the other people are held out, and every figure is measured on them exactly
under μ (so a never-stated held-out fact was seen neither in pretraining nor in
post-training: only the model's behaviour, guessing or IDK, can transfer to it).

The paper predicts (Observation 1): binary reward drives p̂(IDK) towards 0 and err on
never-seen facts towards 1 − 1/|R_c|; a confidence-target reward keeps or grows IDK where
the model is unsure and keeps memorised facts right. :func:`observations` says what was
observed, whichever way it went.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.lab.measure import IDK_COL, answer_columns, measure
from dontguess.lab.world import World
from dontguess.scoring import penalty

__all__ = [
    "CONFIDENCE_TARGETS",
    "IncentiveConfig",
    "expected_reward",
    "heldout_prompts",
    "incentive_rows",
    "observations",
    "post_train",
    "reward_matrix",
    "reward_values",
    "run_incentives",
    "table_lines",
]

#: Reward rules: name -> confidence target t (binary grading is t = 0).
CONFIDENCE_TARGETS: dict[str, float] = {"binary": 0.0, "t=0.5": 0.5, "t=0.75": 0.75, "t=0.9": 0.9}
_SCORE_TARGETS: tuple[float, ...] = (0.0, 0.5, 0.75, 0.9)


@dataclass(frozen=True)
class IncentiveConfig:
    """Post-training. Each reward rule gets its own copy of the pretrained model.

    Attributes:
        rewards: names from :data:`CONFIDENCE_TARGETS`.
        steps: Adam steps per reward rule.
        batch_size: questions per step, drawn i.i.d. from μ over the post-training people.
        lr: Adam learning rate (constant).
        kl: β, the weight of KL(p̂_θ ‖ p̂_0) per question.
        heldout_share: share of the people held out of post-training (measured on).
        seed: seed of the split, the question draws and torch.
        device: torch device.
    """

    rewards: Sequence[str] = tuple(CONFIDENCE_TARGETS)
    steps: int = 80
    batch_size: int = 256
    lr: float = 1e-4
    kl: float = 0.2
    heldout_share: float = 0.5
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        unknown = [r for r in self.rewards if r not in CONFIDENCE_TARGETS]
        if unknown:
            names = ", ".join(CONFIDENCE_TARGETS)
            raise InputError(f"unknown reward {unknown[0]!r}; choose from {names}")
        if self.steps < 0 or self.batch_size < 1:
            raise InputError(f"steps must be >= 0 and batch_size >= 1, got {self.steps}, "
                             f"{self.batch_size}")  # fmt: skip
        if self.kl < 0 or self.lr <= 0:
            raise InputError(f"kl must be >= 0 and lr > 0, got {self.kl}, {self.lr}")
        if not 0.0 < self.heldout_share < 1.0:
            raise InputError(f"heldout_share must be in (0, 1), got {self.heldout_share}")


def reward_values(target: float) -> tuple[float, float, float]:
    """(right, wrong, IDK) points of :mod:`dontguess.scoring`'s rule at confidence target t.

    >>> reward_values(0.0), reward_values(0.75)
    ((1.0, -0.0, 0.0), (1.0, -3.0, 0.0))
    """
    return 1.0, -penalty(target), 0.0


def heldout_prompts(world: World, share: float, seed: int) -> npt.NDArray[np.bool_]:
    """(n_prompts,) True for the prompts of the held-out people (both facts of a person).

    >>> from dontguess.lab.world import WorldConfig, make_world
    >>> w = make_world(WorldConfig(people=10, n_train=20, n_test=2))
    >>> m = heldout_prompts(w, 0.5, 0); int(m.sum()), bool((m[0::2] == m[1::2]).all())
    (10, True)
    """
    rng = np.random.default_rng(seed + 7919)
    people = world.config.people
    held = np.zeros(people, dtype=bool)
    held[rng.permutation(people)[: max(1, round(share * people))]] = True
    return np.repeat(held, world.n_prompts // people)


def reward_matrix(
    world: World, prompts: npt.NDArray[np.int64], ids: dict[str, Any], target: float, vocab: int
) -> npt.NDArray[np.float64]:
    """(len(prompts), vocab) R_c(r) over every token: right / wrong / IDK points.

    ``ids`` is :func:`~dontguess.lab.answer_probs.candidate_ids`; any token that is not the
    true answer or IDK (another date, a city, a name, a special token) is wrong.
    """
    right, wrong, idk = reward_values(target)
    out = np.full((len(prompts), vocab), wrong)
    cols = answer_columns(world, prompts)
    facts = world.fact_of(prompts)
    for f, fact in enumerate(ids):
        rows = np.flatnonzero(facts == f)
        out[rows, np.asarray(ids[fact])[cols[rows]]] = right
        out[rows, ids[fact][-1]] = idk
    return out


def expected_reward(probs: Any, rewards: Any) -> Any:
    """Σ_r p̂(r|c)·R_c(r) per row (numpy or torch): exact, from one next-token distribution.

    >>> p, r = np.array([[0.5, 0.3, 0.2]]), np.array([[1.0, -3.0, 0.0]])
    >>> round(float(expected_reward(p, r)[0]), 12)
    -0.4
    """
    return (probs * rewards).sum(-1)


def _prompt_batch(tokenizer: Any, world: World, prompts: npt.NDArray[np.int64]) -> Any:
    """(n, T) long tensor of ``[BOS] prompt`` ids and (n,) index of each last prompt token."""
    import torch

    from dontguess.lab.answer_probs import encode_prompts

    ids = encode_prompts(tokenizer, world, prompts)
    width = max(len(x) for x in ids)
    batch = torch.full((len(ids), width), tokenizer.pad_token_id, dtype=torch.long)
    for i, x in enumerate(ids):
        batch[i, : len(x)] = torch.tensor(x)
    return batch, torch.tensor([len(x) - 1 for x in ids])


def _last_logits(model: Any, batch: Any, last: Any) -> Any:
    """(B, V) logits at each prompt's last token (causal: right padding never reaches it)."""
    import torch

    logits = model(input_ids=batch).logits  # (B, T, V)
    return logits[torch.arange(len(batch), device=batch.device), last]


def post_train(
    base: Any,
    world: World,
    target: float,
    config: IncentiveConfig,
    train_mask: npt.NDArray[np.bool_],
    *,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """A copy of ``base`` (a TrainedModel) post-trained on reward rule ``target``.

    Maximises the exact J(θ) of the module docstring on questions drawn from μ over the
    prompts where ``train_mask`` is True. Returns a TrainedModel (eval mode) whose stats
    hold the final objective and its two terms.
    """
    import torch

    from dontguess.lab.answer_probs import candidate_ids
    from dontguess.lab.gpt import TrainedModel

    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    pool = np.flatnonzero(train_mask)
    weights = world.mu[pool] / world.mu[pool].sum()
    ref = base.model.to(config.device).eval()
    model = copy.deepcopy(base.model).to(config.device).train()
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    ids, vocab = candidate_ids(base.tokenizer), len(base.tokenizer)
    stats = {"reward": float("nan"), "kl": float("nan"), "objective": float("nan")}
    for step in range(config.steps):
        prompts = rng.choice(pool, size=config.batch_size, p=weights).astype(np.int64)
        batch, last = _prompt_batch(base.tokenizer, world, prompts)
        batch, last = batch.to(config.device), last.to(config.device)
        rewards = torch.tensor(reward_matrix(world, prompts, ids, target, vocab),
                               dtype=torch.float32, device=config.device)  # fmt: skip
        with torch.no_grad():
            ref_logp = torch.log_softmax(_last_logits(ref, batch, last).float(), -1)  # (B, V)
        logp = torch.log_softmax(_last_logits(model, batch, last).float(), -1)  # (B, V)
        p = logp.exp()
        reward = expected_reward(p, rewards).mean()
        kl = (p * (logp - ref_logp)).sum(-1).mean()
        loss = -(reward - config.kl * kl)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        stats = {"reward": reward.item(), "kl": kl.item(), "objective": -loss.item()}
        if progress and (step + 1) % max(1, config.steps // 4) == 0:
            progress(f"  step {step + 1}/{config.steps}: E[reward] {stats['reward']:.3f}, "
                     f"KL {stats['kl']:.4f}")  # fmt: skip
    model.eval().to("cpu")
    ref.to("cpu")
    return TrainedModel(model, base.tokenizer, base.config, stats)


def _bucket_mean(values: npt.NDArray[np.float64], w: npt.NDArray[np.float64], m: Any) -> float:
    total = float(w[m].sum())
    return float(np.dot(w[m], values[m]) / total) if total > 0 else float("nan")


def incentive_rows(
    world: World, p_hat: npt.NDArray[np.float64], prompts: npt.NDArray[np.int64], reward: str
) -> dict[str, Any]:
    """One row of the incentives table: exact μ-weighted figures over ``prompts``.

    Args:
        world: the world.
        p_hat: (len(prompts), CANDIDATE_COLS) the model's answer distribution.
        prompts: the held-out prompts.
        reward: the row's name (``base``, ``binary``, ``t=0.5``, ...).
    """
    w = world.mu[prompts] / world.mu[prompts].sum()
    right_p = p_hat[np.arange(len(prompts)), answer_columns(world, prompts)]
    idk_p = p_hat[:, IDK_COL]
    wrong_p = np.clip(1.0 - right_p - idk_p, 0.0, 1.0)  # other candidates and other tokens
    counts = world.answer_counts[prompts]
    right, idk = float(np.dot(w, right_p)), float(np.dot(w, idk_p))
    wrong = 1.0 - right - idk
    never, once, often = counts == 0, counts == 1, counts >= 6
    return {
        "reward": reward,
        "right": right,
        "wrong": wrong,
        "idk": idk,
        "err_never_stated": _bucket_mean(wrong_p, w, never),
        "idk_never_stated": _bucket_mean(idk_p, w, never),
        "err_once_stated": _bucket_mean(wrong_p, w, once),
        "err_often_stated": _bucket_mean(wrong_p, w, often),
        "right_often_stated": _bucket_mean(right_p, w, often),
        "idk_often_stated": _bucket_mean(idk_p, w, often),
        "scores_by_target": {f"{t:g}": right + reward_values(t)[1] * wrong for t in _SCORE_TARGETS},
        "delta": measure(world, p_hat, prompts).delta,
    }


def run_incentives(
    base: Any,
    world: World,
    config: IncentiveConfig,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The base row and one row per reward rule, measured on the held-out people.

    Each row also carries ``post_training_people``: the same figures on the people whose
    questions the model was post-trained on (their never-stated facts were rewarded there,
    so only the held-out figures show what transfers).

    Returns:
        ``{"rows": [...], "config": ..., "heldout": {...}, "seconds": ...}``.
    """
    from dontguess.lab.answer_probs import candidate_p_hat

    say = progress or (lambda _m: None)
    start = time.perf_counter()
    held = heldout_prompts(world, config.heldout_share, config.seed)
    prompts = np.flatnonzero(held).astype(np.int64)
    trained_on = np.flatnonzero(~held).astype(np.int64)

    def row(model: Any, name: str) -> dict[str, Any]:
        out = incentive_rows(world, candidate_p_hat(model, world, prompts), prompts, name)
        out["post_training_people"] = incentive_rows(
            world, candidate_p_hat(model, world, trained_on), trained_on, name
        )
        return out

    rows = [row(base, "base")]
    for name in config.rewards:
        say(f"post-training on the {name} reward ({config.steps} steps, KL weight {config.kl})")
        tuned = post_train(base, world, CONFIDENCE_TARGETS[name], config, ~held, progress=say)
        rows.append(row(tuned, name))
        rows[-1]["post_training"] = tuned.stats
    counts = world.answer_counts[prompts]
    mass = world.mu[prompts]
    return {
        "rows": rows,
        "config": {**asdict(config), "rewards": list(config.rewards)},
        "heldout": {
            "people": int(held.sum()) // 2,
            "mu_mass": float(mass.sum()),
            "never_stated_share": float(mass[counts == 0].sum() / mass.sum()),
            "often_stated_share": float(mass[counts >= 6].sum() / mass.sum()),
        },
        "seconds": time.perf_counter() - start,
    }


def _change(before: float, after: float) -> str:
    return f"{before:.2f} → {after:.2f}"


def _verdict(before: float, after: float, ok: Callable[[float, float], bool], word: str) -> str:
    """``word`` if ``ok(before, after)``, else "NOT ..."; undefined when either is nan."""
    if math.isnan(before) or math.isnan(after):
        return "undefined: no such held-out facts"
    return word if ok(before, after) else f"NOT {word}"


def _trained_people(base: dict[str, Any], row: dict[str, Any], tolerance: float) -> str:
    """The memorised-facts clause for the people the model was post-trained on."""
    if "post_training_people" not in row:
        return ""
    b, a = base["post_training_people"], row["post_training_people"]
    kept = _verdict(b["right_often_stated"], a["right_often_stated"],
                    lambda x, y: y >= x - tolerance, "kept")  # fmt: skip
    return (
        f" (on the post-training people themselves: "
        f"{_change(b['right_often_stated'], a['right_often_stated'])}, {kept})"
    )


def observations(rows: list[dict[str, Any]], *, tolerance: float = 0.05) -> list[str]:
    """What was observed for each reward rule against the paper's prediction, in words.

    Predictions: binary reward lowers p̂(IDK) on never-stated facts; a confidence-target
    reward keeps it (ends ≥ the base value − ``tolerance``) and keeps the facts stated 6+
    times right (falls by at most ``tolerance``).
    """
    base = next(r for r in rows if r["reward"] == "base")
    lines = []
    for row in rows:
        if row["reward"] == "base":
            continue
        idk = _change(base["idk_never_stated"], row["idk_never_stated"])
        err = _change(base["err_never_stated"], row["err_never_stated"])
        often = _change(base["right_often_stated"], row["right_often_stated"])
        if row["reward"] == "binary":
            fell = _verdict(base["idk_never_stated"], row["idk_never_stated"],
                            lambda b, a: a < b, "as predicted")  # fmt: skip
            lines.append(
                f"binary reward: p̂(IDK) on never-stated held-out facts {idk}, err there {err}; "
                f"Observation 1 predicts IDK falls towards 0 and err rises: {fell}. "
                f"Right on facts stated 6+ times: {often}."
            )
            continue
        held = _verdict(base["idk_never_stated"], row["idk_never_stated"],
                        lambda b, a: a >= b - tolerance, "as predicted")  # fmt: skip
        kept = _verdict(base["right_often_stated"], row["right_often_stated"],
                        lambda b, a: a >= b - tolerance, "as predicted")  # fmt: skip
        lines.append(
            f"{row['reward']} reward: p̂(IDK) on never-stated facts {idk}, predicted to be kept "
            f"or grown: {held}; err there {err}; right on facts stated 6+ times {often}, "
            f"predicted to be kept (within {tolerance:.2f}): {kept}"
            + _trained_people(base, row, tolerance)
            + "."
        )
    return lines


def table_lines(rows: list[dict[str, Any]], *, split: str | None = None) -> list[str]:
    """The incentives table as fixed-width text, μ-weighted over the held-out people
    (or over the post-training people with ``split="post_training_people"``)."""
    if split is not None:
        rows = [r[split] for r in rows]
    head = (
        f"{'reward':8} {'right':>6} {'wrong':>6} {'IDK':>6} {'err never':>9} {'IDK never':>9} "
        f"{'right 6+':>8} {'δ':>6}  score at t = 0 / 0.5 / 0.75 / 0.9"
    )
    out = [head]
    for r in rows:
        scores = " / ".join(f"{v:.3f}" for v in r["scores_by_target"].values())
        out.append(
            f"{r['reward']:8} {r['right']:6.3f} {r['wrong']:6.3f} {r['idk']:6.3f} "
            f"{r['err_never_stated']:9.3f} {r['idk_never_stated']:9.3f} "
            f"{r['right_often_stated']:8.3f} {r['delta']:6.3f}  {scores}"
        )
    return out
