"""Loopback OpenAI-compatible stand-in for throughput benchmarks.

    python bench/runner_throughput/server.py --port 0 [--latency-ms 50]

Prints ``PORT <n>``. ``POST /v1/chat/completions`` and ``/v1/completions`` answer "42" at
once (after the fixed latency, if any). ``GET /stats`` returns the number of requests and the
server-side request phase: seconds from the first request's arrival to the last response.
``POST /reset`` clears both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from aiohttp import web

CHAT = json.dumps(
    {
        "id": "bench",
        "object": "chat.completion",
        "model": "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "42"}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
    }
).encode()
TEXT = json.dumps(
    {
        "id": "bench",
        "object": "text_completion",
        "model": "m",
        "choices": [{"index": 0, "text": "42", "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
    }
).encode()


class Stats:
    def __init__(self) -> None:
        self.n = 0
        self.first: float | None = None
        self.last: float | None = None


def make_app(latency: float) -> web.Application:
    stats = Stats()

    async def answer(request: web.Request) -> web.Response:
        if stats.first is None:
            stats.first = time.perf_counter()
        await request.read()
        if latency:
            await asyncio.sleep(latency)
        stats.n += 1
        stats.last = time.perf_counter()
        body = CHAT if request.path.endswith("chat/completions") else TEXT
        return web.Response(body=body, content_type="application/json")

    async def get_stats(request: web.Request) -> web.Response:
        phase = None if stats.first is None or stats.last is None else stats.last - stats.first
        return web.json_response({"requests": stats.n, "request_phase_s": phase})

    async def reset(request: web.Request) -> web.Response:
        stats.n, stats.first, stats.last = 0, None, None
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/v1/chat/completions", answer)
    app.router.add_post("/v1/completions", answer)
    app.router.add_get("/stats", get_stats)
    app.router.add_post("/reset", reset)
    return app


async def main(port: int, latency_ms: float) -> None:
    runner = web.AppRunner(make_app(latency_ms / 1000), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=2048)
    await site.start()
    sockets = site._server.sockets if site._server is not None else []  # type: ignore[attr-defined]
    print(f"PORT {sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--latency-ms", type=float, default=0.0)
    a = p.parse_args()
    asyncio.run(main(a.port, a.latency_ms))
