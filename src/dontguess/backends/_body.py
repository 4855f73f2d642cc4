"""Extra request-body fields (``--body KEY=VALUE``) and the name of the length field.

OpenAI-compatible servers take fields beyond the ones dontguess sets: ``top_p``, ``stop``,
``reasoning_effort``, provider-specific ones (vLLM's ``top_k``, OpenRouter's
``provider``). :func:`parse_body_fields` reads them from ``KEY=VALUE`` strings, where
VALUE is JSON (``0.9``, ``["\\n"]``, ``{"order": ["x"]}``) or, when it is not valid JSON,
plain text (``reasoning_effort=low``). ``null`` leaves a field out of the body
(``temperature=null`` for a model that accepts only its default).

OpenAI's reasoning models (o1, o3, o4-mini, gpt-5, …) refuse ``max_tokens`` and want
``max_completion_tokens``; :func:`length_field` picks the name (``auto`` does that by the
model name).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from dontguess.errors import InputError

__all__ = ["LENGTH_FIELDS", "check_body", "length_field", "parse_body_fields"]

#: Choices of ``--max-tokens-field``.
LENGTH_FIELDS = ("auto", "max_tokens", "max_completion_tokens")
#: Fields dontguess writes itself; ``--body`` cannot replace them.
_RESERVED = ("model", "messages", "prompt", "n", "stream")
#: Fields with their own option; ``--body`` may only remove them (``null``).
_OWN_OPTION = {
    "temperature": "--temperature",
    "max_tokens": "--max-tokens",
    "max_completion_tokens": "--max-tokens with --max-tokens-field max_completion_tokens",
    "seed": "--seed",
    "logprobs": "--logprobs",
}
_SECRET = re.compile(r"api[_-]?key|secret|passw|authori[sz]ation|bearer|access[_-]?token", re.I)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_REASONING = re.compile(r"(?i)^(?:openai/)?(?:o\d|gpt-5)(?:[-.:_].*)?$")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _value(text: str, where: str) -> Any:
    """JSON if ``text`` parses as JSON, else the text itself."""
    if not text.strip():
        raise InputError(f"{where}: no value after '='; write KEY=VALUE (VALUE is JSON or text)")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except ValueError:
        stripped = text.strip()
        if stripped[:1] in "[{":
            raise InputError(f"{where}: value {stripped[:60]!r} is not valid JSON") from None
        return text


def _secret_keys(value: Any, path: str = "") -> list[str]:
    """Names in ``value`` (nested objects too) that look like credentials."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            here = f"{path}.{k}" if path else str(k)
            if _SECRET.search(str(k)):
                found.append(here)
            found += _secret_keys(v, here)
    elif isinstance(value, list):
        for v in value:
            found += _secret_keys(v, path)
    return found


def check_body(body: Mapping[str, Any], *, where: str = "--body") -> dict[str, Any]:
    """``body`` checked: no reserved field, no field with its own option, no credential.

    Args:
        body: field name → JSON value (``None`` removes the field from the request).
        where: the option or argument the fields came from, for messages.

    Raises:
        InputError: naming the field and what to use instead.

    >>> check_body({"top_p": 0.9, "temperature": None})
    {'top_p': 0.9, 'temperature': None}
    >>> check_body({"model": "x"})
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: --body model: dontguess sets 'model' itself; ...
    """
    out: dict[str, Any] = {}
    for key, value in body.items():
        name = f"{where} {key}"
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise InputError(f"{where}: field name {key!r} must be letters, digits, _ . or -")
        if key in _RESERVED:
            raise InputError(f"{name}: dontguess sets {key!r} itself; it cannot be replaced")
        if key in _OWN_OPTION and value is not None:
            raise InputError(
                f"{name}: use {_OWN_OPTION[key]} (recorded with the run); --body {key}=null "
                "leaves the field out of the request"
            )
        secret = ([key] if _SECRET.search(key) else []) + _secret_keys(value, key)
        if secret:
            raise InputError(
                f"{name}: {secret[0]!r} looks like a credential; body fields are written to "
                "spec.json, so give the key with --api-key or OPENAI_API_KEY"
            )
        out[key] = value
    return out


def parse_body_fields(pairs: Iterable[str] | None) -> dict[str, Any]:
    """``KEY=VALUE`` strings → checked body fields (a later KEY replaces an earlier one).

    >>> parse_body_fields(["top_p=0.9", "reasoning_effort=low", 'stop=["\\\\n"]'])
    {'top_p': 0.9, 'reasoning_effort': 'low', 'stop': ['\\n']}
    >>> parse_body_fields(["top_p"])
    Traceback (most recent call last):
    ...
    dontguess.errors.InputError: --body 'top_p': expected KEY=VALUE (VALUE is JSON or text)
    """
    fields: dict[str, Any] = {}
    for pair in pairs or ():
        key, eq, raw = pair.partition("=")
        key = key.strip()
        if not eq or not key:
            raise InputError(f"--body {pair!r}: expected KEY=VALUE (VALUE is JSON or text)")
        fields[key] = _value(raw, f"--body {key}")
    return check_body(fields)


def length_field(model: str, choice: str = "auto") -> str:
    """The body field that carries the token limit for ``model``.

    ``auto`` gives ``max_completion_tokens`` for OpenAI reasoning models (names starting
    ``o1``, ``o3``, ``o4``, … or ``gpt-5``), else ``max_tokens``.

    >>> length_field("o3-mini"), length_field("gpt-4o")
    ('max_completion_tokens', 'max_tokens')
    """
    if choice not in LENGTH_FIELDS:
        raise InputError(
            f"--max-tokens-field must be one of {', '.join(LENGTH_FIELDS)}, got {choice!r}"
        )
    if choice != "auto":
        return choice
    return "max_completion_tokens" if _REASONING.match(model) else "max_tokens"
