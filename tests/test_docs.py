"""The commands in README.md and docs/*.md run as written, and name only flags that exist.

Every shell command in a ``sh`` / ``bash`` / ``console`` code block (``$ `` lines in console
blocks; an unlabelled block whose first line is a command counts as ``sh``) is run with bash,
in order, in a fresh folder per document laid out like the repository (``tests``, ``bench``
and ``.venv`` linked in, ``../shared`` next to it when the real data is there, and
``DONTGUESS_DATA_DIR`` pointing at it). A command must exit 0, or, when the document shows an
``error:`` line after it, exit 2 with that line; a console block's shown output must match
unless :data:`VARIES` says why it cannot. Commands that cannot run here are in :data:`SKIP`,
each with the reason, so a command added to the docs runs by default.

Separately, every ``dontguess ...`` line anywhere in a code block of the docs, and every
example in each command's ``--help``, may only use options that the command has, and every
option has a help text.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import ROOT, SHARED_DATA

from dontguess.cli import build_parser

DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
SHELL_LANGS = {"sh", "bash", "shell", "console"}
COMMAND_START = re.compile(r"^(\$ |dontguess |\.venv/bin/|make |python )")

#: (regex on the command as written, reason): not run here.
SKIP: list[tuple[str, str]] = [
    (r"^make ", "builds the virtual environment and runs the whole suite or the demo (minutes)"),
    (r"standin_server\.py", "starts a server; the docs test runs offline (openai: specs below)"),
    (r"^curl ", "asks the stand-in server started above"),
    (r"\(the same", "shorthand for a repeated command, not a command"),
    (r"api_example\.py", "the Python block above saved as a file: the library API"),
    (r"^bench/|bench/\S+\.py", "benchmarks: minutes each, and setup_venv.sh downloads"),
    (r"\bdemo\b", "trains the lab models (minutes; make demo)"),
    (r"lab (sweep|train|incentives|poor-models|gpu)\b", "trains models (minutes)"),
    (r"gpu_lab\.sh", "needs a GPU; tests/lab/test_gpu_run.py runs its --smoke flag"),
    (r"--model hf:|--model lab-model", "needs the lab model trained by `lab train`"),
    (r"spark://", "needs a Spark cluster"),
    (r"--spill-dir /scratch", "a cluster's scratch folder"),
    (r"--engine spark", "starts a JVM (about a minute): run with -m slow"),
    (r"^([A-Z_]+=\S+ )*(inspect eval|lm_eval)\b", "needs a model server (tests/integrations)"),
    (r"grpo_confidence_target\.py", "trains (about 30 s): tests/integrations/test_trl.py"),
]

#: (regex, reason): run, but the shown output is not compared.
VARIES: list[tuple[str, str]] = [
    (r"^dontguess run ", "timings and request counts in the last line"),
    (r"^ls ", "one name a line when not on a terminal"),
    (r"score runs/standin", "scores of the stand-in server; here the offline model (OFFLINE)"),
    (r"persona\.parquet --targets", "output elided in the docs"),
]

#: Commands rewritten before running: (regex, replacement, reason).
OFFLINE = [
    (
        r"openai:[^\s@]+@http://127\.0\.0\.1:\d+/v1",
        "scripted:calibrated",
        "no server in this test: the same command with the offline scripted model",
    ),
]


@dataclass
class Command:
    """One shell command of a document: where it is, its text and the output shown."""

    doc: str
    line: int
    text: str
    shown: list[str]
    console: bool

    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def code_blocks(path: Path) -> list[tuple[str, int, list[str]]]:
    """``(language, first line number, lines)`` of each fenced code block of ``path``."""
    blocks: list[tuple[str, int, list[str]]] = []
    lang, start, body = "", 0, []
    inside = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            if inside:
                blocks.append((lang, start, body))
            else:
                lang, start, body = line[3:].strip(), n + 1, []
            inside = not inside
        elif inside:
            body.append(line)
    return blocks


def _complete(text: str) -> bool:
    """Whether ``text`` is a whole shell command (no open quote, heredoc or continuation)."""
    if text.endswith("\\"):
        return False
    heredoc = re.search(r"<<-?\s*'?(\w+)'?", text)
    if heredoc and not re.search(rf"\n{heredoc.group(1)}\s*$", text):
        return False
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return False
    return True


def _split(doc: str, start: int, lines: list[str], console: bool) -> list[Command]:
    """Commands of one block: ``$`` lines (console) or every line (sh), joined while open."""
    out: list[Command] = []
    current: Command | None = None
    for k, line in enumerate(lines):
        if current is not None and not _complete(current.text):
            current.text += "\n" + line
            continue
        if console and not line.startswith("$ "):
            if current is not None:
                current.shown.append(line)
            continue
        text = line[2:] if console else line
        if not text.strip() or text.lstrip().startswith("#"):
            current = None
            continue
        current = Command(doc, start + k, text, [], console)
        out.append(current)
    return out


def doc_commands(path: Path) -> list[Command]:
    """Every command of ``path`` that the docs test runs or skips, in document order."""
    doc = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    commands: list[Command] = []
    for lang, start, lines in code_blocks(path):
        first = next((x for x in lines if x.strip()), "")
        if lang in SHELL_LANGS or (not lang and COMMAND_START.match(first)):
            console = lang == "console" or first.startswith("$ ")
            commands += _split(doc, start, lines, console)
    return commands


def _match(rules: list[tuple[str, str]], text: str) -> str | None:
    return next((why for pattern, why in rules if re.search(pattern, text)), None)


# ---------------------------------------------------------------- every flag exists


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _command_parser(words: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The (sub-)parser that ``dontguess WORDS...`` reaches, and the words after it."""
    parser = build_parser()
    rest = list(words)
    while rest and rest[0] in _subparsers(parser):
        parser = _subparsers(parser)[rest.pop(0)]
    return parser, rest


def _options(text: str) -> list[tuple[str, list[str]]]:
    """``(command path, options)`` for each ``dontguess ...`` in ``text`` (best effort)."""
    found = []
    flat = text.replace("\\\n", " ")
    for line in flat.splitlines():
        match = re.search(r"(?:^|[\s/$])dontguess(?![\w.-])((?: [a-z][\w-]*)*)(.*)", line)
        if not match:
            continue
        words = match.group(1).split()
        tail = match.group(2).split(" #", 1)[0]
        options = re.findall(r"(?<![\w-])(--[a-z][\w-]*)", tail)
        found.append((" ".join(words), options))
    return found


def _documented_lines() -> list[tuple[str, str]]:
    """``(where, text)`` of every code-block line (continuations joined) in the docs."""
    out = []
    for path in DOCS:
        for _, start, lines in code_blocks(path):
            text = "\n".join(lines).replace("\\\n", " ")
            for k, line in enumerate(text.splitlines()):
                out.append((f"{path.relative_to(ROOT)}:{start + k}", line))
    return out


def _help_examples() -> list[tuple[str, str]]:
    """``(where, line)`` of every line of every command's --help epilog."""
    out = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        epilog = (parser.epilog or "").replace("\\\n", " ")
        out.extend((f"{name} --help", line) for line in epilog.splitlines())
        for sub, child in _subparsers(parser).items():
            walk(child, f"{name} {sub}")

    walk(build_parser(), "dontguess")
    return out


def _unknown_options(where: str, line: str) -> list[str]:
    bad = []
    for words, options in _options(line):
        parser, _ = _command_parser(words.split())
        known = set(parser._option_string_actions)
        bad += [f"{where}: `{parser.prog}` has no {opt}" for opt in options if opt not in known]
    return bad


def test_docs_and_help_name_only_existing_options() -> None:
    bad = [e for where, line in _documented_lines() for e in _unknown_options(where, line)]
    bad += [e for where, line in _help_examples() for e in _unknown_options(where, line)]
    assert not bad, "\n".join(bad)


def test_every_option_has_help() -> None:
    missing = []

    def walk(parser: argparse.ArgumentParser, name: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    walk(child, f"{name} {sub}")
            elif action.option_strings and not action.help:
                missing.append(f"{name} {'/'.join(action.option_strings)}")

    walk(build_parser(), "dontguess")
    assert not missing, "options without help: " + ", ".join(missing)


def test_readme_lists_every_built_in_set() -> None:
    from dontguess.items import BUILTIN_SETS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    para = text[text.index("Built-in question sets") :].split("\n\n", 1)[0]
    listed = re.findall(r"`([a-z][a-z0-9_:]*)`", para)  # set names are lower case
    assert sorted(listed) == sorted(BUILTIN_SETS)


def test_extraction_sees_continuations_heredocs_and_prompts(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text(
        '```console\n$ a \\\n    --b\nout 1\n$ python -c "\nx\n"\n```\n'
        "```sh\nc <<'EOF'\nd\nEOF\ne  # note\n```\n```text\ndontguess x\n```\n"
    )
    got = [(c.text, c.shown) for c in doc_commands(doc)]
    assert got == [
        ("a \\\n    --b", ["out 1"]),
        ('python -c "\nx\n"', []),
        ("c <<'EOF'\nd\nEOF", []),
        ("e  # note", []),
    ]


# ---------------------------------------------------------------- every command runs


def _workdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder laid out like the repository, and the environment to run commands in."""
    work = tmp_path / "repo"
    work.mkdir()
    for name in ("tests", "bench", ".venv", "src"):
        (work / name).symlink_to(ROOT / name)
    if SHARED_DATA.is_dir():
        (tmp_path / "shared").mkdir()
        (tmp_path / "shared" / "data").symlink_to(SHARED_DATA.resolve())
    _fixtures(work)
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(DONTGUESS_DATA_DIR=str(tmp_path / "shared" / "data"), MPLBACKEND="Agg")
    env.update(COLUMNS="200", PYTHONWARNINGS="ignore::DeprecationWarning")
    return work, env


def _fixtures(work: Path) -> None:
    """Inputs the docs name but do not make: the stand-in's question file (docs/run.md makes
    it; README.md uses it) and the small mention files of docs/corpus.md's examples."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    people = [f"p{i % 7}" for i in range(40)]
    answers = [f"d{i % 7}" if i % 5 else "IDK" for i in range(40)]
    pq.write_table(pa.table({"prompt": people, "answer": answers}), work / "mentions.parquet")
    (work / "facts.csv").write_text(
        "person,birthday\n" + "".join(f"{p},{a}\n" for p, a in zip(people, answers, strict=True))
    )
    path = work / "questions.jsonl"

    sys.path.insert(0, str(ROOT / "tests" / "standin"))
    try:
        from standin_model import make_question
    finally:
        sys.path.pop(0)
    with path.open("w", encoding="utf-8") as f:
        for i in range(50):
            q, a = make_question(i)
            f.write(json.dumps({"id": f"q{i}", "question": q, "answer": a}) + "\n")


def _needs_shared(text: str) -> bool:
    builtin = r"--dataset (simpleqa|nq_open|popqa|triviaqa|selfaware|truthfulqa|witqa|entity)"
    return "shared/data" in text or bool(re.search(builtin, text)) or "load_items(" in text


def _shown_differs(command: Command, out: str) -> str | None:
    """How the output shown in the docs differs from ``out`` (None if it matches)."""
    got = [line.rstrip() for line in out.splitlines()]
    for k, want in enumerate(line.rstrip() for line in command.shown):
        have = got[k] if k < len(got) else "<no more output>"
        ok = have.startswith(want[:-3]) if want.endswith("...") else have == want
        if not ok:
            return f"line {k + 1}: docs show {want!r}, got {have!r}"
    return None


def _run(command: Command, work: Path, env: dict[str, str]) -> str | None:
    """Run one command; a failure message, or None."""
    text = command.text
    for pattern, replacement, _ in OFFLINE:
        text = re.sub(pattern, replacement, text)
    proc = subprocess.run(
        ["bash", "-c", "set -o pipefail\n" + text],
        cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    error = next((x for x in command.shown if re.match(r"dontguess [\w ]+: error: ", x)), None)
    head = f"{command.where()}: `{command.text}`"
    if error is not None:
        if proc.returncode != 2 or error not in proc.stderr:
            return f"{head}: expected exit 2 and {error!r}; got {proc.returncode}: {proc.stderr}"
        return None
    if proc.returncode != 0:
        return f"{head}: exit {proc.returncode}\n{proc.stderr[-1500:]}"
    if command.console and not _match(VARIES, text):
        differs = _shown_differs(command, proc.stdout + proc.stderr)
        if differs:
            return f"{head}: {differs}"
    return None


def _run_doc(path: Path, tmp_path: Path, *, slow: bool) -> None:
    work, env = _workdir(tmp_path)
    failures, ran = [], 0
    for command in doc_commands(path):
        skip = _match(SKIP, command.text)
        is_slow = skip is not None and "-m slow" in skip
        if (skip and not (slow and is_slow)) or (slow and not is_slow):
            continue
        if _needs_shared(command.text) and not SHARED_DATA.is_dir():
            continue  # the shared_data fixture has already skipped or failed the test
        message = _run(command, work, env)
        ran += 1
        if message:
            failures.append(message)
    assert not failures, "\n\n".join(failures)
    assert ran or slow or not doc_commands(path), f"{path.name}: every command was skipped"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_doc_commands_run(path: Path, tmp_path: Path, shared_data: Path) -> None:
    _run_doc(path, tmp_path, slow=False)


@pytest.mark.slow
@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_slow_doc_commands_run(path: Path, tmp_path: Path, shared_data: Path) -> None:
    _run_doc(path, tmp_path, slow=True)


def test_readme_outputs_are_ignored_by_git(tmp_path: Path) -> None:
    """What the README's commands write lands in folders that .gitignore names."""
    written = set()
    for command in doc_commands(ROOT / "README.md"):
        for out in re.findall(r"--out(?:put)?[ =](\S+)", command.text):
            # a folder: ask about a file inside it (a `name/` pattern matches folders only)
            written.add(out if Path(out).suffix else f"{out.rstrip('/')}/report.html")
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *sorted(written)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    ).stdout.split()  # fmt: skip
    assert sorted(written) == sorted(ignored), f"not ignored: {sorted(written - set(ignored))}"


def test_unknown_options_are_caught() -> None:
    assert _unknown_options("d.md:1", "$ dontguess score a.jsonl --bootstrap 0 --nope 1") == [
        "d.md:1: `dontguess score` has no --nope"
    ]
    assert (
        _unknown_options("d.md:2", "dontguess corpus stats x --engine spark  # --not-a-flag") == []
    )
    assert _unknown_options("d.md:3", "x | dontguess bound theorem2 --sr 0.1 --n 5") == []
