"""Prompts for the closed rubric and the open rubric at a stated confidence target.

The closed rubric sends the question alone. The open rubric states a target ``t`` in one of
two equivalent styles (paper §4: answer only if more than ``t`` confident):

- ``penalty``: right +1, wrong −t/(1−t), "I don't know" 0;
- ``reward``: right +1, wrong 0, "I don't know" earns t.

Under either rule the expected score of answering with confidence ``c`` beats abstaining
exactly when ``c > t``. At ``t = 0`` both say "always give your best guess".

Users may supply their own template file: plain text in which ``{question}``, ``{target}``,
``{percent}`` and ``{penalty}`` are replaced (other braces are left alone). The template's
hash (:func:`template_hash`) is stored with every record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from dontguess.errors import InputError
from dontguess.records import Condition

__all__ = [
    "TEMPLATES",
    "build_conditions",
    "format_number",
    "load_template",
    "render",
    "template_for",
    "template_hash",
]

TEMPLATES: Mapping[str, str] = {
    "closed": "{question}",
    "penalty": (
        "Answer the question below. Scoring: a correct answer earns 1 point, a wrong answer "
        'costs {penalty} points, and "I don\'t know" scores 0. At this confidence target '
        "(t = {target}) an answer pays off only if you are more than {percent}% sure it is "
        'right; if you are not, reply exactly "I don\'t know".\n\nQuestion: {question}'
    ),
    "reward": (
        "Answer the question below. Scoring: a correct answer earns 1 point, a wrong answer "
        'earns 0, and replying "I don\'t know" earns {target} points (t = {target}). So answer '
        "only if you are more than {percent}% sure you are right; otherwise reply exactly "
        '"I don\'t know".\n\nQuestion: {question}'
    ),
    "zero": (
        "Answer the question below. Always give your best guess: a wrong answer costs "
        'nothing and "I don\'t know" scores 0 (t = 0).\n\nQuestion: {question}'
    ),
}

_FIELD = re.compile(r"\{(question|target|percent|penalty)\}")


def format_number(x: float) -> str:
    """Short decimal form used in prompts.

    >>> format_number(0.75), format_number(3.0), format_number(1 / 3)
    ('0.75', '3', '0.3333')
    """
    return f"{x:.4g}"


def template_hash(text: str) -> str:
    """First 12 hex digits of the SHA-256 of a template's text.

    >>> template_hash("{question}")
    'bf085a6e12c9'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_template(path: str | Path) -> str:
    """Read a user template file; it must contain ``{question}``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read template: {exc.strerror}", path=str(p)) from exc
    if "{question}" not in text:
        raise InputError("template has no {question} placeholder", path=str(p))
    return text


def template_for(condition: Condition, custom: str | None = None) -> str:
    """The template text used for ``condition`` (``custom`` replaces the open-rubric ones)."""
    if condition.rubric == "closed":
        return TEMPLATES["closed"]
    if custom is not None:
        return custom
    if condition.target == 0.0:
        return TEMPLATES["zero"]
    return TEMPLATES[condition.style or "penalty"]


def render(template: str, question: str, target: float | None = None) -> str:
    r"""Fill ``template`` for one question at target ``target``.

    The penalty shown is t/(1−t), the percentage 100·t.

    >>> render(TEMPLATES["penalty"], "2+2?", 0.75).count("costs 3 points")
    1
    """
    t = 0.0 if target is None else target
    values = {
        "question": question,
        "target": format_number(t),
        "percent": format_number(100 * t),
        "penalty": format_number(t / (1 - t)),
    }
    return _FIELD.sub(lambda m: values[m.group(1)], template)


def build_conditions(
    targets: Iterable[float], rubrics: Iterable[str], style: str, *, custom: str | None = None
) -> list[Condition]:
    """Closed and/or open conditions, one open condition per target, with template hashes.

    >>> [c.label for c in build_conditions([0.5, 0.9], ["closed", "open"], "penalty")]
    ['closed', 'open t=0.5 (penalty)', 'open t=0.9 (penalty)']
    """
    wanted = list(dict.fromkeys(rubrics))
    for r in wanted:
        if r not in ("closed", "open"):
            raise InputError(f"rubric must be closed or open, got {r!r}")
    if style not in ("penalty", "reward"):
        raise InputError(f"style must be penalty or reward, got {style!r}")
    out: list[Condition] = []
    if "closed" in wanted:
        out.append(Condition("closed", template_hash=template_hash(TEMPLATES["closed"])))
    if "open" in wanted:
        for t in dict.fromkeys(float(x) for x in targets):
            if not 0.0 <= t < 1.0:
                raise InputError(f"target must be in [0, 1), got {t}")
            probe = Condition("open", t, style)  # type: ignore[arg-type]
            text = template_for(probe, custom)
            out.append(Condition("open", t, style, template_hash(text)))  # type: ignore[arg-type]
    return out
