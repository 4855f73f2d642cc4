"""A small GPT-2 trained by cross-entropy on the world's corpus (nanoGPT-style, readable).

Pieces, top-down: :class:`TrainConfig` (with :data:`PRESETS`) → :func:`build_tokenizer`
(a word-level ``tokenizers`` model, every answer one token) → :func:`build_model`
(transformers' ``GPT2LMHeadModel``) → :func:`train` (AdamW, linear warm-up then cosine
decay, fixed seed) → :func:`save_checkpoint` / :func:`load_checkpoint` (``save_pretrained``
plus a ``lab.json`` sidecar with the world and training configs, so any tool can load it).

torch and transformers are imported lazily (``pip install 'dontguess[lab]'``).
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from dontguess.errors import InputError, MissingDependencyError
from dontguess.lab.corpus import corpus_lines, vocabulary_words
from dontguess.lab.items import SIDECAR
from dontguess.lab.world import World

__all__ = [
    "PRESETS",
    "PRESET_USES",
    "SIDECAR",
    "TrainConfig",
    "TrainedModel",
    "build_model",
    "build_tokenizer",
    "default_threads",
    "describe_preset",
    "load_checkpoint",
    "save_checkpoint",
    "train",
    "train_lines",
]

_SPECIALS = ("[PAD]", "[UNK]", "[BOS]", "[EOS]")


@dataclass(frozen=True)
class TrainConfig:
    """Model size and optimisation. Training is a function of this object.

    Attributes:
        n_layer / n_embd / n_head: GPT-2 shape.
        n_positions: the context length (learned position embeddings). Training lines
            use about 15; 128 leaves room for ``dontguess run``'s open-rubric prompts
            (up to 66 tokens) plus a short answer. Compute depends on the actual line
            length, not on this, so the larger table costs only its parameters.
        epochs: passes over the corpus (each stated fact is seen count × epochs times).
        batch_size: lines per step.
        lr: peak AdamW learning rate; warm-up over ``warmup`` of the steps, then cosine to 0.
        weight_decay: AdamW weight decay.
        seed: torch seed (init and shuffling).
        device: ``cpu`` or ``cuda``.
        dtype: ``float32``, or ``bfloat16`` (autocast; for GPUs).
        compile: ``torch.compile`` the model for training (for GPUs).
    """

    n_layer: int = 2
    n_embd: int = 128
    n_head: int = 4
    n_positions: int = 128
    epochs: int = 25
    batch_size: int = 64
    lr: float = 3e-3
    warmup: float = 0.05
    weight_decay: float = 0.01
    seed: int = 0
    device: str = "cpu"
    dtype: str = "float32"
    compile: bool = False

    def __post_init__(self) -> None:
        if self.dtype not in ("float32", "bfloat16"):
            raise InputError(f"dtype must be float32 or bfloat16, got {self.dtype!r}")
        if self.n_embd % self.n_head:
            raise InputError(f"n_embd ({self.n_embd}) must be a multiple of n_head ({self.n_head})")
        if self.n_positions < 2:
            raise InputError(f"n_positions must be >= 2, got {self.n_positions}")
        if self.epochs < 1 or self.batch_size < 1:
            raise InputError(
                f"epochs and batch_size must be >= 1, got {self.epochs}, {self.batch_size}"
            )


#: tiny: tests (seconds); cpu: the demo on 2 cores; cuda, gpu, gpu26m: GPU presets (not run
#: yet: no GPU was lent while they were written).
PRESETS: dict[str, TrainConfig] = {
    "tiny": TrainConfig(n_layer=1, n_embd=64, n_head=2, epochs=60, batch_size=32, lr=5e-3),
    "cpu": TrainConfig(),
    "cuda": TrainConfig(
        n_layer=4, n_embd=256, n_head=8, epochs=200, batch_size=256, lr=1e-3, device="cuda"
    ),
    # scripts/gpu_lab.sh: 200 epochs of N = 200,000 at five points, sized to fit 10 min
    "gpu": TrainConfig(
        n_layer=4,
        n_embd=384,
        n_head=6,
        epochs=200,
        batch_size=2048,
        lr=2e-3,
        device="cuda",
        dtype="bfloat16",
        compile=True,
    ),
    "gpu26m": TrainConfig(
        n_layer=8,
        n_embd=512,
        n_head=8,
        epochs=200,
        batch_size=2048,
        lr=1e-3,
        device="cuda",
        dtype="bfloat16",
        compile=True,
    ),
}
#: What each preset is for (shown by ``--help``).
PRESET_USES: dict[str, str] = {
    "tiny": "tests, seconds",
    "cpu": "the demo: about 1.5 min on 2 idle CPU cores",
    "cuda": "one GPU; not yet measured",
    "gpu": "scripts/gpu_lab.sh, ~8M params, bf16, compiled; not yet run",
    "gpu26m": "scripts/gpu_lab.sh --size 26m, ~26M params; projected over 10 min; not yet run",
}


def describe_preset(name: str) -> str:
    """One line about a preset: its shape, schedule and use.

    >>> describe_preset("tiny")
    'tiny: 1 layer(s), d=64, 2 heads, 60 epochs, batch 32, on cpu (tests, seconds)'
    """
    c = PRESETS[name]
    return (
        f"{name}: {c.n_layer} layer(s), d={c.n_embd}, {c.n_head} heads, {c.epochs} epochs, "
        f"batch {c.batch_size}, on {c.device} ({PRESET_USES[name]})"
    )


@dataclass
class TrainedModel:
    """A trained model with its tokenizer and what training did.

    Attributes:
        model: the ``GPT2LMHeadModel`` (eval mode).
        tokenizer: a ``PreTrainedTokenizerFast`` (word level).
        config: the :class:`TrainConfig` used.
        stats: epochs, steps, tokens, seconds, tokens_per_s, final_loss, params.
    """

    model: Any
    tokenizer: Any
    config: TrainConfig
    stats: dict[str, float]


def _require() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise MissingDependencyError("torch/transformers", "lab") from exc
    transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return torch, transformers


def build_tokenizer(lines: list[str], words: list[str]) -> Any:
    """Word-level tokenizer trained (``tokenizers``) on ``lines`` plus one line of ``words``.

    Splits on whitespace only, so ``17-03`` and ``IDK`` are single tokens.
    """
    _, transformers = _require()
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.WordLevelTrainer(special_tokens=list(_SPECIALS), min_frequency=1)
    tok.train_from_iterator([*lines, " ".join(words)], trainer=trainer)
    # add_special_tokens=True (what generic tools such as hf:PATH use) prepends [BOS]
    tok.post_processor = processors.TemplateProcessing(
        single="[BOS] $A", special_tokens=[("[BOS]", tok.token_to_id("[BOS]"))]
    )
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="[PAD]",
        unk_token="[UNK]",
        bos_token="[BOS]",
        eos_token="[EOS]",
    )


def build_model(vocab_size: int, config: TrainConfig, tokenizer: Any) -> Any:
    """A fresh ``GPT2LMHeadModel`` (no dropout: we want memorisation)."""
    torch, transformers = _require()
    torch.manual_seed(config.seed)
    gpt_config = transformers.GPT2Config(
        vocab_size=vocab_size,
        n_positions=config.n_positions,
        n_embd=config.n_embd,
        n_layer=config.n_layer,
        n_head=config.n_head,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return transformers.GPT2LMHeadModel(gpt_config)


def _encode(tokenizer: Any, lines: list[str]) -> Any:
    """(n_lines, T) long tensor: [BOS] line [EOS], right-padded with [PAD]."""
    torch, _ = _require()
    ids = [
        tokenizer(f"[BOS] {line} [EOS]", add_special_tokens=False)["input_ids"] for line in lines
    ]
    width = max(len(x) for x in ids)
    out = torch.full((len(ids), width), tokenizer.pad_token_id, dtype=torch.long)
    for i, x in enumerate(ids):
        out[i, : len(x)] = torch.tensor(x)
    return out


def default_threads() -> int:
    """All CPU cores, or 1 when other processes already keep every core busy.

    With the cores busy (1-minute load average ≥ cores), torch's OpenMP threads wait on each
    other and one thread runs several times faster (measured on 2 cores: 11 s vs 76 s per
    epoch of the demo at load ≈ 4). The demo prints the choice; ``--threads`` overrides it.
    """
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0] >= cores
    except OSError:  # pragma: no cover - no load average on this platform
        busy = False
    return 1 if busy and cores > 1 else cores


def _lr_lambda(total: int, warmup: float) -> Callable[[int], float]:
    warm = max(1, int(total * warmup))

    def f(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return 0.5 * (1.0 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    return f


def train(
    world: World,
    config: TrainConfig,
    *,
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> TrainedModel:
    """Train a GPT-2 on the corpus of ``world`` by next-token cross-entropy.

    Uses ``threads`` torch threads (default: :func:`default_threads`). Deterministic for a
    seed on one device and thread count.
    """
    return train_lines(
        corpus_lines(world), vocabulary_words(world), config, progress=progress, threads=threads
    )


def train_lines(
    lines: list[str],
    words: list[str],
    config: TrainConfig,
    *,
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> TrainedModel:
    """Train a GPT-2 on any text ``lines`` (one example each) with a word-level vocabulary.

    ``words`` are added to the vocabulary even if no line has them. Each line is
    ``[BOS] line [EOS]``; the loss is on every non-pad token.
    """
    torch, _ = _require()
    torch.set_num_threads(threads or default_threads())
    tokenizer = build_tokenizer(lines, words)
    data = _encode(tokenizer, lines).to(config.device)  # (N, T)
    if data.shape[1] > config.n_positions:
        raise InputError(
            f"the longest training line is {data.shape[1]} tokens but n_positions is "
            f"{config.n_positions}"
        )
    model = build_model(len(tokenizer), config, tokenizer).to(config.device)
    n_tokens = int((data != tokenizer.pad_token_id).sum())
    start = time.perf_counter()
    loss_value = _optimise(model, data, tokenizer.pad_token_id, config, progress)
    model.eval()
    seconds = time.perf_counter() - start
    stats = {
        "epochs": float(config.epochs),
        "steps": float(math.ceil(len(data) / config.batch_size) * config.epochs),
        "tokens": float(n_tokens * config.epochs),
        "seconds": seconds,
        "tokens_per_s": n_tokens * config.epochs / max(seconds, 1e-9),
        "final_loss": loss_value,
        "params": float(sum(p.numel() for p in model.parameters())),
    }
    return TrainedModel(model, tokenizer, config, stats)


def _optimise(
    model: Any, data: Any, pad_id: int, config: TrainConfig, progress: Callable[[str], None] | None
) -> float:
    """The training loop (AdamW, warm-up then cosine); returns the last batch's loss.

    With ``config.dtype == "bfloat16"`` the forward pass runs under bf16 autocast on the
    config's device; with ``config.compile`` the model is ``torch.compile``-d.
    """
    torch, _ = _require()
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(data) / config.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, _lr_lambda(steps_per_epoch * config.epochs, config.warmup)
    )
    gen = torch.Generator().manual_seed(config.seed)
    step_fn = torch.compile(model) if config.compile else model
    device_type = "cuda" if str(config.device).startswith("cuda") else "cpu"
    autocast = torch.autocast(device_type, dtype=torch.bfloat16, enabled=config.dtype == "bfloat16")
    start, loss_value = time.perf_counter(), float("nan")
    model.train()
    for epoch in range(config.epochs):
        order = torch.randperm(len(data), generator=gen).to(config.device)
        for b in range(steps_per_epoch):
            batch = data[order[b * config.batch_size : (b + 1) * config.batch_size]]  # (B, T)
            labels = batch.masked_fill(batch == pad_id, -100)
            with autocast:
                loss = step_fn(input_ids=batch, labels=labels).loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        loss_value = loss.item()  # one sync per epoch, not per step
        if progress and (epoch + 1) % max(1, config.epochs // 8) == 0:
            progress(
                f"epoch {epoch + 1}/{config.epochs} loss {loss_value:.3f} "
                f"({time.perf_counter() - start:.0f}s)"
            )
    return loss_value


def save_checkpoint(trained: TrainedModel, path: str | Path, world: World) -> Path:
    """``save_pretrained`` the model and tokenizer into ``path`` plus the ``lab.json`` sidecar."""
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    trained.model.save_pretrained(out)
    trained.tokenizer.save_pretrained(out)
    sidecar = {
        "world": world.config.to_dict(),
        "train": asdict(trained.config),
        "stats": trained.stats,
        "prompt_template": {
            "birthday": "Q : When was {name} born ? A :",
            "city": "Q : Where does {name} live ? A :",
        },
    }
    tmp = out / (SIDECAR + ".tmp")
    tmp.write_text(json.dumps(sidecar, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out / SIDECAR)
    return out


def load_checkpoint(path: str | Path) -> TrainedModel:
    """Load a checkpoint written by :func:`save_checkpoint` (model in eval mode, on CPU)."""
    _, transformers = _require()
    root = Path(path)
    if not (root / SIDECAR).is_file():
        raise InputError(f"no {SIDECAR} sidecar: not a lab checkpoint", path=str(root))
    meta = json.loads((root / SIDECAR).read_text(encoding="utf-8"))
    model = transformers.GPT2LMHeadModel.from_pretrained(root).eval()
    tokenizer = transformers.PreTrainedTokenizerFast.from_pretrained(root)
    # sidecars older than n_positions lack it: the model's own config says what it has
    config = replace(
        TrainConfig(**meta["train"]), device="cpu", n_positions=model.config.n_positions
    )
    return TrainedModel(model, tokenizer, config, dict(meta["stats"]))
