"""Verbalised confidence: ask the model for the probability that its answer is right.

The follow-up prompt is ours (:data:`VERBAL_TEMPLATE`); the reply is parsed strictly by
:func:`parse_verbal_confidence`: one number, a probability or a percentage, optionally after a
label. Anything else is no confidence, with the reason, never a guess.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "VERBAL_TEMPLATE",
    "VERBAL_TEMPLATE_HASH",
    "VerbalConfidence",
    "parse_verbal_confidence",
    "verbal_prompt",
]

#: The follow-up prompt (our wording). ``{question}`` and ``{answer}`` are filled in.
VERBAL_TEMPLATE = (
    "Question: {question}\n"
    "Proposed answer: {answer}\n\n"
    "What is the probability that the proposed answer is correct? Reply with one number "
    "between 0 and 1 (for example 0.35) and nothing else."
)

#: Short hash of :data:`VERBAL_TEMPLATE`, stored with runs that use it.
VERBAL_TEMPLATE_HASH = hashlib.sha256(VERBAL_TEMPLATE.encode()).hexdigest()[:12]

_LABEL = r"(?:(?:probability|confidence|p|answer)\s*[:=]?\s*)?"
_NUMBER = r"(?P<num>(?:\d+(?:\.\d*)?|\.\d+))\s*(?P<pct>%?)"
_STRICT = re.compile(rf"^\s*{_LABEL}{_NUMBER}\s*\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class VerbalConfidence:
    """A parsed verbalised confidence.

    Attributes:
        value: the probability in [0, 1], or ``None`` when the reply gave none.
        reason: why ``value`` is ``None`` (``None`` when parsed).
    """

    value: float | None
    reason: str | None = None


def verbal_prompt(question: str, answer: str) -> str:
    """The follow-up prompt asking for the probability that ``answer`` is right.

    >>> print(verbal_prompt("Capital of France?", "Paris").splitlines()[1])
    Proposed answer: Paris
    """
    return VERBAL_TEMPLATE.format(question=question, answer=answer)


def parse_verbal_confidence(text: str | None) -> VerbalConfidence:
    """Parse a verbalised confidence strictly: ``0.8``, ``.8``, ``80%``, ``Probability: 0.8``.

    The reply must be one number, optionally after a label (probability / confidence / p /
    answer, with ``:`` or ``=``) and optionally ending with ``%`` or a full stop. A plain
    number must lie in [0, 1] (``80`` is rejected: a number or a percentage is meant, and
    guessing which would invent data); a percentage in [0, 100] is divided by 100. Words,
    ranges, several numbers or an empty reply give ``value=None`` and a reason.

    >>> parse_verbal_confidence("0.85")
    VerbalConfidence(value=0.85, reason=None)
    >>> parse_verbal_confidence("Confidence: 70%").value
    0.7
    >>> parse_verbal_confidence("maybe 0.6 or 0.7").reason
    "not one number: 'maybe 0.6 or 0.7'"
    """
    if text is None or not text.strip():
        return VerbalConfidence(None, "empty reply")
    m = _STRICT.match(text)
    shown = text.strip()[:60]
    if m is None:
        return VerbalConfidence(None, f"not one number: {shown!r}")
    value = float(m.group("num"))
    if m.group("pct"):
        if value > 100:
            return VerbalConfidence(None, f"percentage above 100: {shown!r}")
        return VerbalConfidence(round(value / 100, 12))
    if value > 1:
        return VerbalConfidence(None, f"number above 1 without %: {shown!r}")
    return VerbalConfidence(value)
