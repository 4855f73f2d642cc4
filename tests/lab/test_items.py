"""``lab items``: the world comes from the model (or the demo), and a lab model refuses
questions from another world. No torch needed: a lab checkpoint's world is its lab.json."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from dontguess.cli import main
from dontguess.errors import InputError
from dontguess.items import load_items
from dontguess.lab.corpus import prompt_text
from dontguess.lab.demo import DEMO_WORLD
from dontguess.lab.items import SIDECAR, check_items_fit, checkpoint_world, item_rows
from dontguess.lab.world import FACTS, WorldConfig, make_world
from dontguess.records import Item

SMALL = WorldConfig(people=40, n_train=200, n_test=12, seed=3)


def _fake_checkpoint(folder: Path, world: WorldConfig) -> Path:
    """A model folder as far as the world is concerned: just lab.json."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SIDECAR).write_text(json.dumps({"world": world.to_dict(), "train": {}}))
    return folder


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _truths(config: WorldConfig) -> dict[str, str]:
    w = make_world(config)
    return {
        prompt_text(name, fact): w.answer_of(p * len(FACTS) + f)
        for p, name in enumerate(w.names)
        for f, fact in enumerate(FACTS)
    }


def test_default_items_are_the_demo_world(tmp_path: Path, capsys: Any) -> None:
    # regression: the default used to be a 2,000-person world with N = 4,000, of whose
    # 2,000 question texts only 114 were prompts of the demo model's world
    out = tmp_path / "items.jsonl"
    assert main(["lab", "items", "--out", str(out)]) == 0
    assert "the demo's world (1500 people, N=3000, seed 0)" in capsys.readouterr().out
    rows = _rows(out)
    truths = _truths(DEMO_WORLD)
    assert len(rows) == DEMO_WORLD.n_test
    assert all(truths.get(r["question"]) == r["answer"] for r in rows)
    assert rows == item_rows(make_world(DEMO_WORLD))
    demo_model = _fake_checkpoint(tmp_path / "demo-out" / "model", DEMO_WORLD)
    check_items_fit(demo_model, load_items(str(out)))  # fits: no error


def test_items_of_another_world_are_not_called_the_demo_s(tmp_path: Path, capsys: Any) -> None:
    # regression: --people 2000 --n-train 4000 printed "from the demo's world (2000 people..."
    out = tmp_path / "items.jsonl"
    argv = ["lab", "items", "--people", "2000", "--n-train", "4000", "--out", str(out)]
    assert main(argv) == 0
    assert "from a world (2000 people, N=4000, seed 0)" in capsys.readouterr().out
    assert main(["lab", "items", "--n-test", "5", "--out", str(out)]) == 0
    assert "from the demo's world (1500 people" in capsys.readouterr().out


def test_demo_and_lab_share_one_world_definition() -> None:
    from dontguess.cli import demo as demo_cli
    from dontguess.lab import demo as demo_lab

    assert demo_lab.DemoConfig().world is DEMO_WORLD
    assert "DEMO_WORLD" in Path(demo_cli.__file__).read_text()


def test_items_from_a_model_folder(tmp_path: Path, capsys: Any) -> None:
    model = _fake_checkpoint(tmp_path / "model", SMALL)
    assert checkpoint_world(model) == SMALL
    out = tmp_path / "sub" / "items.jsonl"
    assert main(["lab", "items", "--model", str(model), "--out", str(out)]) == 0
    assert _rows(out) == item_rows(make_world(SMALL))
    assert f"the world of {model}" in capsys.readouterr().out
    # --n-test only changes how many test prompts are drawn (they come after training)
    assert main(["lab", "items", "--model", str(model), "--n-test", "30", "--out", str(out)]) == 0
    rows = _rows(out)
    assert len(rows) == 30
    check_items_fit(model, load_items(str(out)))


def test_items_model_errors_exit_2(tmp_path: Path, capsys: Any) -> None:
    model = _fake_checkpoint(tmp_path / "model", SMALL)
    out = tmp_path / "items.jsonl"
    assert main(["lab", "items", "--model", str(model), "--people", "9", "--out", str(out)]) == 2
    assert "--people cannot be combined with --model" in capsys.readouterr().err
    assert main(["lab", "items", "--model", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert "no model folder" in capsys.readouterr().err
    (tmp_path / "plain").mkdir()
    assert main(["lab", "items", "--model", str(tmp_path / "plain"), "--out", str(out)]) == 2
    assert "no lab.json: not a lab checkpoint" in capsys.readouterr().err
    (model / SIDECAR).write_text("{not json")
    assert main(["lab", "items", "--model", str(model), "--out", str(out)]) == 2
    assert "lab.json: cannot read" in capsys.readouterr().err
    bad = {**SMALL.to_dict(), "people": "many"}
    for world, says in (
        ({"people": 40}, "'world' lacks answer_prob, n_test, n_train, seed, zipf_exponent"),
        (bad, "'world' people must be an integer, got 'many'"),
        ({**SMALL.to_dict(), "answer_prob": 2}, "'world' answer_prob must be in (0, 1]"),
        ([1], "no 'world' object"),
    ):
        (model / SIDECAR).write_text(json.dumps({"world": world}))
        assert main(["lab", "items", "--model", str(model), "--out", str(out)]) == 2
        assert says in capsys.readouterr().err
    assert not out.exists()


def test_items_of_another_world_are_refused(tmp_path: Path) -> None:
    model = _fake_checkpoint(tmp_path / "model", DEMO_WORLD)
    # the case: the old default world (2,000 people, N = 4,000) against the demo model
    old = item_rows(make_world(replace(DEMO_WORLD, people=2000, n_train=4000)))
    items = [Item(id=r["id"], question=r["question"], answers=(r["answer"],)) for r in old]
    with pytest.raises(InputError, match=r"lab questions do not fit the world") as exc:
        check_items_fit(model, items)
    message = str(exc.value)
    assert "people=1500, n_train=3000" in message
    assert f"dontguess lab items --model {model}" in message
    assert message.startswith(str(model))


def test_a_wrong_gold_is_refused_and_other_questions_are_ignored(tmp_path: Path) -> None:
    model = _fake_checkpoint(tmp_path / "model", SMALL)
    rows = item_rows(make_world(SMALL))
    good = [Item(id=r["id"], question=r["question"], answers=(r["answer"],)) for r in rows]
    check_items_fit(model, good)
    wrong = replace(good[0], answers=("IDK-not-an-answer",))
    with pytest.raises(
        InputError,
        match=r"1 of 12 lab questions .*\(0 about people not in it, 1 with another gold answer",
    ):
        check_items_fit(model, [wrong, *good[1:]])
    check_items_fit(model, [Item(id="x", question="Who wrote Hamlet?", answers=("Shakespeare",))])
    check_items_fit(tmp_path, [wrong])  # no lab.json: not a lab model, nothing to check


def test_lab_help_examples_parse_and_options_exist(capsys: Any) -> None:
    # regression: the lab epilog showed `run ... --items` (no such option)
    import shlex

    from dontguess.cli import build_parser
    from dontguess.cli.demo import _EPILOG as DEMO_EPILOG
    from dontguess.cli.lab import _EPILOG as LAB_EPILOG

    parser = build_parser()
    text = (LAB_EPILOG + DEMO_EPILOG).replace("\\\n", " ")
    commands = [line.split("#")[0].strip() for line in text.splitlines()]
    commands = [c for c in commands if c.startswith("dontguess ")]
    assert len(commands) >= 8
    for command in commands:
        parser.parse_args(shlex.split(command)[1:])  # SystemExit(2) on an unknown option
    assert "--items" not in LAB_EPILOG


def test_lab_and_demo_help_say_what_happens(capsys: Any) -> None:
    for argv in (["lab", "train", "--help"], ["demo", "--help"], ["lab", "sweep", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    out = " ".join(capsys.readouterr().out.split())
    assert "tiny: 1 layer(s), d=64" in out and "cpu: 2 layer(s), d=128" in out
    assert "default: all cores" not in out
    assert "1-minute load average" in out
    assert "--singleton-rates" in out and "--targets" not in out
    with pytest.raises(SystemExit):
        main(["lab", "items", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"--people PEOPLE population size (default {DEMO_WORLD.people})" in out
    assert f"(default {DEMO_WORLD.n_train})" in out and "--model DIR" in out


def test_sweep_singleton_rates_and_the_old_name(tmp_path: Path, capsys: Any) -> None:
    args = ["lab", "sweep", "--out", str(tmp_path), "--n-train", "300"]
    assert main([*args, "--singleton-rates", "0.2"]) == 0
    rows = json.loads((tmp_path / "sweep.json").read_text())
    assert [round(r["target_sr"], 1) for r in rows] == [0.2]
    assert main([*args, "--targets", "0.3"]) == 0
    assert "--targets is now --singleton-rates" in capsys.readouterr().err
    rows = json.loads((tmp_path / "sweep.json").read_text())
    assert [round(r["target_sr"], 1) for r in rows] == [0.3]
    assert main([*args, "--singleton-rates", "0.1,x"]) == 2
    assert "--singleton-rates must be comma-separated numbers" in capsys.readouterr().err
