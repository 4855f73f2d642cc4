"""Hugging Face ``datasets``: ``hf:NAME[:SPLIT]`` from the hub, or a ``save_to_disk`` path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dontguess.errors import InputError, MissingDependencyError
from dontguess.items._rows import Row

__all__ = ["hf_rows"]


def _import() -> Any:
    try:
        import datasets
    except ImportError as exc:
        raise MissingDependencyError("datasets", "datasets") from exc
    return datasets


def _parse(spec: str) -> tuple[str, str | None, bool]:
    """``(name_or_path, split, is_disk)``; a path may carry a ``:SPLIT`` suffix too."""
    if Path(spec).expanduser().exists():
        return str(Path(spec).expanduser()), None, True
    head, sep, tail = spec.rpartition(":")
    if sep and head and Path(head).expanduser().exists():
        return str(Path(head).expanduser()), tail, True
    if sep and head:
        return head, tail, False
    return spec, None, False


def _pick_split(data: Any, split: str | None, where: str) -> Any:
    if not hasattr(data, "keys"):  # a single Dataset
        if split is not None:
            raise InputError(f"{where} holds one split; drop ':{split}'")
        return data
    names = sorted(data.keys())
    if split is None:
        if len(names) == 1:
            split = names[0]
        elif "test" in names:
            split = "test"
        else:
            raise InputError(f"{where} has splits {names}; choose one with hf:{where}:SPLIT")
    if split not in names:
        raise InputError(f"{where} has no split {split!r}; splits: {names}")
    return data[split]


def hf_rows(spec: str) -> tuple[str, Iterator[Row]]:
    """Load ``spec`` (after ``hf:``) and return ``(label, rows)``; row numbers are 1-based.

    A path saved with ``Dataset.save_to_disk`` / ``DatasetDict.save_to_disk`` is read with
    ``load_from_disk`` (no network). Anything else is a hub name for ``load_dataset``.
    Without a split: the only split, else ``test``, else an error listing the splits.
    """
    datasets = _import()
    if not spec.strip():
        raise InputError("hf: needs a dataset name (hf:NAME[:SPLIT]) or a save_to_disk folder")
    target, split, is_disk = _parse(spec)
    label = f"hf:{target}" + (f":{split}" if split else "")
    try:
        data = (
            datasets.load_from_disk(target)
            if is_disk
            else datasets.load_dataset(target, split=split)
        )
    except Exception as exc:  # datasets raises many types (hub, cache, format errors)
        raise InputError(f"cannot load Hugging Face dataset {target!r}: {exc}") from exc
    table = _pick_split(data, split if is_disk else None, target)
    return label, ((i + 1, dict(row)) for i, row in enumerate(table))
