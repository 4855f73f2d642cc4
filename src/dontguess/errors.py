"""The one exception tree of dontguess.

::

    DontGuessError                 base; the CLI prints its message and exits 2
    ├── InputError                 bad user input: file, line, value named in the message
    │   └── SchemaError            a required column or key is missing / has the wrong type
    ├── BackendError               a model backend failed (after bounded retries)
    ├── GradingError            a grader was misused (an undecidable reply is ungraded instead)
    ├── StoreError                 a run directory is missing, corrupt or from another schema
    └── MissingDependencyError     an optional extra is missing; names the pip command

Library code raises these (mapping third-party errors once, ``raise ... from exc``);
only :mod:`dontguess.cli` prints them.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "DontGuessError",
    "GradingError",
    "InputError",
    "MissingDependencyError",
    "SchemaError",
    "StoreError",
]


class DontGuessError(Exception):
    """Base class of every error dontguess raises on purpose."""


class InputError(DontGuessError, ValueError):
    """Bad user input. The message names the file, the line (1-based) and the value."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.path = path
        self.line = line


class SchemaError(InputError):
    """A required column or key is missing, or has the wrong type."""


class BackendError(DontGuessError):
    """A model backend failed after its bounded retries."""


class GradingError(DontGuessError):
    """A grader was called in a way it does not support."""


class StoreError(DontGuessError):
    """A run directory is missing, incomplete, corrupt or of an unknown schema version."""


class MissingDependencyError(DontGuessError, ImportError):
    """An optional dependency is missing; the message gives the install command."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f"this feature needs {package!r}; install it with: pip install 'dontguess[{extra}]'"
        )
        self.package = package
        self.extra = extra
