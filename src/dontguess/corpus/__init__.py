"""Singleton rates of real corpora at any scale (Definition 2, Theorem 2).

:func:`corpus_stats` counts fact mentions (or regex matches in raw text) with embedded
DuckDB (out of core, by default) or Apache Spark, and returns :class:`CorpusStats`: N,
distinct prompts, singletons, doubletons, sr, Good–Turing missing mass, the
frequency-of-frequencies table, a per-relation breakdown and Theorem 2's floor.
"""

from __future__ import annotations

from dontguess.corpus.spec import (
    EngineSpec,
    Extractor,
    InputFile,
    SourceSpec,
    entity_extractor,
    regex_extractor,
    resolve_inputs,
)
from dontguess.corpus.stats import (
    CorpusStats,
    GroupRow,
    RelationStats,
    corpus_stats,
    stats_from_groups,
)

__all__ = [
    "CorpusStats",
    "EngineSpec",
    "Extractor",
    "GroupRow",
    "InputFile",
    "RelationStats",
    "SourceSpec",
    "corpus_stats",
    "entity_extractor",
    "regex_extractor",
    "resolve_inputs",
    "stats_from_groups",
]
