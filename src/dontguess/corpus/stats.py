"""Singleton statistics of a corpus of fact mentions (Definition 2) and Theorem 2's floor.

Every engine reduces the corpus to a few *group rows*, one per (relation, a, once, dropped)
where a is a prompt's number of answered (non-IDK) examples and ``once`` says whether the
prompt occurs exactly once in total; each row carries the number of such prompts and their
examples. Everything below is computed from those rows, identically for every engine.

A prompt is identified by (relation, prompt) when the input has a relation. Rows with an
empty or missing prompt or answer are dropped and counted in ``n_dropped``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from dontguess.corpus._rows import GroupRow
from dontguess.corpus.spec import EngineSpec, SourceSpec, resolve_inputs
from dontguess.errors import InputError
from dontguess.theory import (
    corollary3_width,
    lemma1_width,
    theorem2_leading_term,
    theorem2_lower_bound,
)

__all__ = ["CorpusStats", "GroupRow", "RelationStats", "corpus_stats", "stats_from_groups"]


@dataclass(frozen=True, slots=True)
class RelationStats:
    """Counts of one relation (or of the whole corpus).

    Attributes:
        n: examples N, IDK examples included (dropped rows excluded).
        n_idk: IDK (abstention) examples.
        n_prompts: distinct prompts.
        n_singletons: prompts with exactly one answered example (Definition 2).
        n_doubletons: prompts with exactly two answered examples.
        singleton_rate: n_singletons / n.
        missing_mass_good_turing: N₁/N with N₁ the prompts seen exactly once in total.
    """

    n: int
    n_idk: int
    n_prompts: int
    n_singletons: int
    n_doubletons: int
    singleton_rate: float
    missing_mass_good_turing: float


@dataclass(frozen=True, slots=True)
class CorpusStats(RelationStats):
    """Corpus-wide statistics plus the frequency table, relations and Theorem 2's floor.

    Attributes:
        n_dropped: rows with an empty or missing prompt or answer.
        frequency_of_frequencies: ``{k: prompts with exactly k answered examples}``, k ≥ 1.
        relations: per-relation statistics (empty when the input has no relation).
        min_errors, delta, gamma: the Theorem 2 inputs (``min_errors`` None: no floor).
        theorem2_leading_term: sr − 2/min|E_c| − δ.
        theorem2_lower_bound: the leading term minus the slack at this N.
        corollary3_width_99, lemma1_width_99: concentration widths at γ = 0.01.
        engine: the engine that counted.
    """

    n_dropped: int = 0
    frequency_of_frequencies: dict[int, int] = field(default_factory=dict)
    relations: dict[str, RelationStats] = field(default_factory=dict)
    min_errors: int | None = None
    delta: float = 0.0
    gamma: float | None = None
    theorem2_leading_term: float | None = None
    theorem2_lower_bound: float | None = None
    corollary3_width_99: float | None = None
    lemma1_width_99: float | None = None
    engine: str = field(default="duckdb", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (frequency keys as strings, relations as nested dicts)."""
        out = asdict(self)
        out["frequency_of_frequencies"] = {
            str(k): v for k, v in sorted(self.frequency_of_frequencies.items())
        }
        return out


def _relation_stats(rows: Sequence[GroupRow]) -> RelationStats:
    kept = [r for r in rows if not r.dropped]
    n = sum(r.examples for r in kept)
    answered = sum(r.answered * r.prompts for r in kept)
    singles = sum(r.prompts for r in kept if r.answered == 1)
    once = sum(r.prompts for r in kept if r.once)
    return RelationStats(
        n=n,
        n_idk=n - answered,
        n_prompts=sum(r.prompts for r in kept),
        n_singletons=singles,
        n_doubletons=sum(r.prompts for r in kept if r.answered == 2),
        singleton_rate=singles / n if n else float("nan"),
        missing_mass_good_turing=once / n if n else float("nan"),
    )


def stats_from_groups(
    rows: Iterable[GroupRow],
    *,
    min_errors: int | None = None,
    delta: float = 0.0,
    gamma: float | None = None,
    engine: str = "duckdb",
    what: str = "the input",
) -> CorpusStats:
    """Fold engine group rows into :class:`CorpusStats`; raise if no mention was found."""
    rows = list(rows)
    total = _relation_stats(rows)
    if total.n == 0:
        raise InputError(
            f"no mentions found in {what} (empty corpus, or the extractor matched nothing)"
        )
    fof: dict[int, int] = {}
    for r in rows:
        if not r.dropped and r.answered > 0:
            fof[r.answered] = fof.get(r.answered, 0) + r.prompts
    names = sorted({r.relation for r in rows if r.relation is not None and not r.dropped})
    relations = {name: _relation_stats([r for r in rows if r.relation == name]) for name in names}
    lead = lower = None
    if min_errors is not None:
        lead = theorem2_leading_term(total.singleton_rate, min_errors=min_errors, delta=delta)
        lower = theorem2_lower_bound(
            total.singleton_rate, n=total.n, min_errors=min_errors, delta=delta, gamma=gamma
        )
    return CorpusStats(
        **asdict(total),
        n_dropped=sum(r.examples for r in rows if r.dropped),
        frequency_of_frequencies=dict(sorted(fof.items())),
        relations=relations,
        min_errors=min_errors,
        delta=delta,
        gamma=gamma,
        theorem2_leading_term=lead,
        theorem2_lower_bound=lower,
        corollary3_width_99=corollary3_width(total.n, 0.01),
        lemma1_width_99=lemma1_width(total.n, 0.01),
        engine=engine,
    )


def corpus_stats(
    paths: Sequence[str | os.PathLike[str]],
    *,
    source: SourceSpec | None = None,
    engine: EngineSpec | None = None,
    min_errors: int | None = None,
    delta: float = 0.0,
    gamma: float | None = None,
    spark: Any = None,
) -> CorpusStats:
    """Count a corpus and return its singleton statistics (Definition 2, Theorem 2).

    ``sr = |S| / N`` where N counts every mention (IDK ones included) and S holds the
    prompts with exactly one answered (non-IDK) mention, whatever their IDK mentions.

    Args:
        paths: files or directories (JSONL, CSV, Parquet; plain text with an extractor).
        source: columns, IDK marker and extractor (default: ``prompt``/``answer`` columns).
        engine: ``duckdb`` (default, out of core) or ``spark``.
        min_errors: min_c|E_c| for Theorem 2's floor (e.g. 364 for birthdays); None: no floor.
        delta, gamma: Theorem 2's δ and failure probability (None: the 99% form).
        spark: an existing SparkSession to use (engine ``spark`` only).

    Raises:
        InputError: unreadable files, missing columns, a bad extractor, or no mentions.
        MissingDependencyError: duckdb or pyspark is not installed.
    """
    source = source or SourceSpec()
    engine = engine or EngineSpec()
    files = resolve_inputs(paths)
    if source.extractor is None and any(f.fmt == "text" for f in files):
        bad = next(f.path for f in files if f.fmt == "text")
        raise InputError(
            "plain text needs an extractor (--regex or --entities with "
            "--relation-pattern); mention files are .jsonl, .csv or .parquet",
            path=bad,
        )
    if engine.engine == "spark":
        from dontguess.corpus._spark import spark_groups

        rows = spark_groups(files, source, engine, session=spark)
    else:
        from dontguess.corpus._duckdb import duckdb_groups

        rows = duckdb_groups(files, source, engine)
    what = ", ".join(str(p) for p in paths)
    return stats_from_groups(
        rows, min_errors=min_errors, delta=delta, gamma=gamma, engine=engine.engine, what=what
    )
