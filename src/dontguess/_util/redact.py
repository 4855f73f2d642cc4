"""The secret scrubber: API keys and ``Authorization`` values never leave in a text.

:class:`Redactor` removes, wherever they appear in a text:

- each secret it was given (an API key), whole;
- any run of at least :data:`MIN_FRAGMENT` characters that is a piece of a secret (a
  server that echoes part of a key, or a key cut by someone else's length limit);
- the value of an ``Authorization``, ``Proxy-Authorization``, ``api-key`` or
  ``x-api-key`` header or field (``Authorization: Bearer abc`` → ``Authorization: ***``);
- the token after ``Bearer`` or ``Basic``, even with no header name before it.

Each removal becomes ``***``. With ``limit=`` the text is scrubbed **first** and cut
afterwards, and a tail that is the start of a secret (``sk-pr`` of ``sk-proj-…``) is
dropped too, so no cut can leave most of a key behind. Secrets shorter than
:data:`MIN_SECRET` characters are not secrets (placeholder keys such as ``x``), and are
left alone so that they do not garble every message.

>>> r = Redactor(["sk-test-0123456789abcdef"])
>>> r("bad key sk-test-0123456789abcdef")
'bad key ***'
>>> r("echo: 0123456789abc (partial)")
'echo: *** (partial)'
>>> r('{"Authorization": "Bearer other-token"}')
'{"Authorization": "***"}'
>>> r("x" * 10 + "sk-test-0123", limit=15)
'xxxxxxxxxx***'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MIN_FRAGMENT", "MIN_SECRET", "Redactor"]

#: Shortest piece of a secret that is removed when found on its own.
MIN_FRAGMENT = 6
#: Shortest string treated as a secret at all.
MIN_SECRET = 4
#: Shortest start of a secret removed from the end of a cut text.
_MIN_TAIL = 3
_MASK = "***"

_HEADER = re.compile(
    r"""(?ix)
    ( \b(?:proxy-)?authorization | \bx-api-key | \bapi[-_]key )   # the field's name
    ( ["']? \s* [:=] \s* ["']? )                                   # separator, quotes
    [^"'\r\n<>,;{}\[\]\\]+                                         # the value
    """
)
_TOKEN = re.compile(r"(?i)\b(bearer|basic)(\s+|%20|\+)[^\s\"'<>,;{}\[\]\\]+")


class Redactor:
    """Scrub secrets and authorization values from texts (see the module doc).

    Args:
        secrets: the strings to remove (API keys); ``None`` and short ones are skipped.
    """

    __slots__ = ("_grams", "_secrets")

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found = {s for s in secrets if s and len(s) >= MIN_SECRET}
        self._secrets = sorted(found, key=len, reverse=True)
        self._grams = sorted(
            {
                s[i : i + MIN_FRAGMENT]
                for s in self._secrets
                for i in range(len(s) - MIN_FRAGMENT + 1)
            }
        )

    def __call__(self, text: str, *, limit: int | None = None, headers: bool = True) -> str:
        """``text`` scrubbed, then cut to at most ``limit`` characters.

        Args:
            text: any text that may hold a secret.
            limit: cut the scrubbed text to this many characters (``None``: no cut).
            headers: also remove ``Authorization``/``Bearer`` values (not only the
                secrets themselves); turned off for model answers.
        """
        cut = False
        if limit is not None:
            # scrubbing only shortens a text, so a window past the limit is enough
            longest = len(self._secrets[0]) if self._secrets else 0
            window = limit + 2 * longest + 256
            cut, text = len(text) > window, text[:window]
        for secret in self._secrets:
            text = text.replace(secret, _MASK)
        text = self._fragments(text)
        if headers:
            text = _HEADER.sub(lambda m: m.group(1) + m.group(2) + _MASK, text)
            text = _TOKEN.sub(lambda m: m.group(1) + " " + _MASK, text)
        if limit is not None and (cut or len(text) > limit):
            text = self._drop_tail(text[:limit])
        return text

    def _fragments(self, text: str) -> str:
        """Replace every run of text covered by pieces of a secret with the mask."""
        spans: list[tuple[int, int]] = []
        for gram in self._grams:
            at = text.find(gram)
            while at != -1:
                spans.append((at, at + MIN_FRAGMENT))
                at = text.find(gram, at + 1)
        if not spans:
            return text
        spans.sort()
        out, pos, start, end = [], 0, spans[0][0], spans[0][1]
        for s, e in spans[1:]:
            if s <= end:
                end = max(end, e)
                continue
            out += [text[pos:start], _MASK]
            pos, start, end = end, s, e
        out += [text[pos:start], _MASK, text[end:]]
        return "".join(out)

    def _drop_tail(self, text: str) -> str:
        """Drop a tail of a cut text that is the start of a secret."""
        for secret in self._secrets:
            for n in range(min(len(secret), len(text)), _MIN_TAIL - 1, -1):
                if text.endswith(secret[:n]):
                    return text[:-n] + _MASK
        return text
