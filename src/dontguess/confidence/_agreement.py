"""Sample-agreement confidence: how many of a question's K samples give the same answer.

Two answers agree when the rules grader's matchers say so (:func:`answers_agree`): equal after
:func:`dontguess.grading.normalize_answer`, or one matches the other as a gold answer under
:func:`dontguess.grading.match_answers` (containment, numbers, dates). No gold answer is used:
agreement needs no grading, only the samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dontguess.errors import InputError
from dontguess.grading import match_answers, normalize_answer
from dontguess.records import GradedTable, Verdict, verdict_code

__all__ = ["MAX_SAMPLES", "agreement_column", "agreement_confidence", "answers_agree", "has_text"]

#: Most samples per question the agreement estimator accepts (K = 2 … 20).
MAX_SAMPLES = 20
_ABSTAINED = verdict_code(Verdict.ABSTAINED)


def _form(answer: str) -> str:
    """The normalised answer, or its stripped casefold when normalising leaves nothing
    (a bare choice letter "A" is an article to the normaliser)."""
    return normalize_answer(answer) or answer.strip().casefold()


def has_text(column: npt.NDArray[np.object_]) -> bool:
    """Whether some cell of an answer column holds text (vectorised; empty cells are "")."""
    return bool(np.asarray(column != "", dtype=bool).any())


def answers_agree(a: str, b: str, *, question: str = "") -> bool:
    """Whether two answers to the same question say the same thing (symmetric).

    True when their normalised forms are equal and non-empty (a reply that normalises to
    nothing, like the choice letter "A", is compared casefolded), or when either, taken as the
    gold answer, matches the other (:func:`dontguess.grading.match_answers` status
    ``"match"``: containment, equal numbers or dates). Empty answers agree with nothing.

    >>> answers_agree("Paris", "It is Paris."), answers_agree("3.0", "3"), answers_agree("4", "3")
    (True, True, False)
    """
    na, nb = _form(a), _form(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    return (
        match_answers((a,), b, question=question).status == "match"
        or match_answers((b,), a, question=question).status == "match"
    )


def agreement_confidence(answers: Sequence[str | None], *, question: str = "") -> list[float]:
    """Per sample: the share of the question's K samples whose answer agrees with it.

    ``agreement_k = (1 + #{j ≠ k : answers_agree(a_j, a_k)}) / K``, the sample itself
    included, so K = 2 gives 1.0 when the two agree and 0.5 when not. ``None`` marks a sample
    with no answer (the model said "I don't know"): it counts in K, agrees with nothing and
    gets nan (no answer, no confidence). Range [1/K, 1].

    Args:
        answers: the K answers to one question (K = 2 … :data:`MAX_SAMPLES`).
        question: the question text, passed to the matchers.

    Raises:
        ValueError: K outside 2 … 20.

    >>> agreement_confidence(["Paris", "paris", "Lyon", None])
    [0.5, 0.5, 0.25, nan]
    """
    k = len(answers)
    if not 2 <= k <= MAX_SAMPLES:
        raise ValueError(f"agreement needs 2 to {MAX_SAMPLES} samples of a question, got {k}")
    # group equal normalised answers first: the matchers run once per distinct pair
    forms: dict[str, list[int]] = {}
    for pos, ans in enumerate(answers):
        if ans is not None and _form(ans):
            forms.setdefault(_form(ans), []).append(pos)
    keys = list(forms)
    text = {key: answers[forms[key][0]] or "" for key in keys}
    support = {key: len(forms[key]) for key in keys}
    for x in range(len(keys)):
        for y in range(x + 1, len(keys)):
            if answers_agree(text[keys[x]], text[keys[y]], question=question):
                support[keys[x]] += len(forms[keys[y]])
                support[keys[y]] += len(forms[keys[x]])
    out = [math.nan] * k
    for key, positions in forms.items():
        for pos in positions:
            out[pos] = support[key] / k
    return out


def agreement_column(table: GradedTable) -> npt.NDArray[np.float64]:
    """:func:`agreement_confidence` for every record of a table (nan where undefined).

    Samples are grouped by (model, stated_target, style, item_id); only graded samples count
    (an ungraded one is no evidence either way), abstentions count in K with no answer.
    Questions with one graded sample, and abstained or ungraded records, get nan.

    Raises:
        InputError: the table keeps no answer text, or a question has more than 20 samples.
    """
    n = len(table)
    out = np.full(n, np.nan)
    if n and not has_text(table.answer[table.verdict >= 0]):
        raise InputError("sample agreement needs the answer text, and this table keeps none")
    clusters: dict[tuple[str, str, str, str], list[int]] = {}
    for row in np.flatnonzero(table.verdict >= 0).tolist():
        key = (str(table.model[row]), repr(float(table.stated_target[row])),
               str(table.style[row]), str(table.item_id[row]))  # fmt: skip
        clusters.setdefault(key, []).append(row)
    for key, rows in clusters.items():
        if len(rows) < 2:
            continue
        if len(rows) > MAX_SAMPLES:
            raise InputError(
                f"question {key[3]!r} of model {key[0]!r} has {len(rows)} samples; "
                f"sample agreement takes 2 to {MAX_SAMPLES}"
            )
        answers = [None if table.verdict[r] == _ABSTAINED else str(table.answer[r]) for r in rows]
        out[rows] = agreement_confidence(answers)
    return out
