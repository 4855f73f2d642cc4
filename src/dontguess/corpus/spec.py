"""What to read and how: input files, the fact-mention columns or a text extractor, the engine.

A corpus is read either as *fact mentions* (one row per (prompt, answer) example: JSONL, CSV
or Parquet with a prompt and an answer column, an optional relation column) or as *raw
text* (JSONL/CSV/Parquet with a text field, or plain text files read line by line) plus an
:class:`Extractor`, a regular expression with named groups ``prompt`` and ``answer`` (and
optionally ``relation``) applied to every text value; each match is one mention.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from dontguess.errors import InputError

__all__ = [
    "EngineSpec",
    "Extractor",
    "InputFile",
    "SourceSpec",
    "entity_extractor",
    "regex_extractor",
    "resolve_inputs",
]

Format = Literal["jsonl", "csv", "parquet", "text"]

_SUFFIXES: dict[str, Format] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
}


@dataclass(frozen=True, slots=True)
class Extractor:
    """A regex with named groups ``prompt`` and ``answer`` (``relation`` optional).

    Attributes:
        pattern: the Python-syntax pattern (``(?P<name>...)``); engines translate it.
        prompt_group, answer_group, relation_group: 1-based group numbers (0 = absent).
    """

    pattern: str
    prompt_group: int
    answer_group: int
    relation_group: int = 0

    @property
    def java_pattern(self) -> str:
        """The pattern in Java syntax (Spark): ``(?P<name>`` becomes ``(?<name>``."""
        return self.pattern.replace("(?P<", "(?<")


def regex_extractor(pattern: str) -> Extractor:
    """Check ``pattern`` compiles and names the groups ``prompt`` and ``answer``.

    >>> regex_extractor(r"(?P<prompt>\\w+) was born in (?P<answer>\\d{4})").answer_group
    2
    """
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise InputError(f"invalid --regex {pattern!r}: {exc}") from exc
    missing = [g for g in ("prompt", "answer") if g not in compiled.groupindex]
    if missing:
        raise InputError(
            f"--regex {pattern!r} lacks the named group(s) {', '.join(missing)}; write e.g. "
            "(?P<prompt>...) and (?P<answer>...)"
        )
    if "(?P=" in pattern:
        raise InputError(f"--regex {pattern!r}: named back-references are not supported")
    groups = compiled.groupindex
    return Extractor(pattern, groups["prompt"], groups["answer"], groups.get("relation", 0))


def entity_extractor(entities: Sequence[str], relation_pattern: str) -> Extractor:
    """Build an extractor from a list of entities and a pattern holding ``{entity}``.

    ``{entity}`` becomes ``(?P<prompt>e1|e2|...)`` (longest first, escaped); the pattern must
    name an ``answer`` group.

    >>> entity_extractor(["Ada", "Bo"], r"{entity} was born in (?P<answer>\\d{4})").pattern
    '(?P<prompt>Ada|Bo) was born in (?P<answer>\\\\d{4})'
    """
    names = sorted({e.strip() for e in entities if e.strip()}, key=lambda e: (-len(e), e))
    if not names:
        raise InputError("the entity list is empty")
    if relation_pattern.count("{entity}") != 1:
        raise InputError(
            f"--relation-pattern {relation_pattern!r} must contain {{entity}} exactly once"
        )
    alternation = "|".join(re.escape(name) for name in names)
    return regex_extractor(relation_pattern.replace("{entity}", f"(?P<prompt>{alternation})"))


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """How rows become mentions.

    Attributes:
        prompt_col, answer_col: mention columns (fact-mention input).
        relation_col: relation column; ``None`` uses ``relation`` when the input has it.
        idk: the answer that marks an abstention (IDK) example.
        extractor: a text extractor; when set the input is raw text.
        text_field: the text column of JSONL/CSV/Parquet raw-text input.
    """

    prompt_col: str = "prompt"
    answer_col: str = "answer"
    relation_col: str | None = None
    idk: str = "IDK"
    extractor: Extractor | None = None
    text_field: str = "text"


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Which engine counts, with its resources.

    Attributes:
        engine: ``"duckdb"`` (embedded, out of core) or ``"spark"``.
        memory_limit: DuckDB memory limit (e.g. ``"1GB"``); beyond it DuckDB spills.
        spill_dir: DuckDB temporary directory for spilled data (default: system temp).
        threads: DuckDB threads (default: all cores).
        partitions: DuckDB hash-partitioned passes over the input; None chooses from the
            input size, the memory limit and a HyperLogLog count of distinct prompts.
        spark_master: Spark master URL, e.g. ``local[2]`` or ``spark://host:7077``.
        spark_conf: extra Spark settings.
    """

    engine: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str = "1GB"
    spill_dir: str | None = None
    threads: int | None = None
    partitions: int | None = None
    spark_master: str = "local[*]"
    spark_conf: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class InputFile:
    """A readable input file and its format (from the suffix, ``.gz`` ignored)."""

    path: str
    fmt: Format


def _format_of(path: Path) -> Format:
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".zst")]
    suffix = suffixes[-1] if suffixes else ""
    return _SUFFIXES.get(suffix, "text")


def resolve_inputs(paths: Sequence[str | os.PathLike[str]]) -> list[InputFile]:
    """Expand directories (recursively, hidden files skipped) and check each file is readable."""
    if not paths:
        raise InputError("no input paths given")
    out: list[InputFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                raise InputError("directory holds no files", path=str(path))
        elif path.exists():
            files = [path]
        else:
            raise InputError("no such file or directory", path=str(path))
        for file in files:
            if not os.access(file, os.R_OK):
                raise InputError("file is not readable (permission denied)", path=str(file))
            out.append(InputFile(str(file), _format_of(file)))
    return out
