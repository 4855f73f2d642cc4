"""A loopback OpenAI-compatible stand-in server (aiohttp.web), run as a subprocess.

    python tests/standin/standin_server.py --port 0 [--latency-ms 50] [--fail-rate 0.2]
        [--sampled] [--max-n M] [--status-after N CODE]

prints ``PORT <n>`` once listening. Serves ``POST /v1/chat/completions`` and
``/v1/completions`` with answers from :mod:`standin_model` (``--instant`` answers "42"
without parsing, for benchmarks) and ``GET /stats`` with server-side counts: requests
received, answers delivered per body hash, faults injected by kind, requests per ``n``,
requests per path and the last 100 request bodies (``bodies``, for tests of body fields).
A chat message whose content is a list of parts (``[{"type": "text", "text": …}]``, as
some clients send) is read as the concatenation of its text parts.

The body's ``n`` (default 1) is honoured: the reply holds ``n`` choices (at most
``--max-n``, as servers that cap ``n`` do). Without ``--sampled`` every choice is the same
answer; with it choice ``j`` of a body with seed ``s`` (0 if absent) is the stand-in's draw
``s + j`` (see :mod:`standin_model`), the same answer a separate request with seed
``s + j`` gets.

Faults (``--fail-rate p``): each request fails with probability p, in one of five ways:
429 with ``Retry-After``, 500, a hang (time-out on the client), a dropped connection, or a
200 with a malformed JSON body.

``--status-after N CODE``: the first N requests are answered, every later one gets HTTP
CODE with an OpenAI-style error body (``--status-after 0 401``: a server that refuses the
key; ``--status-after 10 401``: a key revoked mid-run). These are counted as faults too.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin_model import answer, answer_logprobs

FAULTS = ("429", "500", "hang", "drop", "malformed")


class State:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.received = 0
        self.answered: Counter[str] = Counter()
        self.attempts: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.auth: Counter[str] = Counter()
        self.n: Counter[int] = Counter()
        self.paths: Counter[str] = Counter()
        self.bodies: list[dict] = []


def _choice(i: int, text: str, chat: bool, logprobs: list[float] | None = None) -> dict:
    out: dict = {"index": i, "finish_reason": "stop"}
    if chat:
        out["message"] = {"role": "assistant", "content": text}
    else:
        out["text"] = text
    if logprobs is not None:  # asked with "logprobs": as OpenAI returns them
        tokens = [{"token": f"t{k}", "logprob": lp} for k, lp in enumerate(logprobs)]
        out["logprobs"] = {"content": tokens} if chat else {"token_logprobs": logprobs}
    return out


def _reply(body: dict, texts: list[str], chat: bool, prompt: str = "") -> bytes:
    lp = answer_logprobs(prompt) if body.get("logprobs") else None
    # listed in reverse: clients must order choices by "index", not by position
    choices = [_choice(i, t, chat, lp) for i, t in enumerate(texts)][::-1]
    doc = {
        "id": "standin",
        "object": "chat.completion" if chat else "text_completion",
        "model": body.get("model", "standin"),
        "choices": choices,
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 2 * len(texts),
            "total_tokens": 10 + 2 * len(texts),
        },
    }
    return json.dumps(doc).encode()


async def _fault(kind: str, request: web.Request, st: State) -> web.StreamResponse:
    if kind == "429":
        return web.json_response(
            {"error": {"message": "rate limited"}}, status=429, headers={"Retry-After": "0"}
        )
    if kind == "500":
        return web.json_response({"error": {"message": "boom"}}, status=500)
    if kind == "hang":
        await asyncio.sleep(st.args.hang_s)
        return web.json_response({"error": {"message": "too late"}}, status=504)
    if kind == "drop":
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=500)
    return web.Response(body=b'{"choices": [{"mess', content_type="application/json")


def _text(content: str | list) -> str:
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content


async def completions(request: web.Request) -> web.StreamResponse:
    st: State = request.app["state"]
    raw = await request.read()
    st.received += 1
    st.auth[request.headers.get("Authorization", "")[:7]] += 1
    key = hashlib.sha256(raw).hexdigest()
    st.attempts[key] += 1
    body = json.loads(raw)
    st.paths[request.path] += 1
    st.bodies = [*st.bodies[-99:], body]
    asked = int(body.get("n", 1))
    st.n[asked] += 1
    n = min(asked, st.args.max_n) if st.args.max_n else asked
    chat = request.path.endswith("/chat/completions")
    if st.args.latency_ms:
        await asyncio.sleep(st.args.latency_ms / 1000)
    if st.args.status_after and sum(st.answered.values()) >= int(st.args.status_after[0]):
        code = int(st.args.status_after[1])
        st.faults[str(code)] += 1
        return web.json_response({"error": {"message": f"status {code}"}}, status=code)
    if st.args.instant:
        st.answered[key] += 1
        return web.Response(body=_reply(body, ["42"] * n, chat), content_type="application/json")
    prompt = _text(body["messages"][-1]["content"]) if chat else body["prompt"]
    if "BAD REQUEST" in prompt:
        st.answered[key] += 1
        return web.json_response({"error": {"message": "bad question (code 17)"}}, status=400)
    if st.args.fault or (st.args.fail_rate and st.rng.random() < st.args.fail_rate):
        kind = st.args.fault or st.rng.choice(FAULTS)
        st.faults[kind] += 1
        return await _fault(kind, request, st)
    st.answered[key] += 1
    seed = int(body.get("seed") or 0)
    texts = [answer(prompt, seed + j if st.args.sampled else None) for j in range(n)]
    return web.Response(body=_reply(body, texts, chat, prompt), content_type="application/json")


async def stats(request: web.Request) -> web.Response:
    st: State = request.app["state"]
    return web.json_response(
        {
            "received": st.received,
            "answered": dict(st.answered),
            "attempts": dict(st.attempts),
            "faults": dict(st.faults),
            "auth": dict(st.auth),
            "n": {str(k): v for k, v in st.n.items()},
            "paths": dict(st.paths),
            "bodies": st.bodies,
        }
    )


async def main(args: argparse.Namespace) -> None:
    app = web.Application()
    app["state"] = State(args)
    app.router.add_post("/v1/chat/completions", completions)
    app.router.add_post("/v1/completions", completions)
    app.router.add_get("/stats", stats)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--fail-rate", type=float, default=0.0)
    p.add_argument("--hang-s", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fault", choices=FAULTS, help="fail every request this way")
    p.add_argument("--instant", action="store_true")
    p.add_argument("--sampled", action="store_true", help="choice j answers draw seed+j")
    p.add_argument("--max-n", type=int, default=0, help="return at most this many choices")
    p.add_argument("--status-after", nargs=2, metavar=("N", "CODE"), help="then HTTP CODE")
    asyncio.run(main(p.parse_args()))
