"""Reading OpenAI-compatible response bodies without trusting them.

A 200 body becomes replies only when every field used has the right type: ``choices`` a
non-empty list of objects, ``index`` absent or a non-negative integer, the answer text a
string (or ``null`` with a final reason: a refusal, ``finish_reason`` ``length`` or
``content_filter``). Anything else, including a body that is not JSON or is nested deeper
than the parser allows, raises :class:`~dontguess.backends.base.TransientBackendError`
``malformed response body (why): 'first 200 characters'``. Token counts that are not
non-negative integers below 2**63 are dropped (the reply keeps its text); so are
log-probabilities that are not finite numbers. Every text that leaves (answer, refusal,
snippet, server message) is scrubbed by the backend's redactor before it is cut.

>>> from dontguess._util.redact import Redactor
>>> p = ReplyParser("chat", Redactor(["sk-abcdefgh12345678"]))
>>> p.parse(b'{"choices": [{"message": {"content": "Paris"}}],'
...         b' "usage": {"prompt_tokens": "ten", "completion_tokens": 2}}')
[Reply(text='Paris', error=None, logprobs=None, prompt_tokens=None, completion_tokens=2)]
>>> p.parse(b'{"echo": "Bearer sk-abcdefgh12345678"}')
Traceback (most recent call last):
...
dontguess.backends.base.TransientBackendError: malformed ... list): '{"echo": "Bearer ***"}'
"""

from __future__ import annotations

import json
import math
from typing import Any

from dontguess._util.redact import Redactor
from dontguess.backends.base import TransientBackendError
from dontguess.records import Reply

__all__ = ["ReplyParser"]

_SNIPPET = 200  # characters of a malformed body shown in the error
_MESSAGE = 500  # characters of a server's error message kept
_REFUSAL = 300
_MAX_TOKENS = 2**63  # a SQLite INTEGER holds less


class _Malformed(ValueError):
    """A body that cannot be read as a completion; the message says why."""


class ReplyParser:
    """Turn response bodies into replies and error messages (see the module doc).

    Args:
        api: ``"chat"`` or ``"completions"``.
        redact: the backend's scrubber.
    """

    __slots__ = ("_api", "_redact")

    def __init__(self, api: str, redact: Redactor) -> None:
        self._api = api
        self._redact = redact

    def parse(self, raw: bytes) -> list[Reply]:
        """The replies of a 200 body, in ``index`` order (usage on the first)."""
        try:
            doc = _loads(raw)
            choices = _choices(doc)
            usage = _usage(doc.get("usage"))
            return [self._choice(c, usage if i == 0 else {}) for i, c in enumerate(choices)]
        except _Malformed as exc:
            snippet = self._redact(raw[: 4 * _SNIPPET].decode("utf-8", "replace"), limit=_SNIPPET)
            why = self._redact(str(exc), limit=_SNIPPET)
            raise TransientBackendError(f"malformed response body ({why}): {snippet!r}") from exc

    def message(self, raw: bytes) -> str:
        """A 4xx/5xx body's message (``error.message`` when JSON), scrubbed, ≤ 500 chars."""
        text = raw.decode("utf-8", "replace")
        try:
            doc = _loads(raw)
            err = doc.get("error", doc) if isinstance(doc, dict) else doc
            msg = err.get("message", text) if isinstance(err, dict) else err
            text = msg if isinstance(msg, str) else json.dumps(msg)[: 4 * _MESSAGE]
        except (_Malformed, ValueError, RecursionError):
            pass
        return self._redact(" ".join(text.split()), limit=_MESSAGE) or "(empty body)"

    def _choice(self, choice: dict[str, Any], usage: dict[str, int]) -> Reply:
        """One choice as a reply; ``usage`` is the request's token counts (first only)."""
        if self._api == "chat":
            message = choice.get("message")
            if not isinstance(message, dict):
                raise _Malformed(f"choice message is {_kind(message)}")
            text = message.get("content")
        else:
            text = choice.get("text")
        if text is None and (why := self._no_answer(choice)) is not None:
            return Reply(text=None, error=why, completion_tokens=usage.get("completion_tokens"))
        if not isinstance(text, str):
            raise _Malformed(f"answer text is {_kind(text)}")
        return Reply(
            text=self._redact(text, headers=False),
            logprobs=_logprobs(choice.get("logprobs"), self._api),
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
        )

    def _no_answer(self, choice: dict[str, Any]) -> str | None:
        """Why a 200 reply holds no text, when retrying would not change it; else ``None``.

        A refusal, a content filter, or the token budget spent before any answer text (e.g.
        on hidden reasoning) are final outcomes, not malformed bodies.
        """
        message = choice.get("message")
        refusal = message.get("refusal") if isinstance(message, dict) else None
        if isinstance(refusal, str):
            return self._redact(f"refused: {refusal}", limit=_REFUSAL + 9)
        reason = choice.get("finish_reason")
        if reason in ("length", "content_filter"):
            return f"no answer text (finish_reason={reason})"
        return None


def _loads(raw: bytes) -> Any:
    """``json.loads`` that turns every way of failing into :class:`_Malformed`."""
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise _Malformed("nested too deep") from exc
    except json.JSONDecodeError as exc:
        raise _Malformed(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except UnicodeDecodeError as exc:
        raise _Malformed("not JSON: not UTF-8 text") from exc
    except (ValueError, OverflowError, MemoryError) as exc:
        raise _Malformed(f"not JSON: {str(exc)[:100]}") from exc


def _kind(value: Any) -> str:
    """A short description of an unexpected value.

    >>> _kind(None), _kind([1]), _kind(float("inf"))
    ('null', 'list', 'float inf')
    """
    if value is None:
        return "null"
    if isinstance(value, bool | int | float):
        return f"{type(value).__name__} {str(value)[:30]}"
    return type(value).__name__


def _choices(doc: Any) -> list[dict[str, Any]]:
    """The choices, checked and ordered by ``index`` (position when absent)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("choices"), list):
        raise _Malformed('no "choices" list')
    choices = doc["choices"]
    if not choices:
        raise _Malformed("no choices")
    keyed = []
    for position, choice in enumerate(choices):
        if not isinstance(choice, dict):
            raise _Malformed(f"choice {position} is {_kind(choice)}")
        index = choice.get("index", position)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise _Malformed(f"choice index is {_kind(index)}")
        keyed.append((index, position, choice))
    return [c for _, _, c in sorted(keyed, key=lambda t: t[:2])]


def _usage(block: Any) -> dict[str, int]:
    """Token counts that are non-negative integers; anything else is left out.

    >>> _usage({"prompt_tokens": "ten", "completion_tokens": 3, "total_tokens": -1})
    {'completion_tokens': 3}
    """
    if not isinstance(block, dict):
        return {}
    out = {}
    for name in ("prompt_tokens", "completion_tokens"):
        value = block.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < _MAX_TOKENS:
            out[name] = value
    return out


def _logprobs(block: Any, api: str) -> tuple[float, ...] | None:
    """Per-token log-probabilities, or ``None`` if absent or not all finite numbers.

    >>> _logprobs({"content": [{"logprob": -0.5}, {"logprob": "x"}]}, "chat") is None
    True
    """
    if not block or not isinstance(block, dict):
        return None
    items = block.get("content" if api == "chat" else "token_logprobs")
    if items is None:
        items = []
    if not isinstance(items, list):
        return None
    if api == "chat":
        values = [t.get("logprob") if isinstance(t, dict) else None for t in items]
    else:
        values = [x for x in items if x is not None]
    ok = all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    )
    return tuple(float(v) for v in values if v is not None) if ok else None
