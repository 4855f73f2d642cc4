"""A loopback stand-in LLM judge (aiohttp.web, OpenAI chat API), run as a subprocess.

    python tests/standin/judge_server.py --port 0 [--fault KIND] [--fault-rate p
        --faults KIND,KIND] [--fail-first N] [--latency-ms MS] [--slow-s S]
        [--style plain|verbose|mixed]

prints ``PORT <n>`` once listening. Serves ``POST /v1/chat/completions`` and ``GET /stats``.

It reads the judge prompt of :mod:`dontguess.grading._judge_prompt` (reference answer,
accepted aliases, answers known to be wrong, the reply between the dashed lines) and
decides the label deterministically: an empty reply or one with an "I don't know" phrase
→ NOT_ATTEMPTED; a reply that contains a listed wrong answer → INCORRECT; one that
contains the reference or an alias → CORRECT; anything else → INCORRECT (all after
case-folding and dropping punctuation). ``--style`` words the label as a bare word
(``plain``), inside an explanation (``verbose``) or either, by a hash of the prompt
(``mixed``, the default).

Faults, chosen per request: a reply containing ``[judge:KIND]`` gets fault KIND; else
``--fault KIND`` gives every request that fault; else ``--fault-rate p`` gives a request
fault ``KIND`` from ``--faults`` with probability p, decided by a hash of the body (so the
same request always gets the same fault, whatever the arrival order). Kinds:

  garbage        200, text with no label
  two-labels     200, "CORRECT or INCORRECT ..."
  negated        200, "The reply is not correct."
  empty-content  200, content ""
  null-content   200, content null with finish_reason "stop" (a malformed body)
  empty-body     200 with an empty body
  refusal        200, content null and a ``refusal`` message
  refusal-text   200, "I'm sorry, but I can't help with that."
  http-500       500 (a transient error)
  http-400       400 with an error message
  http-401       401 (bad key)
  slow           the right label after ``--slow-s`` seconds

``--fail-first N``: the first N attempts of each distinct body get HTTP 500, later ones
are answered normally (to test retries). ``GET /stats``: requests received, labels sent,
faults sent by kind, attempts per body hash, most requests in flight at once.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import re
import sys
from collections import Counter
from typing import Any

from aiohttp import web

FAULTS = (
    "garbage",
    "two-labels",
    "negated",
    "empty-content",
    "null-content",
    "empty-body",
    "refusal",
    "refusal-text",
    "http-500",
    "http-400",
    "http-401",
    "slow",
)
IDK = ("i don't know", "i do not know", "not sure", "no idea", "cannot answer", "no comment")
DASHES = "----------"


class State:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.received = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.labels: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()


def norm(text: str) -> str:
    """Case-folded words without punctuation, space-joined and space-padded."""
    return " " + " ".join(re.findall(r"\w+", text.casefold())) + " "


def _bullets(lines: list[str], header_prefix: str) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith(header_prefix):
            for more in lines[i + 1 :]:
                if not more.startswith("- "):
                    break
                out.append(more[2:])
    return out


def parse_prompt(prompt: str) -> tuple[list[str], list[str], str]:
    """(accepted answers, wrong answers, reply) read from a dontguess judge prompt."""
    head, _, rest = prompt.partition(f"between the two lines of dashes:\n{DASHES}\n")
    reply = rest.rpartition(f"\n{DASHES}\n")[0]
    lines = head.splitlines()
    golds = [ln.removeprefix("Reference answer: ") for ln in lines if ln.startswith("Reference")]
    golds = [g for g in golds if not g.startswith("none.")]
    golds += _bullets(lines, "Also accepted")
    wrong = _bullets(lines, "Answers known to be wrong")
    return golds, wrong, reply


def label_for(prompt: str) -> str:
    golds, wrong, reply = parse_prompt(prompt)
    text = norm(reply)
    if not text.strip() or any(norm(p) in text for p in IDK):
        return "NOT_ATTEMPTED"
    if any(norm(w).strip() and norm(w) in text for w in wrong):
        return "INCORRECT"
    if any(norm(g).strip() and norm(g) in text for g in golds):
        return "CORRECT"
    return "INCORRECT"


def _worded(label: str, prompt: str, style: str) -> str:
    verbose = style == "verbose" or (
        style == "mixed" and hashlib.sha256(prompt.encode()).digest()[0] % 2 == 1
    )
    if not verbose:
        return label
    return f"Checking the reply against the reference answer.\n\nLabel: **{label.lower()}**"


def _chat(body: dict[str, Any], message: dict[str, Any]) -> web.Response:
    doc = {
        "id": "judge-standin",
        "object": "chat.completion",
        "model": body.get("model", "judge"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 3, "total_tokens": 103},
    }
    return web.json_response(doc)


def _text(body: dict[str, Any], content: str | None) -> web.Response:
    return _chat(body, {"role": "assistant", "content": content})


TEXT_FAULTS = {
    "garbage": "The weather in the reply's city is lovely this time of year.",
    "two-labels": "Hard to say: CORRECT or INCORRECT, depending on the reading.",
    "negated": "The reply is not correct.",
    "empty-content": "",
    "null-content": None,
    "refusal-text": "I'm sorry, but I can't help with that.",
}


async def _fault(kind: str, body: dict[str, Any], prompt: str, st: State) -> web.Response:
    if kind in TEXT_FAULTS:
        return _text(body, TEXT_FAULTS[kind])
    if kind == "empty-body":
        return web.Response(body=b"", content_type="application/json")
    if kind == "refusal":
        return _chat(body, {"role": "assistant", "content": None, "refusal": "I won't grade."})
    if kind == "http-500":
        return web.json_response({"error": {"message": "judge overloaded"}}, status=500)
    if kind == "http-400":
        return web.json_response({"error": {"message": "judge rejects this prompt"}}, status=400)
    if kind == "http-401":
        return web.json_response({"error": {"message": "invalid api key"}}, status=401)
    assert kind == "slow", kind
    await asyncio.sleep(st.args.slow_s)
    return _text(body, label_for(prompt))


def _pick_fault(raw: bytes, prompt: str, st: State) -> str | None:
    _, _, reply = parse_prompt(prompt)
    marked = re.search(r"\[judge:([a-z0-9-]+)\]", reply)
    if marked:
        return marked.group(1)
    if st.args.fault:
        return str(st.args.fault)
    digest = hashlib.sha256(raw).digest()
    if st.args.fault_rate and int.from_bytes(digest[:8], "big") / 2.0**64 < st.args.fault_rate:
        faults = st.args.faults.split(",")
        return str(faults[digest[8] % len(faults)])
    return None


async def completions(request: web.Request) -> web.StreamResponse:
    st: State = request.app["state"]
    raw = await request.read()
    st.received += 1
    st.in_flight += 1
    st.max_in_flight = max(st.max_in_flight, st.in_flight)
    try:
        key = hashlib.sha256(raw).hexdigest()
        st.attempts[key] += 1
        body = json.loads(raw)
        prompt = body["messages"][-1]["content"]
        if st.args.latency_ms:
            await asyncio.sleep(st.args.latency_ms / 1000)
        if st.attempts[key] <= st.args.fail_first:
            st.faults["fail-first"] += 1
            return web.json_response({"error": {"message": "warming up"}}, status=500)
        kind = _pick_fault(raw, prompt, st)
        if kind is not None:
            if kind not in FAULTS:
                return web.json_response({"error": {"message": f"no fault {kind}"}}, status=400)
            st.faults[kind] += 1
            return await _fault(kind, body, prompt, st)
        label = label_for(prompt)
        st.labels[label] += 1
        return _text(body, _worded(label, prompt, st.args.style))
    finally:
        st.in_flight -= 1


async def stats(request: web.Request) -> web.Response:
    st: State = request.app["state"]
    return web.json_response(
        {
            "received": st.received,
            "labels": dict(st.labels),
            "faults": dict(st.faults),
            "attempts": dict(st.attempts),
            "max_in_flight": st.max_in_flight,
        }
    )


async def main(args: argparse.Namespace) -> None:
    app = web.Application()
    app["state"] = State(args)
    app.router.add_post("/v1/chat/completions", completions)
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--fault", choices=FAULTS, help="give every request this fault")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of requests to fault")
    p.add_argument("--faults", default=",".join(FAULTS), help="kinds --fault-rate draws from")
    p.add_argument("--fail-first", type=int, default=0, help="500 for the first N attempts")
    p.add_argument("--latency-ms", type=float, default=0.0, help="delay before every answer")
    p.add_argument("--slow-s", type=float, default=5.0, help="delay of the 'slow' fault")
    p.add_argument("--style", choices=("plain", "verbose", "mixed"), default="mixed")
    args = p.parse_args()
    bad = [k for k in args.faults.split(",") if k not in FAULTS]
    if bad:
        sys.exit(f"unknown fault kind(s) {bad}; kinds: {', '.join(FAULTS)}")
    asyncio.run(main(args))
