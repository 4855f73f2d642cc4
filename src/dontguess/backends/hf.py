"""``hf:PATH``: any local causal LM loaded with transformers, batched generation, logprobs.

The model and tokenizer load once from a local folder (``save_pretrained`` layout, e.g. a
lab checkpoint from ``dontguess demo``: ``hf:demo-out/model``). Concurrent
:meth:`HFBackend.complete` calls are gathered into batches of up to ``batch_size``
requests with the same generation settings and run in a worker thread with left padding.
Chat requests use the tokenizer's chat template when it has one, else the message
contents joined by newlines. Each reply carries the log-probability of every generated
token under the model's own (untempered) distribution, up to and excluding end-of-text.

Sampling (``temperature > 0``) is seeded per batch with the first request's
``seed + sample``, so sampled text repeats for the same batches. torch/transformers are
imported lazily: ``pip install 'dontguess[hf]'``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from dontguess.backends.base import Request
from dontguess.errors import InputError, MissingDependencyError
from dontguess.records import Reply

__all__ = ["HFBackend"]

_Key = tuple[float, int, bool]


class HFBackend:
    """A local Hugging Face causal LM as a :class:`~dontguess.backends.base.Backend`.

    Args:
        path: folder holding the model and tokenizer (``save_pretrained`` layout).
        device: torch device (default ``cpu``).
        batch_size: most requests per ``generate`` call.
        concurrency: how many requests the runner may keep in flight (default 4 × batch).
        threads: torch CPU threads (default: all cores).
        **_ignored: options other backends take (``timeout``...), accepted and unused.
    """

    def __init__(
        self,
        path: str,
        *,
        device: str = "cpu",
        batch_size: int = 16,
        concurrency: int | None = None,
        threads: int | None = None,
        **_ignored: Any,
    ) -> None:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise MissingDependencyError("transformers", "hf") from exc
        root = Path(path)
        if not root.is_dir():
            raise InputError(
                "no model folder here (hf:PATH wants a save_pretrained folder)", path=str(root)
            )
        if batch_size < 1:
            raise InputError(f"batch_size must be >= 1, got {batch_size}")
        torch.set_num_threads(threads or os.cpu_count() or 1)
        transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        try:
            self._tok = transformers.AutoTokenizer.from_pretrained(root)
            model: Any = transformers.AutoModelForCausalLM.from_pretrained(root)
            self._model = model.to(device)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot load a causal LM: {exc}", path=str(root)) from exc
        self._model.eval()
        self._tok.padding_side = "left"
        if self._tok.pad_token_id is None:
            self._tok.pad_token = self._tok.eos_token
        self._device = device
        self.name = f"hf:{path}"
        self.batch_size = batch_size
        self.max_concurrency = concurrency or 4 * batch_size
        self._pending: list[tuple[Request, asyncio.Future[Reply]]] = []
        self._worker: asyncio.Task[None] | None = None

    def prompt_text(self, request: Request) -> str:
        """The text fed to the model for ``request``."""
        if request.prompt is not None:
            return request.prompt
        if getattr(self._tok, "chat_template", None):
            chat = [{"role": r, "content": c} for r, c in request.messages]
            return str(
                self._tok.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
            )
        return "\n".join(content for _, content in request.messages)

    async def complete(self, request: Request) -> Reply:
        """Queue ``request``; it is answered with the next batch that has its settings."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending.append((request, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let callers scheduled in this tick enqueue too
            key = _key(self._pending[0][0])
            batch = [p for p in self._pending if _key(p[0]) == key][: self.batch_size]
            self._pending = [p for p in self._pending if all(p is not b for b in batch)]
            try:
                replies = await asyncio.to_thread(self._generate, [r for r, _ in batch])
            except Exception as exc:  # every waiter must hear of the failure
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (_, fut), reply in zip(batch, replies, strict=True):
                if not fut.done():
                    fut.set_result(reply)

    def _generate(self, requests: list[Request]) -> list[Reply]:
        """One ``generate`` call for requests sharing temperature, max_tokens, logprobs."""
        import torch

        first = requests[0]
        enc = self._tok(
            [self.prompt_text(r) for r in requests], return_tensors="pt", padding=True
        ).to(self._device)
        sample = first.temperature > 0
        if sample:
            torch.manual_seed((first.seed or 0) + first.sample)
        with torch.no_grad():
            out = self._model.generate(
                **enc,
                max_new_tokens=first.max_tokens,
                do_sample=sample,
                temperature=first.temperature if sample else None,
                top_k=0 if sample else None,
                top_p=None,
                pad_token_id=self._tok.pad_token_id,
                output_logits=True,
                return_dict_in_generate=True,
            )
        width = enc["input_ids"].shape[1]
        new = out.sequences[:, width:]  # (B, T_new)
        logits = torch.stack(out.logits, dim=1).float()  # (B, T_new, V)
        logp = torch.log_softmax(logits, dim=-1).gather(-1, new.unsqueeze(-1)).squeeze(-1)
        return [
            self._reply(new[i], logp[i], int(enc["attention_mask"][i].sum()), first.logprobs)
            for i in range(len(requests))
        ]

    def _reply(self, tokens: Any, logp: Any, n_prompt: int, want_logprobs: bool) -> Reply:
        ids = tokens.tolist()
        eos = self._tok.eos_token_id
        end = ids.index(eos) if eos is not None and eos in ids else len(ids)
        text = str(self._tok.decode(ids[:end], skip_special_tokens=True)).strip()
        lps = tuple(float(x) for x in logp[:end].tolist()) if want_logprobs else None
        return Reply(text=text, logprobs=lps, prompt_tokens=n_prompt, completion_tokens=end)

    async def aclose(self) -> None:
        """Wait for queued requests, then drop the model."""
        if self._worker is not None:
            await self._worker
        self._model = None


def _key(request: Request) -> _Key:
    return (request.temperature, request.max_tokens, request.logprobs)
