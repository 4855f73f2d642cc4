"""p̂(r|c) of a trained lab model for every candidate r, exactly, in one forward pass.

Every candidate answer (365 dates, 40 cities, IDK) is a single token of the word-level
vocabulary and an answer is that one token. So the model's answer distribution for
prompt c is its next-token distribution after the prompt text, read at the last prompt
position: one forward pass gives p̂ of all 366 candidates (366× cheaper than
teacher-forcing each candidate; the tests check it equals the teacher-forced sequence
probability and the frequency of sampled answers). Next-token mass on any non-candidate
token is left out of the row, so it counts as error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from dontguess.lab._vocab import IDK
from dontguess.lab.corpus import prompt_text
from dontguess.lab.measure import CANDIDATE_COLS, IDK_COL, all_prompts
from dontguess.lab.world import FACT_ANSWERS, FACTS, World

__all__ = ["candidate_ids", "candidate_p_hat", "encode_prompts", "next_token_probs"]


def candidate_ids(tokenizer: Any) -> dict[str, list[int]]:
    """Token id of each candidate column per fact (answers in order, then IDK)."""
    vocab = tokenizer.get_vocab()
    return {f: [vocab[a] for a in FACT_ANSWERS[f]] + [vocab[IDK]] for f in FACTS}


def encode_prompts(tokenizer: Any, world: World, prompts: npt.NDArray[np.int64]) -> list[list[int]]:
    """Token ids of ``[BOS] prompt`` for each prompt index."""
    texts = [
        "[BOS] " + prompt_text(world.names[c // len(FACTS)], FACTS[c % len(FACTS)])
        for c in prompts.tolist()
    ]
    return [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]


def next_token_probs(
    model: Any, ids: list[list[int]], *, pad_id: int, batch_size: int = 512
) -> Any:
    """(len(ids), V) float64 next-token distribution after each id list (right padding)."""
    import torch

    out = []
    device = next(model.parameters()).device
    with torch.no_grad():
        for s in range(0, len(ids), batch_size):
            chunk = ids[s : s + batch_size]
            width = max(len(x) for x in chunk)
            batch = torch.full((len(chunk), width), pad_id, dtype=torch.long)
            for i, x in enumerate(chunk):
                batch[i, : len(x)] = torch.tensor(x)
            last = torch.tensor([len(x) - 1 for x in chunk], device=device)
            # (B, T, V); attention is causal, so the right padding never reaches `last`
            logits = model(input_ids=batch.to(device)).logits
            picked = logits[torch.arange(len(chunk), device=device), last].double()  # (B, V)
            out.append(torch.softmax(picked, dim=-1).cpu())
    return torch.cat(out).numpy()


def candidate_p_hat(
    trained: Any,
    world: World,
    prompts: npt.NDArray[np.int64] | None = None,
    *,
    batch_size: int = 512,
) -> npt.NDArray[np.float64]:
    """(n, :data:`~dontguess.lab.measure.CANDIDATE_COLS`) p̂ of every candidate of every prompt.

    Args:
        trained: a :class:`~dontguess.lab.gpt.TrainedModel`.
        world: the world the prompts come from.
        prompts: prompt indices (default: every prompt of the world, in order).
        batch_size: prompts per forward pass.
    """
    prompts = all_prompts(world) if prompts is None else prompts
    tok = trained.tokenizer
    probs = next_token_probs(
        trained.model,
        encode_prompts(tok, world, prompts),
        pad_id=tok.pad_token_id,
        batch_size=batch_size,
    )
    cand = candidate_ids(tok)
    p_hat = np.zeros((len(prompts), CANDIDATE_COLS))
    facts = world.fact_of(prompts)
    for f, fact in enumerate(FACTS):
        rows = np.flatnonzero(facts == f)
        ids = np.array(cand[fact])
        p_hat[np.ix_(rows, np.arange(len(ids) - 1))] = probs[np.ix_(rows, ids[:-1])]
        p_hat[rows, IDK_COL] = probs[rows, ids[-1]]
    return p_hat
