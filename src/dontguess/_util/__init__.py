"""Private helpers shared by several packages; not part of the public API.

- :mod:`~dontguess._util.redact`: the one secret scrubber. Every string a backend can emit
  (error replies, exception messages, snippets of response bodies, echoed headers) passes
  through it before it is truncated, stored or printed.
"""

from __future__ import annotations

__all__: list[str] = []
