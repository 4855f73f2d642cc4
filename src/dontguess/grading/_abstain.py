"""Conservative detection of "I don't know" replies, in eight languages.

A reply is split into clauses (sentence ends, new lines, and "but / however" in each
language). Each clause is one of

- *abstain*: "I don't know", "I cannot determine …", "I have no information …", Czech
  "nemohu s jistotou určit …", Russian "у меня нет информации …", German "ich weiß es
  nicht", …; a *hedge* ("I'm not sure") is a weak abstain;
- *commit*: a guess or a stated answer ("I think", "probably", "the answer is",
  "pravděpodobně", "wahrscheinlich", "可能", "おそらく", …), unless it is advice ("you can
  search … that may be related") or names no candidate (an indefinite such as "some
  explorer", "nějaký", and no number: then it is read as a statement);
- *filler*: apologies, "as an AI", advice to look elsewhere, requests for context, list
  numbers, and a short lead-in before advice ("2. Databases: you can search …");
- *bare*: four words or fewer ("Paris", "1987");
- *explain*: more than four words, no digit, no affirmative "is / was";
- *context*: more than four words, no digit, an affirmative statement ("X was a German
  painter");
- *content*: more than four words with a number;
- *pivot*: a statement (bare, explain, context, content) opened by "but / however".

The reply is an abstention when it has an abstain or hedge clause, no commit clause, and
its facts are only related facts. Either it opens with an abstain and every later clause
is an abstain, hedge, explain or context ("I couldn't find the year. The town lies on a
river.": refusal plus related facts, no candidate); or (the older, stricter reading) a
content, bare or pivot clause sits between two abstains, only abstain / hedge / explain
clauses follow the last abstain but one context, and every other context clause is
followed by a (non-hedge) abstain: "X was a painter, but I cannot say when he was born"
abstains, while "I cannot say. However, X is usually played in Y", "I don't know. Paris."
and "Paris, but I'm not sure" are answers. The phrase lists are in
:mod:`dontguess.grading._abstain_phrases`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import dontguess.grading._abstain_phrases as phrases
from dontguess.grading._abstain_gold import GoldView, can_answer, gold_view
from dontguess.grading._abstain_guard import guarded
from dontguess.grading._normalize import fold_quotes

__all__ = ["detect_abstention"]


def _any(parts: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in parts)


# guarded(): the same patterns, searched faster (a lookahead for their first characters)
_GATE = guarded(_any(phrases.GATE))
_WHOLE = re.compile(_any(phrases.WHOLE))
_ABSTAIN = guarded(_any(phrases.ABSTAIN))
_HEDGE = guarded(_any(phrases.HEDGE))
_COMMIT = guarded(_any(phrases.COMMIT))
_INDEFINITE = guarded(_any(phrases.INDEFINITE))
_LEADING = re.compile(rf"^(?:{_any(phrases.LEADING)})(?:\b|(?<=\W))[\s,:-]*")
_FILLER = re.compile(rf"^(?:{_any(phrases.FILLER)})")
_CLAUSE_SPLIT = guarded(
    r"(?<!\bvs)(?<!\bal)(?<!\bdr)(?<!\bmr)(?<!\bst)(?<!\bjr)(?<!\be\.g)(?<!\bi\.e)"
    r"[.!?;]+(?=\s|$)|[。！？；\n]+"
)
_CONTRAST = guarded(
    rf"(?:^|,?\s+)(?:{_any(phrases.CONTRAST)})\b,?|[，、]?(?:但是|不过|不過|然而|可是|しかし|ただし)"
)
# (?<!\S): a match starts only where a word starts, so a long run of non-space characters
# is scanned once, not once per character (that was quadratic: 100 kB took 80 s).
_DOT = re.compile(r"(?<!\S)(\S*)\.(?=\s+(\S))")
_NOT_AFFIRMATIVE = (
    r"not\b|no\b|never\b|n't|nicht\b|pas\b|ne\b|не\b|possible|unclear|unknown|uncertain|"
    r"limited|scarce|sparse|incomplete|difficult|hard|likely|often|usually|generally|"
    r"typically|available|only\b"
)
_ASSERTS = guarded(rf"(?:\b|(?<='))(?:{_any(phrases.COPULA)})\s+(?!{_NOT_AFFIRMATIVE})")
_DIGIT = re.compile(r"\b\d")  # a number, not the 1 of "DX1"
_QUOTED = re.compile(r"\"[^\"]*\"|«[^»]*»|„[^“]*“|「[^」]*」")
_APOLOGY = guarded(
    r"\b(?:sorry|apologi[sz]e|unfortunately|regrettably|omlouvám|bohužel|к сожалению|"
    r"извините|leider|désolée?|malheureusement|lo siento|lamentablemente)\b|抱歉|申し訳"
)
_STRIP = " ,-:\"'()*<>[]«»„"


def _protect(match: re.Match[str]) -> str:
    """Keep a full stop that ends no sentence (``25. října``, ``b.s. v``, ``D. B.``)."""
    word, following = match.group(1), match.group(2)
    initial = len(word) == 1 and word.isalpha()
    ordinal = word.isdigit() and len(word) <= 2
    keep = initial or ordinal or following.islower()
    return word + ("\u2024" if keep else ".")


def _clauses(lowered: str) -> list[tuple[str, bool, bool]]:
    """The clauses of a lower-cased reply: (text, opened by "but / however", is a lead-in).

    A short lead-in before a colon ("Not sure: Paris", "2. Databases: you can search …")
    is a clause of its own.
    """
    out = []
    for sentence in _CLAUSE_SPLIT.split(lowered):
        for n, part in enumerate(_CONTRAST.sub("\x00", sentence).split("\x00")):
            head, colon, tail = part.partition(": ")
            if colon and len(head.split()) <= 4:
                out += [(head.strip(), n > 0, True), (tail.strip(), False, False)]
            elif part.strip():
                out.append((part.strip(), n > 0, False))
    return out


def _readings(lowered: str) -> list[tuple[str, str]]:
    """The non-filler clauses of a lower-cased reply with their kinds, in order.

    A lead-in before advice ("Research databases: you can search …") is advice too.
    """
    clauses = _clauses(lowered)
    kinds = [_reading(text, after) for text, after, _ in clauses]
    for i in range(len(kinds) - 1):
        if clauses[i][2] and kinds[i + 1] == "filler":
            kinds[i] = "filler"
    return [(k, c[0]) for k, c in zip(kinds, clauses, strict=True) if k != "filler"]


def _reading(clause: str, after_contrast: bool) -> str:
    """The kind of a clause; after "but / however" a statement is the answer it pivots to."""
    kind = _kind(clause)
    statement = kind in ("explain", "context", "content", "bare")
    return "pivot" if after_contrast and statement else kind


def _strip_leading(clause: str) -> str:
    previous = None
    while previous != clause:
        previous, clause = clause, _LEADING.sub("", clause).strip(_STRIP)
    return clause


def _vague(clause: str) -> bool:
    """A guess that names no candidate: an indefinite ("some explorer") and no number."""
    return _INDEFINITE.search(clause) is not None and _DIGIT.search(clause) is None


def _kind(clause: str) -> str:
    """Classify one clause: filler, abstain, hedge, commit, explain, context or content."""
    clause = _strip_leading(clause)
    if not clause:
        return "filler"
    gated = _GATE.search(clause) is not None
    if gated and _WHOLE.fullmatch(clause):
        return "abstain"
    unquoted = _QUOTED.sub(" ", clause)  # "I Don't Know" as a title says nothing
    advice = _FILLER.match(clause) is not None  # "you can search … that may be related"
    if not advice and _COMMIT.search(unquoted) and not _vague(unquoted):
        return "commit"
    if _HEDGE.search(unquoted):
        return "hedge"
    if gated and _ABSTAIN.search(unquoted):
        return "abstain"
    if advice:
        return "filler"
    if len(clause.split()) <= 4:
        return "bare"
    if _DIGIT.search(clause):
        return "content"
    return "context" if _ASSERTS.search(clause) else "explain"


def _abstains(kinds: list[str]) -> bool:
    """Whether a sequence of non-filler clause kinds makes up an abstention.

    Needs an abstain or hedge clause and no commit. A reply that opens with a refusal and
    then only states related facts ("I couldn't find the year. The town lies on the
    Danube.") abstains, unless a fact is a bare short answer or is introduced by "but /
    however" (the answer it pivots to). Otherwise facts around a refusal are allowed only
    as related facts: a context clause needs a (non-hedge) abstain after it, a content
    clause one before and one after it.
    """
    if "commit" in kinds or not {"abstain", "hedge"} & set(kinds):
        return False
    if kinds[0] == "abstain" and not {"pivot", "bare", "content"} & set(kinds):
        return True
    kinds = ["content" if k in ("pivot", "bare") else k for k in kinds]
    strong = [i for i, kind in enumerate(kinds) if kind == "abstain"]
    if not strong:
        return "content" not in kinds and "context" not in kinds
    first, last = strong[0], strong[-1]
    for i, kind in enumerate(kinds):
        if kind == "content" and not first < i < last:
            return False
        if kind == "context" and i > last + 1:
            return False
    return True


def _gold_abstains(readings: list[tuple[str, str]], view: GoldView) -> bool:
    """A reply with a refusal clause whose other clauses cannot be the answer to the gold
    (by its type, :func:`~dontguess.grading._abstain_gold.can_answer`); clauses before
    the first refusal are read strictly (a statement there may be the answer it then
    hedges: "X was the mayor then, though the details are not known")."""
    kinds = [kind for kind, _ in readings]
    if "abstain" not in kinds:
        return False
    first = kinds.index("abstain")
    return not any(
        can_answer(kind, clause, view, strict=i < first)
        for i, (kind, clause) in enumerate(readings)
    )


def detect_abstention(
    text: str | None, gold: Sequence[str] | None = None, *, question: str = ""
) -> bool:
    """Whether a reply says "I don't know" rather than committing to an answer.

    Conservative: the reply must say it does not know (in English, Czech, Russian,
    German, French, Spanish, Chinese or Japanese) and contain nothing but that, filler
    (apologies, "as an AI", advice to check elsewhere), explanation, and related facts
    that come before a refusal. Any clause that offers a guess makes it an answer, as
    the SimpleQA grader counts a hedged answer as attempted.

    With the gold answers (a grader knows them) a reply is also an abstention when it
    opens with a refusal and none of its other clauses could be the answer by the gold's
    type: a clause without a year cannot answer a year, one whose only new content is a
    number cannot answer a name; a clause that matches the gold, or states another value
    of its type (a hedged wrong answer), is an attempt.

    Args:
        text: the reply text; ``None``, whitespace or a bare placeholder such as
            ``<UNKNOWN>`` counts as an abstention (no answer).
        gold: the gold answer and its aliases, or ``None`` to read the text alone.
        question: the question (with ``gold``): numbers it states are not answers.

    Returns:
        ``True`` for an abstention, ``False`` for an answer.

    >>> detect_abstention("I'm not sure."), detect_abstention("I'm not sure, but it's Paris.")
    (True, False)
    >>> detect_abstention("Sorry, I have no information on that."), detect_abstention("Paris")
    (True, False)
    >>> detect_abstention("Bohužel nevím."), detect_abstention("Je ne sais quoi")
    (True, False)
    >>> reply = "Nemám přesné informace, ale bylo to v roce 1987."
    >>> detect_abstention(reply), detect_abstention(reply, ["1990"])
    (False, False)
    >>> detect_abstention(reply, ["Karel Čapek"])
    True
    """
    if text is None or not text.strip():
        return True
    folded = _DOT.sub(_protect, re.sub(r"\s+", " ", fold_quotes(text).replace("*", "")))
    lowered = folded.lower().strip()
    if not (_GATE.search(lowered) or _HEDGE.search(lowered) or _APOLOGY.search(lowered)):
        return False  # no clause can abstain: skip the clause-by-clause reading
    readings = _readings(lowered)
    if not readings:
        return bool(_APOLOGY.search(lowered))
    if _abstains([kind for kind, _ in readings]):
        return True
    golds = tuple(g for g in gold or () if g.strip())
    return bool(golds) and _gold_abstains(readings, gold_view(golds, question))
