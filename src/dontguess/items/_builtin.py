"""Built-in question sets: one parser per set over the registry's pinned files.

The file is ``$DONTGUESS_DATA_DIR/<shared path>`` when that variable is set, else the
download cache (fetched on first use). See docs/datasets.md.
"""

from __future__ import annotations

import ast
import hashlib
import math
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dontguess.errors import InputError
from dontguess.items._fetch import Cached, Progress, cached, fetch, file_sha256
from dontguess.items._generic import Columns, as_list, rows_to_items, with_choices
from dontguess.items._registry import data_file
from dontguess.items._rows import read_rows
from dontguess.records import Item

__all__ = [
    "BUILTIN_FILES",
    "cached_builtin",
    "fetch_builtin",
    "find_data_dir",
    "load_builtin",
    "locate_builtin",
    "popularity_bucket",
    "text_id",
]

DATA_ENV = "DONTGUESS_DATA_DIR"
_ABSTAIN_GOLDS = {"i have no comment", "no comment"}


def find_data_dir() -> Path:
    """The shared data folder: ``$DONTGUESS_DATA_DIR``, nothing else.

    The working directory and its parents are never searched: a ``shared/data`` folder that
    happens to lie above the current directory is not used unless the variable names it.

    Raises:
        InputError: the variable is unset or empty, or does not name a directory; the
            message says how to set it.
    """
    env = os.environ.get(DATA_ENV, "").strip()
    if not env:
        raise InputError(
            f"built-in question sets are read from the data folder named by {DATA_ENV}, "
            f"which is not set: set {DATA_ENV}=/path/to/shared/data "
            "(or pass a question file instead of a built-in name)"
        )
    path = Path(env).expanduser()
    if not path.is_dir():
        raise InputError(f"{DATA_ENV}={env!r} is not a directory")
    return path


def text_id(prefix: str, text: str) -> str:
    """Derived id: ``prefix`` + first 12 hex digits of sha256 of the text.

    >>> text_id("sqa", "Who received the IEEE Frank Rosenblatt Award in 2010?")
    'sqa-0e002f6e273d'
    """
    return f"{prefix}-{hashlib.sha256(text.strip().encode('utf-8')).hexdigest()[:12]}"


def popularity_bucket(views: float) -> str:
    """Log2 bucket of monthly page views: ``[2^k, 2^(k+1) - 1]`` written ``"lo-hi"``.

    >>> [popularity_bucket(v) for v in (0, 1, 2, 3, 4, 99, 100)]
    ['0-1', '0-1', '2-3', '2-3', '4-7', '64-127', '64-127']
    """
    if views < 2:
        return "0-1"
    low = 2 ** math.floor(math.log2(views))
    return f"{low}-{2 * low - 1}"


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _kind_of(answer_type: str) -> str:
    return {"Date": "date", "Number": "number"}.get(answer_type, "text")


def _simpleqa(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    try:
        meta = ast.literal_eval(row["metadata"])
    except (ValueError, SyntaxError) as exc:
        raise InputError(
            f"bad metadata literal: {row['metadata'][:60]!r}", path=path, line=line
        ) from exc
    return Item(
        id=item_id,
        question=row["problem"].strip(),
        answers=(row["answer"].strip(),),
        kind=_kind_of(meta.get("answer_type", "")),
        groups={"topic": meta.get("topic", ""), "answer_type": meta.get("answer_type", "")},
    )


def _simpleqa_verified(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    return Item(
        id=item_id,
        question=row["problem"].strip(),
        answers=(row["answer"].strip(),),
        kind=_kind_of(row["answer_type"]),
        groups={k: row[k] for k in ("topic", "answer_type", "multi_step", "requires_reasoning")},
    )


def _nq_open(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    answers = as_list(row.get("answer"), where="answer", path=path, line=line)
    return Item(id=item_id, question=str(row["question"]), answers=tuple(answers))


def _triviaqa(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    aliases = as_list(row.get("aliases"), where="aliases", path=path, line=line)
    answers = dict.fromkeys([str(row["gold_answer"]).strip(), *aliases])
    return Item(id=item_id, question=str(row["question"]), answers=tuple(answers))


def _popqa(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    answers = as_list(row["possible_answers"], where="possible_answers", path=path, line=line)
    try:
        views = int(row["s_pop"])
    except ValueError as exc:
        raise InputError(
            f"s_pop is not an integer: {row['s_pop']!r}", path=path, line=line
        ) from exc
    groups = {"relation": row["prop"], "popularity": popularity_bucket(views), "s_pop": str(views)}
    return Item(id=item_id, question=row["question"], answers=tuple(answers), groups=groups)


def _entityquestions(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    return Item(
        id=item_id,
        question=row["question"],
        answers=(row["answer"].strip(),),
        groups={"relation": row["relation_name"]},
    )


def _witqa(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    answers = as_list(row["possible_answers"], where="possible_answers", path=path, line=line)
    return Item(
        id=item_id,
        question=row["question"],
        answers=tuple(dict.fromkeys(answers)),
        groups={"relation": row["predicate_label"]},
    )


def _truthfulqa(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    correct = [row["Best Answer"], *_split(row["Correct Answers"])]
    correct = [a for a in dict.fromkeys(c.strip() for c in correct) if a]
    answers = tuple(a for a in correct if a.lower().rstrip(".") not in _ABSTAIN_GOLDS)
    return Item(
        id=item_id,
        question=row["Question"],
        answers=answers,
        # Only "I have no comment" is listed as correct: only abstaining is right.
        kind="text" if answers else "unknowable",
        incorrect_answers=tuple(dict.fromkeys(_split(row["Incorrect Answers"]))),
        groups={"type": row["Type"], "category": row["Category"]},
    )


def _truthfulqa_binary(seed: int) -> Callable[[int, dict[str, Any], str, str], Item]:
    def make(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
        options = [row["Best Answer"].strip(), row["Best Incorrect Answer"].strip()]
        rng = random.Random(f"{seed}:{item_id}")
        flip = rng.random() < 0.5
        choices = tuple(reversed(options)) if flip else tuple(options)
        return Item(
            id=item_id,
            question=with_choices(row["Question"], choices),
            answers=("B" if flip else "A",),
            kind="choice",
            choices=choices,
            groups={"type": row["Type"], "category": row["Category"]},
        )

    return make


def _selfaware(line: int, row: dict[str, Any], item_id: str, path: str) -> Item:
    answerable = bool(row.get("answerable"))
    answers = as_list(row.get("answer"), where="answer", path=path, line=line)
    return Item(
        id=item_id,
        question=str(row["question"]),
        answers=tuple(dict.fromkeys(answers)) if answerable else (),
        kind="text" if answerable else "unknowable",
        groups={"answerable": str(answerable).lower(), "source": str(row.get("source", ""))},
    )


Maker = Callable[[int, dict[str, Any], str, str], Item]
#: name → (id column, (derived-id prefix, text column)); the file is in the registry.
BUILTIN_FILES: dict[str, tuple[str | None, tuple[str, str] | None]] = {
    "simpleqa": (None, ("sqa", "problem")),
    "simpleqa_verified": ("original_index", None),
    "nq_open": (None, ("nq", "question")),
    "triviaqa": ("qid", None),
    "popqa": ("id", None),
    "entityquestions": (None, None),
    "witqa": (None, None),
    "truthfulqa": (None, ("tqa", "Question")),
    "truthfulqa_2025": (None, ("tqa", "Question")),
    "truthfulqa_binary": (None, ("tqa", "Question")),
    "selfaware": ("question_id", None),
}
_MAKERS: dict[str, Maker] = {
    "simpleqa": _simpleqa,
    "simpleqa_verified": _simpleqa_verified,
    "nq_open": _nq_open,
    "triviaqa": _triviaqa,
    "popqa": _popqa,
    "entityquestions": _entityquestions,
    "witqa": _witqa,
    "truthfulqa": _truthfulqa,
    "truthfulqa_2025": _truthfulqa,
    "selfaware": _selfaware,
}


def _derive(name: str, prefix_col: tuple[str, str] | None) -> Callable[[int, dict[str, Any]], str]:
    if name == "entityquestions":
        return lambda _i, row: f"{row['wikidata_id']}-{row['relation']}"
    if name == "witqa":
        return lambda _i, row: str(row["sub_pred"]).replace(" ", "-")
    assert prefix_col is not None
    prefix, col = prefix_col
    return lambda _i, row: text_id(prefix, str(row[col]))


def fetch_builtin(name: str, *, force: bool = False, progress: Progress | None = None) -> Cached:
    """Download built-in set ``name`` into the cache (no-op when a verified copy is there).

    ``$DONTGUESS_DATA_DIR`` plays no part: this always fills the cache.

    Raises:
        InputError: unknown name, offline, a failed download or verification (nothing kept).
    """
    return fetch(data_file(name), name, force=force, progress=progress)


def cached_builtin(name: str) -> Cached | None:
    """The verified cached copy of built-in set ``name``, or ``None`` when not downloaded.

    Raises:
        InputError: unknown name, or a cached file changed since its download.
    """
    return cached(data_file(name), name)


def locate_builtin(name: str, *, progress: Progress | None = None) -> tuple[Path, dict[str, Any]]:
    """The file of built-in set ``name`` and where it came from (for spec.json).

    ``$DONTGUESS_DATA_DIR``, when set, wins: the set's file under it is used (and must be
    there). Otherwise the download cache is used, fetching the file on first use (see
    :mod:`dontguess.items._fetch`; ``progress`` follows the download).

    Returns:
        ``(path, source)``; ``source`` holds ``name``, ``origin`` (``DONTGUESS_DATA_DIR``
        or ``cache``), ``path``, ``source`` (the pinned upstream URL), ``revision``,
        ``sha256`` (of the file read), ``licence`` and, for the cache, ``verified``,
        ``rows``, ``fetched_from`` and ``fetched_at``.

    Raises:
        InputError: the data folder lacks the file; offline or a failed download.
    """
    entry = data_file(name)
    if os.environ.get(DATA_ENV, "").strip():
        path = find_data_dir() / entry.shared_path
        if not path.is_file():
            raise InputError(
                f"built-in set {name!r} needs this file (is {DATA_ENV} right? unset it to "
                "use the download cache instead)",
                path=str(path),
            )
        where = {"origin": DATA_ENV, "path": str(path), "sha256": file_sha256(path)}
        return path, {"name": name, "source": entry.url, "revision": entry.revision,
                      "licence": entry.licence, **where}  # fmt: skip
    got = fetch(entry, name, progress=progress)
    doc = got.document()
    doc["source"] = doc.pop("url")
    return got.path, {"name": name, "origin": "cache", **doc}


def load_builtin(name: str, *, seed: int = 0) -> list[Item]:
    """Load built-in set ``name`` (from :func:`locate_builtin`), in file order."""
    id_col, prefix_col = BUILTIN_FILES[name]
    path, _ = locate_builtin(name)
    maker = _truthfulqa_binary(seed) if name == "truthfulqa_binary" else _MAKERS[name]
    cols = Columns(id=id_col or "\0derived")
    derive = None if id_col else _derive(name, prefix_col)

    def build(line: int, row: dict[str, Any], item_id: str) -> Item:
        try:
            return maker(line, row, item_id, str(path))
        except KeyError as exc:
            raise InputError(f"missing column {exc.args[0]!r}", path=str(path), line=line) from exc

    rows = read_rows(path, json_key=data_file(name).json_key)
    return rows_to_items(rows, str(path), cols, derive_id=derive, make_item=build)
