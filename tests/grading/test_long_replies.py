"""Long replies are graded in time about linear in their length (issue 13, item 9).

Two rules were quadratic, so one long answer from a hostile or rambling server stalled a
run: the abstention detector's full-stop rule rescanned a run of non-space characters
from every character (100 kB of ``a`` took 80 s, 1 MB hours), and the date finder checked
each date against every date before it (400 kB of dates took 18 s, 2 MB minutes). Each
case runs in a child process under a bound far above what it takes now (about a second),
so the old code fails by time-out instead of hanging the suite; no speed is claimed here.
"""

from __future__ import annotations

import subprocess
import sys

from dontguess.grading import DeterministicGrader, detect_abstention
from dontguess.grading._dates import find_dates
from dontguess.records import Item, Verdict

_CHILD = """
from dontguess.grading import DeterministicGrader, detect_abstention
from dontguess.grading._dates import find_dates
from dontguess.records import Item
assert detect_abstention("a" * 300_000) is False
assert detect_abstention("x." * 150_000) is False
assert len(find_dates("born 1990-05-12, " * 120_000)) == 120_000
item = Item(id="q", question="What is 1 plus 2?", answers=("3",))
grade = DeterministicGrader().grade_text(item, "a" * 1_000_000)
print("graded", grade.verdict is not None or bool(grade.reason))
"""


def test_long_runs_and_many_dates_grade_in_bounded_time() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.strip() == "graded True"  # a verdict, or none with a reason


def test_the_linear_rules_keep_their_readings() -> None:
    # the rewritten rules give what they gave before on the shapes they were made for
    assert detect_abstention("I don't know. Dr. Smith might.") is False
    assert detect_abstention("I'm not sure.") is True
    assert detect_abstention("aaaa. I don't know.") is False
    dates = find_dates("1990-05-12 or 12 May 1990, not 14/12/1972 and May 3")
    assert [(d.year, d.month, d.day) for d in dates] == [
        (1990, 5, 12),
        (1990, 5, 12),
        (1972, 12, 14),
        (None, 5, 3),
    ]
    item = Item(id="q", question="On which day was Ada born?", answers=("12 May 1990",))
    grade = DeterministicGrader().grade_text(item, "She was born on 1990-05-12. " * 5_000)
    assert grade.verdict is Verdict.CORRECT
