"""HTML building blocks for the report. Every value is escaped on the way in.

Model output (answers, model names, ungraded reasons, group values) is untrusted text: it
only ever reaches the page through :func:`esc` (``html.escape`` with quotes), either directly
or through :func:`table_html`. Trusted markup (our own tags, matplotlib SVG) is passed as
:class:`Markup`, so the two cannot be confused by accident.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["Markup", "esc", "page", "section", "shown", "table_html", "visible_text"]

#: Characters that reorder the text after them (bidi embeddings, overrides, isolates, marks).
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Longest text kept in a ``title`` attribute; past it the page would grow with every repeat.
TITLE_MAX = 4000


class Markup(str):
    """Text already safe to put in the page (our own markup); :func:`esc` leaves it alone."""

    __slots__ = ()


def esc(value: Any) -> Markup:
    """Escape ``value`` for HTML text or a quoted attribute (``Markup`` passes through).

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    if isinstance(value, Markup):
        return value
    return Markup(html.escape("" if value is None else str(value), quote=True))


def visible_text(value: Any, limit: int) -> tuple[str, int]:
    """The first ``limit`` characters of ``value`` with bidi controls made visible, and its length.

    A right-to-left override (U+202E) in a model name would reverse the rest of the name on
    the page; it is shown as ``<U+202E>`` instead. Only the kept head is scanned, so a 1 MB
    name costs no more than a short one.

    >>> visible_text("gpt\u202eevil", 80)
    ('gpt<U+202E>evil', 8)
    """
    text = "" if value is None else str(value)
    head = _BIDI.sub(lambda m: f"<U+{ord(m.group()):04X}>", text[: limit + 1])
    return head, len(text)


def shown(value: Any, limit: int = 60) -> Markup:
    """Untrusted text for a table cell or a sentence: escaped, bidi-isolated, cut to ``limit``.

    The text goes into ``<bdi>`` (so it cannot reorder what follows it) with bidi controls
    made visible; a longer text is cut to ``limit`` characters plus "…", its fuller text (up to
    :data:`TITLE_MAX` characters) in the ``title`` attribute, shown on hover.

    >>> shown("a" * 20, limit=5)
    '<bdi title="aaaaaaaaaaaaaaaaaaaa">aaaa…</bdi>'
    >>> shown("<b>x</b>")
    '<bdi>&lt;b&gt;x&lt;/b&gt;</bdi>'
    """
    full, n = visible_text(value, TITLE_MAX)
    if len(full) <= limit:
        return Markup(f"<bdi>{esc(full)}</bdi>")
    title = full if n <= TITLE_MAX else f"{full[:TITLE_MAX]}… ({n} characters in all)"
    return Markup(f'<bdi title="{esc(title)}">{esc(full[: limit - 1])}…</bdi>')


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, cls: str = "") -> Markup:
    """A ``<table>`` whose header and cells are all escaped (unless :class:`Markup`)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>\n" for row in rows
    )
    return Markup(
        f'<div class="wide"><table class="{esc(cls)}"><thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}</tbody></table></div>"
    )


def section(anchor: str, title: str, *parts: Markup | str) -> Markup:
    """A ``<section>`` with a heading; plain ``str`` parts are escaped as paragraphs."""
    inner = "\n".join(p if isinstance(p, Markup) else f"<p>{esc(p)}</p>" for p in parts)
    return Markup(f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n{inner}\n</section>')


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 75rem; padding: 0 1rem; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.5rem; text-align: right; vertical-align: top; }
td { white-space: nowrap; } th { background: #f3f3f3; }
td:first-child, th:first-child { text-align: left; }
table.answers td { text-align: left; white-space: pre-wrap; max-width: 40rem;
                   overflow-wrap: anywhere; }
.wide { max-width: 100%; overflow-x: auto; }
bdi { unicode-bidi: isolate; }
.figure svg { max-width: 100%; min-width: min(100%, 36rem); height: auto; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; }
.note { color: #555; font-size: 0.9rem; }
code { background: #f3f3f3; padding: 0 0.2rem; }
"""

#: Nothing may load or run: no scripts, no network; inline styles and data: images only.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, parts: Sequence[Markup]) -> str:
    """A complete, self-contained HTML document (inline CSS, no scripts, no network)."""
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n{body}\n</body>\n</html>\n"
    )
