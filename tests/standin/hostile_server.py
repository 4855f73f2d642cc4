"""A loopback OpenAI-compatible server that answers badly on purpose (aiohttp.web).

    python tests/standin/hostile_server.py --mode MODE [--port 0] [--huge-mb 50]

prints ``PORT <n>`` once listening. Every ``POST`` (any path) gets the reply shape of
``--mode``; ``GET /v1/models`` answers 200 (what ``OpenAIBackend.check`` probes) and
``GET /stats`` gives server-side counts: ``received`` (POSTs), ``paths`` (POSTs per path),
``shapes`` (echo mode: replies per shape), ``bytes`` (body bytes written).

Modes:

- ``ok``: a good answer (the stand-in model's), as a baseline.
- ``junk``: 200, not JSON. ``nochoices``: 200, JSON without ``choices``.
- ``deep``: 200, ``[`` × 200,000. ``infinity`` / ``nan``: 200, ``"index": Infinity`` / NaN.
- ``badusage``: a good answer with ``"usage": {"prompt_tokens": "ten", ...}``.
- ``choicesdict``: ``choices`` an object; ``contentnum``: the answer text a number.
- ``huge``: 200, a valid answer ``--huge-mb`` MB long, streamed without Content-Length.
- ``401``, ``403``, ``404``, ``500``: that status, with a JSON error body echoing the key.
- ``redirect``: 307 to ``/elsewhere/v1/...`` on this server (counted if followed).
- ``echo``: the request's ``Authorization`` header comes back everywhere a server can put
  text: in 200 junk, 200 JSON without choices, 400/500/429 bodies, response headers, the
  answer text; whole, without its last character (a partial key), and placed so that it
  straddles the client's 200- and 500-character cuts. The shape is chosen per question
  (a hash of the prompt), so retries of one question get the same shape.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from standin_fixture import Standin, serve
from standin_model import answer

MODES = (
    "ok", "junk", "nochoices", "deep", "infinity", "nan", "badusage", "choicesdict",
    "contentnum", "huge", "401", "403", "404", "500", "redirect", "echo",
)  # fmt: skip
ECHO_SHAPES = ("junk", "nochoices", "400", "500", "429", "answer", "headers", "refusal")


class State:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.received = 0
        self.paths: Counter[str] = Counter()
        self.shapes: Counter[str] = Counter()
        self.bytes = 0


def _answer_doc(text: str, usage: object = None) -> dict:
    doc: dict = {"choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                              "text": text, "finish_reason": "stop"}]}  # fmt: skip
    doc["usage"] = usage or {"prompt_tokens": 10, "completion_tokens": 2}
    return doc


def _raw(body: str | bytes, status: int = 200, **headers: str) -> web.Response:
    data = body.encode() if isinstance(body, str) else body
    return web.Response(body=data, status=status, headers=headers, content_type="text/plain")


def _leaks(auth: str) -> tuple[str, str, str]:
    """The Authorization value, its token, and the token less its last character."""
    token = auth.split(" ", 1)[-1]
    return auth, token, token[:-1]


def _straddle(at: int, token: str, filler: str = "x") -> str:
    """Text in which ``token`` starts a few characters before position ``at``."""
    return filler * (at - len(token) // 2) + token


async def _huge(request: web.Request, st: State) -> web.StreamResponse:
    resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    await resp.prepare(request)
    await resp.write(b'{"choices": [{"index": 0, "message": {"content": "')
    chunk = b"a" * 2**20
    for _ in range(int(st.args.huge_mb)):
        try:
            await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            return resp
        st.bytes += len(chunk)
    await resp.write(b'"}}]}')
    await resp.write_eof()
    return resp


def _fixed(mode: str, prompt: str, auth: str, port: int) -> web.StreamResponse:
    """The reply of every mode but ``huge`` and ``echo``."""
    whole, token, part = _leaks(auth)
    said = f"echo {whole} / {token} / {part}"
    if mode == "ok":
        return web.json_response(_answer_doc(answer(prompt)))
    if mode == "junk":
        return _raw(f"<html><body>Bad gateway {said}</body></html>")
    if mode == "nochoices":
        return web.json_response({"object": "error", "detail": said})
    if mode == "deep":
        return _raw("[" * 200_000)
    if mode in ("infinity", "nan"):
        value = "Infinity" if mode == "infinity" else "NaN"
        return _raw('{"choices": [{"index": ' + value + ', "message": {"content": "4"}}]}')
    if mode == "badusage":
        usage = {"prompt_tokens": "ten", "completion_tokens": -3, "total_tokens": 10**30}
        return web.json_response(_answer_doc(answer(prompt), usage))
    if mode == "choicesdict":
        return web.json_response({"choices": {"0": {"message": {"content": "4"}}}})
    if mode == "contentnum":
        return web.json_response({"choices": [{"message": {"content": 4}}]})
    if mode == "redirect":
        where = f"http://127.0.0.1:{port}/elsewhere/v1/chat/completions"
        return web.Response(status=307, headers={"Location": where})
    status = int(mode)
    return web.json_response({"error": {"message": f"{mode} {said}"}}, status=status,
                             headers={"WWW-Authenticate": f"Bearer realm={token}"})  # fmt: skip


def _echo(shape: str, prompt: str, auth: str) -> web.StreamResponse:
    """One of the echo shapes: the key in every place a server can put text."""
    whole, token, part = _leaks(auth)
    head = {"X-Echo": whole, "X-Partial": part, "Retry-After": token}
    if shape == "junk":  # key across the 200-character snippet cut, then whole, then partial
        return _raw(_straddle(200, token) + f" {whole} {part}", **head)
    if shape == "nochoices":
        return web.json_response(
            {"detail": _straddle(180, token, " "), "auth": whole}, headers=head
        )
    if shape in ("400", "500", "429"):  # key across the 500-character message cut
        msg = _straddle(500, token) + f" Authorization: {whole} partial {part}"
        return web.json_response({"error": {"message": msg}}, status=int(shape), headers=head)
    if shape == "refusal":
        doc = {"choices": [{"message": {"content": None, "refusal": f"no {whole} {part}"}}]}
        return web.json_response(doc, headers=head)
    text = answer(prompt) if shape == "headers" else f"{answer(prompt)} {token} {part}"
    return web.json_response(_answer_doc(text), headers=head)


async def completions(request: web.Request) -> web.StreamResponse:
    st: State = request.app["state"]
    raw = await request.read()
    st.received += 1
    st.paths[request.path] += 1
    body = json.loads(raw)
    chat = "messages" in body
    prompt = body["messages"][-1]["content"] if chat else body.get("prompt", "")
    auth = request.headers.get("Authorization", "Bearer (none)")
    mode = st.args.mode
    if mode == "huge":
        return await _huge(request, st)
    if mode == "echo":
        shape = ECHO_SHAPES[int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % 8]
        st.shapes[shape] += 1
        return _echo(shape, prompt, auth)
    return _fixed(mode, prompt, auth, request.url.port or 0)


async def models(request: web.Request) -> web.Response:
    return web.json_response({"object": "list", "data": [{"id": "hostile"}]})


async def stats(request: web.Request) -> web.Response:
    st: State = request.app["state"]
    return web.json_response({"received": st.received, "paths": dict(st.paths),
                              "shapes": dict(st.shapes), "bytes": st.bytes})  # fmt: skip


@contextmanager
def hostile(mode: str, *args: str) -> Iterator[Standin]:
    """Run this server as a process in ``mode``; yields its URL and ``stats()``."""
    with serve(Path(__file__), "--mode", mode, *args) as server:
        yield server


async def main(args: argparse.Namespace) -> None:
    app = web.Application()
    app["state"] = State(args)
    app.router.add_get("/stats", stats)
    app.router.add_get("/v1/models", models)
    app.router.add_post("/{tail:.*}", completions)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", args.port)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"PORT {port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--mode", choices=MODES, required=True)
    p.add_argument("--huge-mb", type=float, default=50.0, help="size of the huge answer")
    asyncio.run(main(p.parse_args()))
