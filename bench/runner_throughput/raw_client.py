"""The ceiling: a plain asyncio + aiohttp client sending every question once.

    python bench/runner_throughput/raw_client.py QUESTIONS.jsonl BASE_URL CONCURRENCY

Prints JSON: {"request_s": ..., "n": ...}. No journal, no retries, no grading.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp


async def main(path: str, base_url: str, concurrency: int) -> None:
    with open(path, encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh if line.strip()]
    bodies = [
        json.dumps(
            {"model": "m", "messages": [{"role": "user", "content": q}], "max_tokens": 16}
        ).encode()
        for q in questions
    ]
    url = base_url.rstrip("/") + "/chat/completions"
    sem = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one(body: bytes) -> str:
            async with sem, session.post(url, data=body) as resp:
                doc = json.loads(await resp.read())
                return str(doc["choices"][0]["message"]["content"])

        t0 = time.perf_counter()
        answers = await asyncio.gather(*(one(b) for b in bodies))
        request_s = time.perf_counter() - t0
    print(json.dumps({"request_s": request_s, "n": len(answers)}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
