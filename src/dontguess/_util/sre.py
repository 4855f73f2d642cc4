"""CPython's own parser of regular expressions, for the modules that read patterns (private).

``re._parser`` and ``re._constants`` are private to the standard library (every CPython
from 3.11 has them). The detector's first-character guard (``grading/_abstain_guard``) and
the importers' RE2 screen (``importers/_abstain_batch``) read the detector's patterns with
them; both are only speed-ups, so where these modules are missing both are None and their
users fall back to the plain patterns.
"""

from __future__ import annotations

from typing import Any

__all__ = ["sre_c", "sre_parse"]

sre_c: Any
sre_parse: Any
try:
    from re import _constants as sre_c  # type: ignore[attr-defined, no-redef]
    from re import _parser as sre_parse  # type: ignore[attr-defined, no-redef]
except ImportError:  # pragma: no cover - every CPython from 3.11 has them
    sre_c = sre_parse = None
