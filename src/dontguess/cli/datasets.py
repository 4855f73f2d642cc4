"""``dontguess datasets``: list the built-in question sets and download them into the cache."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

__all__ = ["download_bar", "register"]

_EPILOG = """\
Every built-in set is a pinned upstream file (a URL at a fixed commit) with a known
licence, row count and sha256. `fetch` downloads it into the cache, checks the sha256 and
the row count, and renames it into place only when both match, so the cache never holds a
partial file (also on Ctrl-C). `dontguess run --dataset NAME` fetches on first use.

environment:
  DONTGUESS_CACHE=DIR            cache folder (default: the user cache folder, e.g.
                                 ~/.cache/dontguess); files go to datasets/NAME/REVISION/
  DONTGUESS_DATA_DIR=DIR         a shared data folder; when set it wins over the cache
  DONTGUESS_OFFLINE=1            never download (a set not cached is an error)
  DONTGUESS_DATASETS_MIRROR=URL  fetch from URL's scheme and host (and path prefix)
                                 instead of each source's, e.g. an air-gapped copy

examples:
  dontguess datasets list
  dontguess datasets fetch simpleqa
  dontguess datasets fetch all
  DONTGUESS_DATASETS_MIRROR=http://mirror.local:8080/data dontguess datasets fetch nq_open
"""


def register(subparsers: Any) -> None:
    """Add the ``datasets`` sub-command with ``list`` and ``fetch``."""
    p = subparsers.add_parser(
        "datasets",
        help="list the built-in question sets; download them into the cache",
        description="List the built-in question sets and download them into the cache.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = sub.add_parser(
        "list",
        help="name, rows, licence, source and whether each set is cached",
        description="Show every downloadable built-in set and whether it is cached.",
    )
    ls.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default table)"
    )
    ls.set_defaults(func=_list)
    fetch = sub.add_parser(
        "fetch",
        help="download sets into the cache (NAME ... or all)",
        description="Download built-in sets into the cache, verified (sha256 and row count).",
    )
    fetch.add_argument("names", nargs="+", metavar="NAME", help="set names, or all")
    fetch.add_argument("--force", action="store_true", help="download again even if cached")
    fetch.set_defaults(func=_fetch)


def _short_source(url: str) -> str:
    """``owner/repo@commit7:path`` for a GitHub raw URL, else the URL.

    >>> _short_source("https://raw.githubusercontent.com/o/r/0123456789/d/f.csv")
    'o/r@0123456:d/f.csv'
    """
    parts = urlsplit(url)
    bits = parts.path.strip("/").split("/", 3)
    if parts.netloc == "raw.githubusercontent.com" and len(bits) == 4:
        owner, repo, rev, path = bits
        return f"{owner}/{repo}@{rev[:7]}:{path}"
    return url


def _rows() -> list[dict[str, Any]]:
    import os

    from dontguess.errors import InputError
    from dontguess.items import DATASETS, cached_builtin

    data_dir = os.environ.get("DONTGUESS_DATA_DIR", "").strip()
    out = []
    for name, entry in DATASETS.items():
        try:
            have = cached_builtin(name)
            state = "yes" if have is not None else "no"
        except InputError:
            have, state = None, "damaged"
        out.append(
            {
                "name": name,
                "rows": entry.rows,
                "licence": entry.licence,
                "licence_note": entry.licence_note,
                "source": entry.url,
                "revision": entry.revision,
                "sha256": entry.sha256,
                "cached": state,
                "path": str(have.path) if have is not None else None,
                "data_dir_wins": bool(data_dir),
            }
        )
    return out


def _list(args: argparse.Namespace) -> int:
    from dontguess.items import cache_dir

    rows = _rows()
    if args.format == "json":
        print(json.dumps({"cache": str(cache_dir()), "sets": rows}, indent=2))
        return 0
    widths = (18, 6, 13, 8)
    head = ("name", "rows", "licence", "cached", "source")
    print("  ".join(h.ljust(w) for h, w in zip(head, (*widths, 0), strict=True)).rstrip())
    for r in rows:
        cells = (r["name"], str(r["rows"]), r["licence"], r["cached"])
        line = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
        print(f"{line}  {_short_source(r['source'])}")
    print(f"\ncache: {cache_dir()}")
    if rows and rows[0]["data_dir_wins"]:
        print("DONTGUESS_DATA_DIR is set: built-in names read that folder, not the cache")
    print("probes (probe:letters, probe:birthdays, probe:titles) are generated; no download")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from dontguess.errors import InputError
    from dontguess.items import DATASETS, fetch_builtin

    names = list(DATASETS) if "all" in args.names else list(dict.fromkeys(args.names))
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise InputError(
            f"unknown set {unknown[0]!r}; downloadable sets: {', '.join(DATASETS)}, or all"
        )
    done: dict[str, str] = {}  # file key → first name fetched, for sets sharing a file
    for name in names:
        key = DATASETS[name].key
        if key in done:
            print(f"{name}: same file as {done[key]}", file=sys.stderr)
            continue
        fresh = args.force or not _is_cached(name)
        with download_bar(name) as progress:
            got = fetch_builtin(name, force=args.force, progress=progress)
        done[key] = name
        mark = "sha256 verified" if got.verified else "sha256 recorded (none pinned)"
        print(
            f"{name}: {'downloaded' if fresh else 'already cached'}, {got.rows} rows, "
            f"{got.bytes / 1e6:.1f} MB, {mark} {got.sha256[:12]}… -> {got.path}",
            file=sys.stderr,
        )
    return 0


def _is_cached(name: str) -> bool:
    from dontguess.errors import InputError
    from dontguess.items import cached_builtin

    try:
        return cached_builtin(name) is not None
    except InputError:  # changed since download: fetch replaces it
        return False


@contextmanager
def download_bar(name: str) -> Iterator[Callable[[int, int | None], None]]:
    """A ``progress(done, total)`` callback drawing a download bar on stderr.

    The bar appears only when stderr is a terminal and bytes actually arrive (a cached set
    draws nothing); elsewhere the callback does nothing.
    """
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    bar = Progress(
        TextColumn(f"downloading {name}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task: list[Any] = []

    def update(done: int, total: int | None) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(name, total=total))
        bar.update(task[0], completed=done, total=total)

    try:
        yield update
    finally:
        if task:
            bar.stop()
