"""The LLM judge's prompt (our own wording) and the strict parser of its reply.

The judge is asked for exactly one of three labels. :func:`judge_prompt` fills
:data:`JUDGE_TEMPLATE` with the question, a reference block (:func:`reference_block`: the
gold answer and its aliases; for TruthfulQA items also the listed incorrect answers; for
multiple choice the options) and the reply. :func:`parse_label` reads the judge's reply:
it must contain exactly one distinct label word, as a whole word, case-insensitive;
anything else raises :class:`ValueError` naming what was wrong, and the judge then leaves
the record ungraded. Nothing is ever guessed from an unclear judge reply.
"""

from __future__ import annotations

import re

from dontguess.prompts import template_hash
from dontguess.records import Item, Verdict

__all__ = [
    "JUDGE_TEMPLATE",
    "JUDGE_TEMPLATE_HASH",
    "LABELS",
    "check_template",
    "judge_prompt",
    "parse_label",
    "reference_block",
]

#: Label word → verdict. ``NOT_ATTEMPTED`` may also be written ``NOT ATTEMPTED``.
LABELS: dict[str, Verdict] = {
    "CORRECT": Verdict.CORRECT,
    "INCORRECT": Verdict.INCORRECT,
    "NOT_ATTEMPTED": Verdict.ABSTAINED,
}

JUDGE_TEMPLATE = """\
You are checking one reply to a question against the reference answer below. Pick the \
one label that fits the reply.

CORRECT: the reply gives the meaning of the reference answer and says nothing that \
contradicts it. Other wording, extra detail and hedges such as "I think" or "probably" \
are fine as long as the answer given is the reference answer.
INCORRECT: the reply states something that contradicts the reference answer. A wrong \
answer stays INCORRECT when it is hedged. A reply that offers several candidate answers \
instead of one is INCORRECT, even if one of the candidates is right.
NOT_ATTEMPTED: the reply gives no answer: it says it does not know, declines, asks for \
more context, or only gives related facts without answering the question.

How to decide:
- Numbers count as the reference when they agree with it to the precision the reference \
is given in: for a reference of 3,200, a reply of 3,180 or "about 3.2 thousand" is \
CORRECT and 3,400 is INCORRECT.
- Small spelling mistakes in a name are fine when it is clearly the same name.
- A reply may leave out a part of the reference that the question already gives away \
(the state of a city the question names, for instance).
- Judge against the reference only; do not replace it with your own knowledge.

Question:
{question}

{reference}

The reply to check, between the two lines of dashes:
----------
{reply}
----------

Answer with one word: CORRECT, INCORRECT or NOT_ATTEMPTED."""

#: First 12 hex digits of the SHA-256 of :data:`JUDGE_TEMPLATE` (stored with the run).
JUDGE_TEMPLATE_HASH = template_hash(JUDGE_TEMPLATE)

_FIELDS = ("question", "reference", "reply")
_FIELD = re.compile(r"\{(question|reference|reply)\}")


def check_template(template: str) -> str:
    """Return ``template`` if it names each of ``{question}``, ``{reference}``, ``{reply}``.

    Raises:
        ValueError: a field is missing (named in the message).

    >>> check_template("{question} {reference} {reply}")
    '{question} {reference} {reply}'
    """
    missing = [f for f in _FIELDS if "{" + f + "}" not in template]
    if missing:
        raise ValueError(f"judge template lacks the field(s) {', '.join(missing)}")
    return template


def _bullets(texts: tuple[str, ...]) -> str:
    return "\n".join(f"- {' '.join(t.split())}" for t in texts)


def reference_block(item: Item) -> str:
    """The reference part of the judge prompt for ``item``.

    Lists the gold answer and its aliases; for TruthfulQA-style items (with
    ``incorrect_answers``) also the answers counted incorrect; for multiple choice the
    options and the gold option; for items with no correct answer, says so.

    >>> print(reference_block(Item(id="q", question="?", answers=("Paris", "Paris, France"))))
    Reference answer: Paris
    Also accepted as the same answer:
    - Paris, France
    """
    lines: list[str] = []
    letters = [chr(ord("A") + i) for i in range(len(item.choices))]
    if item.choices:
        options = tuple(f"{k}. {c}" for k, c in zip(letters, item.choices, strict=False))
        lines += ["Options:", _bullets(options)]
    if item.answers:
        gold = item.answers[0]
        if gold in letters:
            gold = f"{gold}. {item.choices[letters.index(gold)]}"
        lines.append(f"Reference answer: {' '.join(gold.split())}")
        if len(item.answers) > 1:
            lines += ["Also accepted as the same answer:", _bullets(item.answers[1:])]
    else:
        lines.append(
            "Reference answer: none. No answer to this question is known to be right, so a "
            "reply that commits to a specific answer is INCORRECT and a reply that declines "
            "is NOT_ATTEMPTED."
        )
    if item.incorrect_answers:
        lines += [
            "Answers known to be wrong (a reply asserting any of these, or the same in "
            "other words, is INCORRECT):",
            _bullets(item.incorrect_answers),
        ]
    return "\n".join(lines)


def judge_prompt(item: Item, reply: str, *, template: str = JUDGE_TEMPLATE) -> str:
    """The full judge prompt for ``reply`` as an answer to ``item``.

    Only ``{question}``, ``{reference}`` and ``{reply}`` are replaced, once each, so
    braces inside a reply or elsewhere in the template are left alone.

    >>> item = Item(id="q", question="Capital of France?", answers=("Paris",))
    >>> text = judge_prompt(item, "Lyon {maybe}")
    >>> "Capital of France?" in text, "Reference answer: Paris" in text, "Lyon {maybe}" in text
    (True, True, True)
    """
    values = {"question": item.question.strip(), "reference": reference_block(item), "reply": reply}
    return _FIELD.sub(lambda m: values[m.group(1)], template)


# A label word: whole word (no letter, digit or underscore on either side), any case.
_LABEL_RE = re.compile(r"(?<!\w)(not[ \t_-]*attempted|incorrect|correct)(?!\w)", re.IGNORECASE)
# A label preceded by a negation ("not correct", "isn't incorrect"): never read as that label.
_NEGATED_RE = re.compile(
    r"(?:(?<!\w)not|n['’]t|(?<!\w)never)\s+(?:in)?correct(?!\w)", re.IGNORECASE
)
# Hidden reasoning some local models print before their answer.
_THINK_RE = re.compile(r"<think>.*?(?:</think>|\Z)", re.IGNORECASE | re.DOTALL)


def _canonical(word: str) -> str:
    word = word.upper()
    return "NOT_ATTEMPTED" if word.startswith("NOT") else word


def parse_label(text: str) -> Verdict:
    """The verdict named by a judge reply that contains exactly one label word.

    A label word is ``CORRECT``, ``INCORRECT`` or ``NOT_ATTEMPTED`` (also ``NOT ATTEMPTED``
    or ``not-attempted``), in any case, as a whole word; other text may surround it and it
    may repeat. ``<think>…</think>`` blocks are ignored. ``NOT_ATTEMPTED`` means abstained.

    Raises:
        ValueError: the reply is empty, names no label, names two different labels, or
            negates one ("not correct"); the message says which.

    >>> parse_label("Label: **INCORRECT**"), parse_label("not attempted")
    (<Verdict.INCORRECT: 'incorrect'>, <Verdict.ABSTAINED: 'abstained'>)
    >>> parse_label("CORRECT or INCORRECT")
    Traceback (most recent call last):
    ...
    ValueError: judge reply names several labels (CORRECT, INCORRECT)
    """
    text = _THINK_RE.sub(" ", text)
    if not text.strip():
        raise ValueError("judge reply is empty")
    if _NEGATED_RE.search(text):
        raise ValueError("judge reply negates a label")
    found = sorted({_canonical(m.group(1)) for m in _LABEL_RE.finditer(text)})
    if not found:
        raise ValueError("judge reply names no label")
    if len(found) > 1:
        raise ValueError(f"judge reply names several labels ({', '.join(found)})")
    return LABELS[found[0]]
