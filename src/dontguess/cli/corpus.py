"""``dontguess corpus stats``: singleton rate of a corpus (Definition 2) and Theorem 2's floor."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from dontguess.errors import InputError

__all__ = ["register"]

_EPILOG = r"""
input, one of:
  fact mentions  JSONL/CSV/Parquet rows (prompt, answer[, relation]); an answer equal to
                 --idk (default IDK) is an abstention example.
  raw text       JSONL/CSV/Parquet with a text field (--text-field), or plain text files
                 matched line by line, plus an extractor: --regex with named groups
                 prompt and answer (relation optional), or --entities FILE with
                 --relation-pattern holding {entity}.

singleton rate (Definition 2): sr = |S|/N, N = all examples (IDK included), S = prompts
with exactly one answered (non-IDK) example. Theorem 2: with probability 99%, a model
trained on such data errs at a rate of at least sr - 2/min|E_c| - (35 + 6 ln N)/sqrt(N)
- delta, where delta is its calibration gap (--min-errors gives min|E_c|).

examples:
  dontguess corpus stats mentions.parquet --min-errors 364
  dontguess corpus stats facts.csv --prompt-col person --answer-col birthday --format json
  dontguess corpus stats wiki/ \
      --regex '(?P<prompt>[A-Z]\w+ [A-Z]\w+) was born on (?P<answer>\w+ \d+)'
  dontguess corpus stats pages.jsonl --text-field body --entities people.txt \
      --relation-pattern '{entity} \(born (?P<answer>\d{4})'
  dontguess corpus stats big/*.parquet --memory-limit 1GB --spill-dir /scratch/tmp
  dontguess corpus stats big/ --engine spark --spark-master spark://head:7077
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``corpus`` with its ``stats`` sub-command."""
    parser = subparsers.add_parser(
        "corpus",
        help="singleton rates of corpora (Definition 2) at any scale",
        description="Corpus statistics for the paper's Theorem 2.",
    )
    inner = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    p = inner.add_parser(
        "stats",
        help="count mentions: N, prompts, singletons, sr, Good-Turing, Theorem 2",
        description="Count fact mentions and report the singleton rate and Theorem 2's floor.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    g = p.add_argument_group("mention columns")
    g.add_argument("--prompt-col", default="prompt", help="prompt column (default: prompt)")
    g.add_argument("--answer-col", default="answer", help="answer column (default: answer)")
    g.add_argument(
        "--relation-col",
        default=None,
        help="relation column for a per-relation breakdown (default: 'relation' if present)",
    )
    g.add_argument("--idk", default="IDK", help="answer marking an abstention (default: IDK)")
    g = p.add_argument_group("raw text")
    g.add_argument("--regex", help="extractor with named groups prompt and answer")
    g.add_argument("--entities", type=Path, help="file with one entity per line")
    g.add_argument("--relation-pattern", help="pattern with {entity} and (?P<answer>...)")
    g.add_argument("--text-field", default="text", help="text column (default: text)")
    g = p.add_argument_group("engine")
    g.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="duckdb (default: one machine, out of core) or spark (a cluster; pip install "
        "'dontguess[spark]' and Java)",
    )
    g.add_argument("--memory-limit", default="1GB", help="DuckDB memory limit (default: 1GB)")
    g.add_argument("--spill-dir", help="DuckDB spill directory (default: system temp)")
    g.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    g.add_argument(
        "--partitions",
        type=int,
        help="DuckDB passes over the input, each counting a hash slice of the prompts "
        "(default: chosen from input size and memory limit)",
    )
    g.add_argument("--spark-master", default="local[*]", help="Spark master (default local[*])")
    g.add_argument(
        "--spark-conf",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra Spark setting (repeatable)",
    )
    g = p.add_argument_group("Theorem 2")
    g.add_argument("--min-errors", type=int, help="min_c|E_c|, e.g. 364 for birthdays")
    g.add_argument("--delta", type=float, default=0.0, help="calibration gap (default 0)")
    g.add_argument("--gamma", type=float, help="failure probability (default: 99%% form)")
    p.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table (default, for reading) or json (every number, for scripts)",
    )
    p.add_argument("--output", type=Path, help="write the report here (atomically)")
    p.add_argument(
        "--max-rows",
        type=int,
        default=20,
        help="frequency-table rows shown in table format (default 20)",
    )
    p.set_defaults(func=_handle)


def _source(args: argparse.Namespace) -> Any:
    from dontguess.corpus import SourceSpec, entity_extractor, regex_extractor

    extractor = None
    if args.regex is not None and args.entities is not None:
        raise InputError("give either --regex or --entities, not both")
    if args.regex is not None:
        extractor = regex_extractor(args.regex)
    elif args.entities is not None or args.relation_pattern is not None:
        if args.entities is None or args.relation_pattern is None:
            raise InputError("--entities and --relation-pattern go together")
        try:
            names = args.entities.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read the entity list: {exc}", path=str(args.entities)
            ) from exc
        extractor = entity_extractor(names, args.relation_pattern)
    return SourceSpec(
        prompt_col=args.prompt_col,
        answer_col=args.answer_col,
        relation_col=args.relation_col,
        idk=args.idk,
        extractor=extractor,
        text_field=args.text_field,
    )


def _engine(args: argparse.Namespace) -> Any:
    from dontguess.corpus import EngineSpec

    conf = []
    for item in args.spark_conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--spark-conf expects KEY=VALUE, got {item!r}")
        conf.append((key, value))
    for flag in ("threads", "partitions"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise InputError(f"--{flag} must be >= 1, got {value}")
    return EngineSpec(
        engine=args.engine,
        memory_limit=args.memory_limit,
        spill_dir=args.spill_dir,
        threads=args.threads,
        partitions=args.partitions,
        spark_master=args.spark_master,
        spark_conf=tuple(conf),
    )


def _table(stats: Any, max_rows: int) -> str:
    lines = [f"engine: {stats.engine}"]
    rows = [
        ("N (examples, IDK included)", stats.n),
        ("IDK examples", stats.n_idk),
        ("dropped rows (empty prompt/answer)", stats.n_dropped),
        ("distinct prompts", stats.n_prompts),
        ("singletons", stats.n_singletons),
        ("doubletons", stats.n_doubletons),
        ("singleton rate sr", stats.singleton_rate),
        ("Good-Turing missing mass", stats.missing_mass_good_turing),
        ("Corollary 3 width (99%)", stats.corollary3_width_99),
        ("Lemma 1 width (99%)", stats.lemma1_width_99),
    ]
    if stats.min_errors is not None:
        conf = "99%" if stats.gamma is None else f"{1 - stats.gamma:.4g}"
        rows += [
            (
                f"Theorem 2 leading term (min|E_c|={stats.min_errors}, delta={stats.delta})",
                stats.theorem2_leading_term,
            ),
            (f"Theorem 2 lower bound ({conf})", stats.theorem2_lower_bound),
        ]
    for name, value in rows:
        shown = f"{value:.6g}" if isinstance(value, float) else str(value)
        lines.append(f"  {name:<58} {shown}")
    lines.append("frequency of frequencies (k answered mentions: prompts)")
    items = list(stats.frequency_of_frequencies.items())
    for k, count in items[:max_rows]:
        lines.append(f"  {k:>8}: {count}")
    if len(items) > max_rows:
        lines.append(f"  ... {len(items) - max_rows} more rows (--max-rows, or --format json)")
    if stats.relations:
        lines.append(f"  {'relation':<30} {'N':>12} {'prompts':>12} {'singletons':>12} {'sr':>8}")
        for name, r in stats.relations.items():
            lines.append(
                f"  {name[:30]:<30} {r.n:>12} {r.n_prompts:>12} {r.n_singletons:>12} "
                f"{r.singleton_rate:>8.4f}"
            )
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc}", path=str(path)) from exc


def _handle(args: argparse.Namespace) -> int:
    from dontguess.corpus import corpus_stats

    stats = corpus_stats(
        args.paths,
        source=_source(args),
        engine=_engine(args),
        min_errors=args.min_errors,
        delta=args.delta,
        gamma=args.gamma,
    )
    if args.format == "json":
        text = json.dumps(stats.to_dict(), indent=2) + "\n"
    else:
        text = _table(stats, args.max_rows)
    if args.output is not None:
        _write(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
