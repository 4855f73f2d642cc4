"""Private helpers shared by several packages; not part of the public API.

- :mod:`~dontguess._util.bootstrap`: the vectorised, seeded cluster bootstrap.
- :mod:`~dontguess._util.coded`: text columns that keep their dictionary codes.
- :mod:`~dontguess._util.factorize`: encoding columns as small integer codes.
- :mod:`~dontguess._util.intervals`: normal quantiles and Wilson bounds.
- :mod:`~dontguess._util.rawtext`: checks of raw bytes before any parser (UTF-8, depth).
- :mod:`~dontguess._util.selective`: answer-only-when-confident kernels.
- :mod:`~dontguess._util.undefined`: undefined values (nan + warning, or ``zero_division``).
- :mod:`~dontguess._util.redact`: the one secret scrubber. Every string a backend can emit
  (error replies, exception messages, snippets of response bodies, echoed headers) passes
  through it before it is truncated, stored or printed.
"""

from __future__ import annotations

__all__: list[str] = []
