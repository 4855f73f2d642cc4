"""DuckDB engine: hand-counted corpora, extractors, errors."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pytest

from dontguess.corpus import (
    EngineSpec,
    SourceSpec,
    corpus_stats,
    entity_extractor,
    regex_extractor,
)
from dontguess.errors import InputError, MissingDependencyError, SchemaError
from dontguess.theory import theorem2_lower_bound

from .conftest import BORN


def test_mentions_csv_hand_counts(corpus_dir: Path) -> None:
    s = corpus_stats([corpus_dir / "mentions.csv"], min_errors=364)
    assert (s.n, s.n_idk, s.n_dropped, s.n_prompts) == (8, 2, 1, 6)
    # singletons: birth/Bob, birth/Cy (one answer + IDK), place/Ada, place/Eve
    assert (s.n_singletons, s.n_doubletons) == (4, 1)
    assert s.singleton_rate == pytest.approx(4 / 8)
    # seen exactly once in total: Bob, Dee, place/Ada, Eve
    assert s.missing_mass_good_turing == pytest.approx(4 / 8)
    assert s.frequency_of_frequencies == {1: 4, 2: 1}
    assert s.theorem2_lower_bound == pytest.approx(theorem2_lower_bound(0.5, n=8, min_errors=364))
    birth = s.relations["birth"]
    assert (birth.n, birth.n_idk, birth.n_prompts, birth.n_singletons) == (6, 2, 4, 2)
    assert s.relations["place"].singleton_rate == 1.0


def test_jsonl_numbers_and_idk_marker(corpus_dir: Path) -> None:
    s = corpus_stats([corpus_dir / "mentions.jsonl"])
    assert (s.n, s.n_idk, s.n_prompts, s.n_singletons, s.n_doubletons) == (4, 1, 3, 1, 1)
    assert s.relations == {}
    other = corpus_stats([corpus_dir / "mentions.jsonl"], source=SourceSpec(idk="1815"))
    assert (other.n_idk, other.n_singletons) == (1, 1)  # Zed answered once, Ada IDK


def test_parquet_custom_columns(corpus_dir: Path) -> None:
    s = corpus_stats(
        [corpus_dir / "mentions.parquet"],
        source=SourceSpec(prompt_col="who", answer_col="when", idk="none"),
    )
    assert (s.n, s.n_idk, s.n_prompts, s.n_singletons, s.n_doubletons) == (4, 1, 3, 1, 1)


def test_regex_over_plain_text(corpus_dir: Path) -> None:
    s = corpus_stats([corpus_dir / "lines.txt"], source=SourceSpec(extractor=regex_extractor(BORN)))
    # Ada Lovelace x2, Bob Dylan x1, Cy Young x1
    assert (s.n, s.n_prompts, s.n_singletons, s.n_doubletons) == (4, 3, 2, 1)


def test_regex_over_jsonl_text_field_and_directory(corpus_dir: Path) -> None:
    source = SourceSpec(extractor=regex_extractor(BORN), text_field="body")
    s = corpus_stats([corpus_dir / "docs.jsonl"], source=source)
    assert (s.n, s.n_singletons) == (4, 2)


def test_entity_extractor(corpus_dir: Path) -> None:
    names = (corpus_dir / "entities.txt").read_text().splitlines()
    ex = entity_extractor(names, r"{entity} was born in (?P<answer>\d{4})")
    s = corpus_stats([corpus_dir / "lines.txt"], source=SourceSpec(extractor=ex))
    assert (s.n, s.n_prompts, s.n_singletons) == (3, 2, 1)  # Bob Dylan is not listed


def test_relation_group_in_regex(corpus_dir: Path) -> None:
    ex = regex_extractor(
        r"(?P<prompt>[A-Z][a-z]+ [A-Z][a-z]+) was (?P<relation>born) in "
        r"(?P<answer>\d{4})"
    )
    s = corpus_stats([corpus_dir / "lines.txt"], source=SourceSpec(extractor=ex))
    assert set(s.relations) == {"born"} and s.relations["born"].n == 4


def test_spill_settings_are_accepted(corpus_dir: Path, tmp_path: Path) -> None:
    engine = EngineSpec(memory_limit="64MB", spill_dir=str(tmp_path / "spill"), threads=1)
    assert corpus_stats([corpus_dir / "mentions.csv"], engine=engine).n == 8


def test_regex_errors() -> None:
    with pytest.raises(InputError, match="invalid --regex"):
        regex_extractor("(?P<prompt>a")
    with pytest.raises(InputError, match=re.escape("lacks the named group(s) answer")):
        regex_extractor("(?P<prompt>a)b")
    with pytest.raises(InputError, match="exactly once"):
        entity_extractor(["A"], r"(?P<answer>\d)")
    with pytest.raises(InputError, match="entity list is empty"):
        entity_extractor(["", " "], r"{entity} (?P<answer>\d)")


def test_engine_rejects_regex_it_cannot_run(corpus_dir: Path) -> None:
    ex = regex_extractor(r"(?P<prompt>\w+)(?=x)(?P<answer>\d)")
    with pytest.raises(InputError, match="DuckDB could not count"):
        corpus_stats([corpus_dir / "lines.txt"], source=SourceSpec(extractor=ex))


def test_input_errors(corpus_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        corpus_stats([tmp_path / "missing.csv"])
    with pytest.raises(SchemaError, match=r"no column 'who'.*columns: prompt, answer, relation"):
        corpus_stats([corpus_dir / "mentions.csv"], source=SourceSpec(prompt_col="who"))
    with pytest.raises(InputError, match="plain text needs an extractor"):
        corpus_stats([corpus_dir / "lines.txt"])
    (tmp_path / "empty.csv").write_text("prompt,answer\n")
    with pytest.raises(InputError, match="no mentions found"):
        corpus_stats([tmp_path / "empty.csv"])
    (tmp_path / "bad.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(InputError, match="cannot read"):
        corpus_stats([tmp_path / "bad.parquet"])
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(InputError, match="directory holds no files"):
        corpus_stats([tmp_path / "empty_dir"])


def test_nan_free_rates(corpus_dir: Path) -> None:
    s = corpus_stats([corpus_dir / "mentions.csv"])
    assert not math.isnan(s.singleton_rate) and s.theorem2_lower_bound is None


@pytest.mark.parametrize(
    ("engine", "blocked", "extra"),
    [
        ("duckdb", ["duckdb"], "corpus"),
        ("spark", ["pyspark", "pyspark.sql", "pyspark.errors"], "spark"),
    ],
)
def test_missing_engine_names_the_extra(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch, engine: str, blocked: list[str], extra: str
) -> None:
    for name in blocked:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(MissingDependencyError, match=rf"pip install 'dontguess\[{extra}\]'"):
        corpus_stats([corpus_dir / "mentions.csv"], engine=EngineSpec(engine=engine))  # type: ignore[arg-type]


def test_hash_partitioned_passes_give_the_same_counts(tmp_path: Path) -> None:
    rows = ["prompt,answer,relation"]
    rows += [f"p{i % 97},{'IDK' if i % 7 == 0 else 'a'},r{i % 3}" for i in range(1000)]
    rows += [f"q{i},x,r0" for i in range(50)] + [",x,r1", "q1,,r0"]
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n")
    one = corpus_stats([tmp_path / "m.csv"], engine=EngineSpec(partitions=1))
    spill = tmp_path / "spill"
    five = corpus_stats([tmp_path / "m.csv"], engine=EngineSpec(partitions=5, spill_dir=str(spill)))
    assert five == one
    assert list(spill.glob("dontguess-stage-*")) == []  # the staged Parquet file is removed
    assert one.n_dropped == 2 and one.n == 1050 and one.n_singletons >= 49


def test_memory_limit_parsing() -> None:
    from dontguess.corpus._duckdb import memory_bytes

    assert memory_bytes("512MiB") == 512 * 2**20 and memory_bytes("2GB") == 2 * 10**9
    with pytest.raises(InputError, match="bad DuckDB setting"):
        memory_bytes("lots")
