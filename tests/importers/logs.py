"""Build small synthetic logs of each harness in a temporary folder (for mapping tests)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any


def inspect_sample(sid: Any, value: Any, *, epoch: int = 1, answer: str = "x",
                   scorer: str = "match", **extra: Any) -> dict[str, Any]:  # fmt: skip
    score = {"value": value, "answer": answer, **extra}
    return {"id": sid, "epoch": epoch, "target": "t", "scores": {scorer: score},
            "output": {"completion": answer}}  # fmt: skip


def inspect_header(model: str = "openai/m", task: str = "quiz") -> dict[str, Any]:
    return {"version": 2, "status": "success", "eval": {"task": task, "model": model},
            "results": {"total_samples": 0, "scores": []}}  # fmt: skip


def write_eval(path: Path, samples: list[dict[str, Any]], **header: Any) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("header.json", json.dumps(inspect_header(**header)))
        for s in samples:
            z.writestr(f"samples/{s['id']}_epoch_{s['epoch']}.json", json.dumps(s))
    return path


def write_inspect_json(path: Path, samples: list[dict[str, Any]], **header: Any) -> Path:
    path.write_text(json.dumps({**inspect_header(**header), "samples": samples}, indent=2))
    return path


def lm_line(doc_id: int, value: float, *, text: str = "42", loglik: bool = False,
            metric: str = "exact_match", filt: str = "none") -> dict[str, Any]:  # fmt: skip
    resps: Any = [[["-1.5", "False"]], [["-0.5", "True"]]] if loglik else [[text]]
    filtered: Any = [["-1.5", "False"], ["-0.5", "True"]] if loglik else [text]
    return {"doc_id": doc_id, "doc": {"q": "?"}, "target": "42", "arguments": {},
            "resps": resps, "filtered_resps": filtered, "filter": filt, "metrics": [metric],
            metric: value}  # fmt: skip


def write_lm(folder: Path, lines: list[dict[str, Any]], *, task: str = "quiz",
             results: dict[str, Any] | None = None) -> Path:  # fmt: skip
    stamp = "2025-01-02T03-04-05.000001"
    path = folder / f"samples_{task}_{stamp}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    if results is not None:
        (folder / f"results_{stamp}.json").write_text(json.dumps(results, indent=2))
    return path
