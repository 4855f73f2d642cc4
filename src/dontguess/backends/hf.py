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

The context length (:attr:`HFBackend.context_length`) comes from the model config
(``n_positions``, ``max_position_embeddings``, ``n_ctx``) or else the tokenizer's
``model_max_length``. :meth:`HFBackend.check_requests` refuses, before anything is sent,
a prompt longer than the context (an ``InputError`` naming the model, both lengths and the
rubric that made the prompt); :meth:`HFBackend.complete` raises
:class:`~dontguess.backends.base.FatalBackendError` for one that slips through, and stops
generation where the context ends (like a server's ``finish_reason="length"``), so a long
``max_tokens`` never runs past the position table.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dontguess.backends.base import FatalBackendError, Request
from dontguess.errors import InputError, MissingDependencyError
from dontguess.records import Reply

__all__ = ["HFBackend", "context_length"]

_Key = tuple[float, int, bool]
_CONFIG_LENGTHS = ("n_positions", "max_position_embeddings", "n_ctx")
_NO_LIMIT = 10**9  # tokenizers without a known limit say ~1e30


def context_length(model_config: Any, tokenizer: Any) -> tuple[int, str] | None:
    """The most tokens the model can attend to, and where that number came from.

    The model config's ``n_positions`` / ``max_position_embeddings`` / ``n_ctx`` first
    (the size of the position table), else the tokenizer's ``model_max_length`` when it
    is a real limit; ``None`` when neither says.

    >>> from types import SimpleNamespace as NS
    >>> context_length(NS(n_positions=32), NS(model_max_length=10**30))
    (32, 'config n_positions')
    >>> context_length(NS(), NS(model_max_length=512))
    (512, 'tokenizer model_max_length')
    >>> context_length(NS(), NS(model_max_length=10**30)) is None
    True
    """
    for name in _CONFIG_LENGTHS:
        value = getattr(model_config, name, None)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value, f"config {name}"
    value = getattr(tokenizer, "model_max_length", None)
    if isinstance(value, int) and 0 < value < _NO_LIMIT:
        return value, "tokenizer model_max_length"
    return None


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
        limit = context_length(self._model.config, self._tok)
        #: most tokens the model attends to (prompt and answer), ``None`` if unknown
        self.context_length: int | None = None if limit is None else limit[0]
        self._context_source = "unknown" if limit is None else limit[1]
        self.batch_size = batch_size
        self.max_concurrency = concurrency or 4 * batch_size
        self._pending: list[tuple[Request, _Key, asyncio.Future[Reply]]] = []
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

    def check_requests(self, requests: Iterable[Request]) -> None:
        """Pre-flight: refuse prompts longer than the model's context, before any is sent.

        Raises:
            InputError: the longest prompt does not fit; the message names the model,
                the context length and its source, the prompt's token count and the
                rubric (closed, or open at which target) that made it, and what to do.
        """
        if self.context_length is None:
            return
        texts: dict[str, Request] = {}
        for request in requests:
            texts.setdefault(self.prompt_text(request), request)
        if not texts:
            return
        counts = [len(ids) for ids in self._tok(list(texts))["input_ids"]]
        n, request = max(zip(counts, texts.values(), strict=True), key=lambda x: x[0])
        if n > self.context_length:
            raise InputError(self._too_long(n, request, "the longest prompt"))

    def _too_long(self, n_tokens: int, request: Request, which: str = "a prompt") -> str:
        if request.target is None:
            origin, fix = "the closed rubric (the question itself)", "shorter questions"
        else:
            origin = f"the open rubric at t={request.target:g} (its template plus the question)"
            fix = "--rubric closed, or a shorter --template"
        return (
            f"{self.name}: {which} is {n_tokens} tokens but the model's context is "
            f"{self.context_length} positions ({self._context_source}); it comes from "
            f"{origin}. Use {fix}, or a model with a longer context"
        )

    def _new_tokens(self, request: Request) -> int:
        """``max_tokens``, cut to what fits after the prompt (a prompt of L tokens leaves
        room for context − L + 1 new ones: the last needs no position of its own)."""
        if self.context_length is None:
            return request.max_tokens
        n = len(self._tok(self.prompt_text(request))["input_ids"])
        if n > self.context_length:
            raise FatalBackendError(self._too_long(n, request))
        return min(request.max_tokens, self.context_length - n + 1)

    async def complete(self, request: Request) -> Reply:
        """Queue ``request``; it is answered with the next batch that has its settings.

        Raises:
            FatalBackendError: the prompt is longer than the model's context.
        """
        key = (request.temperature, self._new_tokens(request), request.logprobs)
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending.append((request, key, future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            await asyncio.sleep(0)  # let callers scheduled in this tick enqueue too
            key = self._pending[0][1]
            batch = [p for p in self._pending if p[1] == key][: self.batch_size]
            self._pending = [p for p in self._pending if all(p is not b for b in batch)]
            try:
                replies = await asyncio.to_thread(self._generate, [r for r, _, _ in batch], key[1])
            except Exception as exc:  # every waiter must hear of the failure
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            for (_, _, fut), reply in zip(batch, replies, strict=True):
                if not fut.done():
                    fut.set_result(reply)

    def _generate(self, requests: list[Request], new_tokens: int) -> list[Reply]:
        """One ``generate`` call for requests sharing temperature, logprobs and
        ``new_tokens`` (max_tokens cut to the context: equal cuts mean equal prompt
        lengths, so the batch fits)."""
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
                max_new_tokens=new_tokens,
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
