"""The stand-in model's answers: a known function of the question, so verdicts are computable.

Questions look like ``What is A plus B?``. The model's confidence in a question is
``c = confidence(question)`` (a hash in [0, 1)). It answers ``A+B`` (correct) when
``c >= KNOW``, else ``A+B+1`` (wrong); under an open rubric whose prompt states
``(t = X)`` it says "I don't know." when ``c <= X``. A question containing ``BAD REQUEST``
gets an HTTP 400.

A sampled stand-in (``draw`` given: the server's ``--sampled``, where choice ``j`` of a
request with seed ``s`` is draw ``s + j``) answers right when ``u(question, draw) < c``
instead, so its samples differ from one another and each one is a known function of
(question, draw).
"""

from __future__ import annotations

import hashlib
import math
import re

KNOW = 0.4
IDK = "I don't know."
_QUESTION = re.compile(r"What is (\d+) plus (\d+)\?")
_TARGET = re.compile(r"\(t = ([0-9.]+)\)")
VERBAL_ASK = "What is the probability that the proposed answer is correct?"


def answer_logprobs(prompt: str) -> list[float]:
    """Token log-probabilities of any reply to ``prompt``: ``[log c, 0]`` for a question with
    confidence c (so the sequence and first-token probabilities are c), ``[0]`` otherwise."""
    m = _QUESTION.search(prompt)
    return [math.log(max(confidence(m.group(0)), 1e-12)), 0.0] if m else [0.0]


def confidence(question: str) -> float:
    """The stand-in model's confidence in ``question``, in [0, 1)."""
    digest = hashlib.sha256(question.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def make_question(i: int) -> tuple[str, str]:
    """Question ``i`` and its gold answer."""
    a, b = 3 * i + 1, 7 * i + 2
    return f"What is {a} plus {b}?", str(a + b)


def answer(prompt: str, draw: int | None = None) -> str:
    """The stand-in's reply to a prompt holding one ``What is A plus B?`` question.

    Asked for the probability that its answer is right (dontguess's verbal follow-up), it
    replies with its confidence c to two decimals.
    """
    m = _QUESTION.search(prompt)
    if m is None:
        return IDK
    c = confidence(m.group(0))
    if VERBAL_ASK in prompt:
        return f"{c:.2f}"
    t = _TARGET.search(prompt)
    if t is not None and c <= float(t.group(1)):
        return IDK
    total = int(m.group(1)) + int(m.group(2))
    return str(total if _right(m.group(0), c, draw) else total + 1)


def _right(question: str, c: float, draw: int | None) -> bool:
    if draw is None:
        return c >= KNOW
    return confidence(f"{question}#{draw}") < c


def expected_verdict(question: str, target: float | None, draw: int | None = None) -> str:
    """The verdict the deterministic grader should give the stand-in's answer."""
    c = confidence(question)
    if target is not None and c <= target:
        return "abstained"
    return "correct" if _right(question, c, draw) else "incorrect"
