"""Question sets: load, validate and fingerprint :class:`~dontguess.records.Item` lists.

``load_items(source)`` accepts

* a built-in name: ``simpleqa``, ``simpleqa_verified``, ``nq_open``, ``triviaqa``,
  ``popqa``, ``entityquestions``, ``witqa``, ``truthfulqa`` (2021 file),
  ``truthfulqa_2025``, ``truthfulqa_binary`` (best vs best-incorrect answer as A/B),
  ``selfaware`` — the full upstream file pinned in the registry (``DATASETS``), read
  from ``$DONTGUESS_DATA_DIR`` when that is set (parent folders are never searched),
  else from the download cache, fetched on first use (``fetch_builtin``; offline with
  ``DONTGUESS_OFFLINE=1``, mirrored with ``DONTGUESS_DATASETS_MIRROR``);
* a probe: ``probe:letters``, ``probe:birthdays``, ``probe:titles`` (generated, seeded);
* ``hf:NAME[:SPLIT]`` or ``hf:PATH`` (a ``save_to_disk`` folder; needs ``datasets``);
* a ``.jsonl`` / ``.json`` / ``.csv`` / ``.parquet`` file.

See ``docs/datasets.md`` for ids, groups and kinds of every set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.items._builtin import (
    BUILTIN_FILES,
    cached_builtin,
    fetch_builtin,
    find_data_dir,
    load_builtin,
    locate_builtin,
    popularity_bucket,
)
from dontguess.items._fetch import Cached, Progress, cache_dir
from dontguess.items._generic import Columns, rows_to_items
from dontguess.items._hf import hf_rows
from dontguess.items._probes import PROBES, load_probe
from dontguess.items._registry import FILES, SET_FILES, DataFile
from dontguess.items._rows import read_rows
from dontguess.records import Item

__all__ = [
    "BUILTIN_SETS",
    "Cached",
    "DATASETS",
    "DataFile",
    "builtin_source",
    "cache_dir",
    "cached_builtin",
    "dataset_hash",
    "fetch_builtin",
    "find_data_dir",
    "load_items",
    "popularity_bucket",
]

#: Every name ``load_items`` resolves without a path.
BUILTIN_SETS: tuple[str, ...] = tuple(sorted(BUILTIN_FILES)) + tuple(f"probe:{p}" for p in PROBES)
#: Every downloadable built-in set → its pinned upstream file (source URL, licence, rows,
#: sha256). Probes are generated and have no entry.
DATASETS: dict[str, DataFile] = {name: FILES[key] for name, key in sorted(SET_FILES.items())}


def builtin_source(name: str, *, progress: Progress | None = None) -> dict[str, Any] | None:
    """Where the question set ``name`` is read from, for a run's spec.json; ``None`` when
    ``name`` is not a downloadable built-in set (a probe, ``hf:`` set or file).

    A built-in set not yet in the cache is fetched first (``progress`` follows it). The
    record names the ``source`` URL, ``revision``, ``sha256`` of the file read, ``origin``
    (``DONTGUESS_DATA_DIR`` or ``cache``), ``path`` and ``licence``.

    >>> builtin_source("probe:letters") is None
    True
    """
    if name not in DATASETS:
        return None
    return locate_builtin(name, progress=progress)[1]


def load_items(
    source: str,
    *,
    limit: int | None = None,
    id_col: str = "id",
    question_col: str = "question",
    answer_col: str = "answer",
    answers_col: str = "answers",
    group_cols: Sequence[str] = (),
    answer_sep: str | None = None,
    incorrect_col: str = "incorrect_answers",
    seed: int = 0,
) -> list[Item]:
    """Load a question set as a list of items, in source order.

    Args:
        source: a built-in name, ``probe:NAME``, ``hf:NAME[:SPLIT]``/``hf:PATH`` or a file.
        limit: keep the first ``limit`` items in source order (file order for files and
            built-ins, generation order for probes). The whole source is still validated.
        id_col / question_col / answer_col / answers_col: column names for files and
            ``hf:`` sets. ``answers`` holds aliases (a list; JSON-encoded in CSV). Without
            an ``id`` column, the id is the 0-based row number. A column named here that
            the source lacks is an error listing the columns it has.
        group_cols: columns copied into ``Item.groups`` (files and ``hf:`` sets).
        answer_sep: split text cells of the answer columns on this separator (e.g.
            ``"; "``); ``None`` keeps each text cell whole.
        incorrect_col: the column of known wrong answers (read when present; a column
            named here must exist): a reply matching one is graded incorrect, as for
            TruthfulQA's ``Incorrect Answers``. Cut by ``answer_sep`` too; a value that is
            also a gold answer is dropped.
        seed: seed for generated probes and the option order of ``truthfulqa_binary``.

    Returns:
        The items; ids are unique.

    Raises:
        InputError: unknown source, bad row (file and 1-based line named; CSV header is
            line 1), duplicate or empty id, missing data folder.
        SchemaError: a named column is missing.
        MissingDependencyError: ``hf:`` without the ``datasets`` package.

    >>> item = load_items("probe:letters", limit=1)[0]
    >>> item.question.split("?")[0], item.answers, item.kind
    ('How many Qs are in STRAWBERRY', ('0',), 'number')
    """
    if limit is not None and limit < 0:
        raise InputError(f"limit must be >= 0, got {limit}")
    if isinstance(group_cols, str):
        raise InputError(f"group_cols must be a list of names, got the string {group_cols!r}")
    if answer_sep == "":
        raise InputError("answer_sep must be a non-empty separator (or None), got ''")
    cols = Columns(
        id_col,
        question_col,
        answer_col,
        answers_col,
        tuple(group_cols),
        answer_sep,
        incorrect_col,
    )
    items = _load(source, cols, seed)
    return items if limit is None else items[:limit]


def _load(source: str, cols: Columns, seed: int) -> list[Item]:
    if cols != Columns() and (source in BUILTIN_FILES or source.startswith("probe:")):
        raise InputError(
            f"column options (--question-col, --answer-col, --answer-sep, --id-col, "
            f"--group-col, --incorrect-col) apply to files and hf: sets; {source!r} is a "
            "built-in set with "
            "fixed columns (see docs/datasets.md)"
        )
    if source in BUILTIN_FILES:
        return load_builtin(source, seed=seed)
    if source.startswith("probe:"):
        name = source.removeprefix("probe:")
        if name not in PROBES:
            raise InputError(f"unknown probe {name!r}; probes: {', '.join(PROBES)}")
        return load_probe(name, seed=seed)
    if source.startswith("hf:"):
        label, rows = hf_rows(source.removeprefix("hf:"))
        return rows_to_items(rows, label, cols)
    path = Path(source).expanduser()
    if path.suffix == "" and not path.exists():
        raise InputError(
            f"unknown question set {source!r}; built-ins: {', '.join(BUILTIN_SETS)}, "
            "or give hf:NAME or a .jsonl/.json/.csv/.parquet file"
        )
    return rows_to_items(read_rows(path), str(path), cols)


def dataset_hash(items: Sequence[Item]) -> str:
    """Short fingerprint of a question set: 16 hex digits of sha256 over canonical JSON.

    The JSON lists every item's id, question, answers, incorrect answers, kind, choices
    and groups in order, with sorted keys, no whitespace and UTF-8 text, so any change to
    the questions, golds, order or limit changes the hash.

    >>> dataset_hash([Item(id="1", question="2+2?", answers=("4",))])
    '996607313f12778a'
    """
    canonical = [
        {
            "id": item.id,
            "question": item.question,
            "answers": list(item.answers),
            "incorrect_answers": list(item.incorrect_answers),
            "kind": item.kind,
            "choices": list(item.choices),
            "groups": dict(sorted(item.groups.items())),
        }
        for item in items
    ]
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
