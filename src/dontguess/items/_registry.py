"""Where every built-in question set comes from: a pinned upstream file per set.

Each :class:`DataFile` names one upstream file at a fixed revision (a GitHub raw URL at a
commit), its licence, its row count and its sha256. Sizes, row counts and digests were
computed from the files at those commits (for TruthfulQA, from the fork koppula/TruthfulQA,
which carries sylinrl/TruthfulQA's history and the same blobs); every set here loads with
its parser and unique ids at these revisions. ``SET_FILES`` maps the built-in names to
these files; two names may share a file (``truthfulqa_2025`` and ``truthfulqa_binary``
read the same CSV).

``shared_path`` is where the same set lies under ``$DONTGUESS_DATA_DIR`` (the project's
shared data folder, which may hold a fixed subset of the upstream rows); when that variable
is set it wins over the download cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from dontguess.errors import InputError

__all__ = ["FILES", "SET_FILES", "DataFile", "data_file"]


@dataclass(frozen=True, slots=True)
class DataFile:
    """One pinned upstream file.

    Attributes:
        key: cache folder name (e.g. ``truthfulqa_2025``).
        url: pinned source URL; the revision is part of it, so its content never changes.
        revision: the commit (or version) the URL pins.
        licence: the data's licence as an SPDX-like id, or ``unstated``.
        licence_note: who states it and caveats, in words.
        rows: question rows of the full upstream file (checked after every download).
        sha256: hex digest of the file's bytes, or ``None`` where it could not be checked
            (the download then records the digest of what it got).
        size: bytes of the upstream file (for the progress bar when a server sends no
            length); 0 when unknown.
        shared_path: where the set lies under ``$DONTGUESS_DATA_DIR``.
        json_key: for a JSON object file, the key holding the rows.
        upstream: who publishes the data and where, in words (shown by ``datasets list``).
    """

    key: str
    url: str
    revision: str
    licence: str
    licence_note: str
    rows: int
    sha256: str | None
    size: int
    shared_path: str
    json_key: str | None = None
    upstream: str = ""

    @property
    def filename(self) -> str:
        """The file name at the end of the URL.

        >>> FILES["nq_open"].filename
        'NQ-open.dev.jsonl'
        """
        return urlsplit(self.url).path.rsplit("/", 1)[-1]


_GH = "https://raw.githubusercontent.com"
_SIMPLE_EVALS = "f6f6b4057f94bf3c106fa20858650f27745f090b"  # adorosario/simple-evals
_LONGTAIL = "c5c5eb1be458bf749626fa0467cd4ccfa28f5858"  # williamx854/LongTailQA-Benchmark
_TRUTHFULQA = "f6be04e52bbcb41d4d20daee6358231d4a5015d2"  # sylinrl/TruthfulQA, 14 Jan 2025
_LONGTAIL_LICENCE = (
    "no LICENSE file; the repository README badge says MIT, the dataset README CC-BY-4.0; "
    "PopQA and EntityQuestions are MIT"
)

FILES: dict[str, DataFile] = {
    f.key: f
    for f in (
        DataFile(
            key="simpleqa",
            url=f"{_GH}/adorosario/simple-evals/{_SIMPLE_EVALS}/build-rag/simple_qa_test_set.csv",
            revision=_SIMPLE_EVALS,
            licence="MIT",
            licence_note="Copyright (c) 2024 OpenAI, simple-evals",
            rows=4326,
            sha256="feee3f7e7db3617e94e8fcf1977b756ec420ef8568f4e0fcbbe0e92e9d5fc032",
            size=2012910,
            shared_path="simpleqa/simple_qa_test_set.csv",
            upstream="OpenAI SimpleQA (Wei et al. 2024); also published at "
            "openaipublic.blob.core.windows.net/simple-evals/simple_qa_test_set.csv",
        ),
        DataFile(
            key="simpleqa_verified",
            url=f"{_GH}/adorosario/simple-evals/{_SIMPLE_EVALS}/simpleqa-verified/"
            "simpleqa_verified.csv",
            revision=_SIMPLE_EVALS,
            licence="unstated",
            licence_note="the data (Google DeepMind, on Kaggle) states none here; "
            "the repository is MIT",
            rows=1000,
            sha256="fb990cca0fae8515ae2f51b794d5fa791d095c1f919ecdbe22d0c1642e9ab966",
            size=349183,
            shared_path="simpleqa_verified/simpleqa_verified.csv",
            upstream="Google DeepMind SimpleQA Verified (Haas et al. 2025)",
        ),
        DataFile(
            key="nq_open",
            url=f"{_GH}/google-research-datasets/natural-questions/"
            "fb26a3073b1fe636c97302890a27b491d6530130/nq_open/NQ-open.dev.jsonl",
            revision="fb26a3073b1fe636c97302890a27b491d6530130",
            licence="CC-BY-SA-3.0",
            licence_note="Natural Questions data; the repository code is Apache-2.0",
            rows=3610,
            sha256="f15567f38099f3615f5b8a685c0aef449c11ad90d3da3735e8d1b98115b40616",
            size=391316,
            shared_path="nq_open/NQ-open.dev.jsonl",
            upstream="Google Natural Questions, open-domain dev split (Lee et al. 2019)",
        ),
        DataFile(
            key="triviaqa",
            url=f"{_GH}/Clivia0617/persona-hallucination-study/"
            "29ad64c1524bc1175aeece87a5786536c7fec0ae/data/triviaqa.json",
            revision="29ad64c1524bc1175aeece87a5786536c7fec0ae",
            licence="MIT",
            licence_note="the sample's repository; TriviaQA itself is Apache-2.0",
            rows=150,
            sha256="232c91a7be4357af547e101498c9613b210dcb292d6162145e4c37ff6f86cfad",
            size=93028,
            shared_path="triviaqa_sample/triviaqa.json",
            upstream="a 150-question TriviaQA rc.nocontext sample (persona-hallucination-study)",
        ),
        DataFile(
            key="popqa",
            url=f"{_GH}/williamx854/LongTailQA-Benchmark/{_LONGTAIL}/"
            "Disambiguated_Datasets/DisambPopQA.csv",
            revision=_LONGTAIL,
            licence="unstated",
            licence_note=_LONGTAIL_LICENCE,
            rows=1399,
            sha256="4ebbc53819310279f8bab48c00b0c1324f6defdd8f3d434e867e00069493ec03",
            size=514713,
            shared_path="popqa_longtail/popqa_longtail.csv",
            upstream="PopQA long tail, questions disambiguated by LongTailQA-Benchmark",
        ),
        DataFile(
            key="entityquestions",
            url=f"{_GH}/williamx854/LongTailQA-Benchmark/{_LONGTAIL}/"
            "Disambiguated_Datasets/DisambEntityQA.csv",
            revision=_LONGTAIL,
            licence="unstated",
            licence_note=_LONGTAIL_LICENCE,
            rows=2882,
            sha256="f4f9aaa727e0f360c8e1c759c1ad186e2086ff46b3f869f1a7bfa22d6d977d3e",
            size=344817,
            shared_path="entityquestions_longtail/entityquestions_longtail.csv",
            upstream="EntityQuestions long tail, disambiguated by LongTailQA-Benchmark",
        ),
        DataFile(
            key="witqa",
            url=f"{_GH}/williamx854/LongTailQA-Benchmark/{_LONGTAIL}/"
            "Disambiguated_Datasets/DisambWITQA.csv",
            revision=_LONGTAIL,
            licence="unstated",
            licence_note=_LONGTAIL_LICENCE,
            rows=2256,
            sha256="9db2041b7dcf0cf8cbea2236f73c0b35ed721a704e7689919ad04e2779daf8ec",
            size=639828,
            shared_path="witqa_longtail/witqa_longtail.csv",
            upstream="WiTQA long tail, disambiguated by LongTailQA-Benchmark",
        ),
        DataFile(
            key="truthfulqa",
            url=f"{_GH}/sylinrl/TruthfulQA/{_TRUTHFULQA}/data/v1/TruthfulQA.csv",
            revision=_TRUTHFULQA,
            licence="Apache-2.0",
            licence_note="sylinrl/TruthfulQA",
            rows=817,
            sha256="f9bd9e859cc102cb1f647f1064da7e009be752c416845cf9fa56e6eaae403a7d",
            size=476230,
            shared_path="truthfulqa/TruthfulQA_2021.csv",
            upstream="TruthfulQA, Oct 2021 version (Lin et al. 2022)",
        ),
        DataFile(
            key="truthfulqa_2025",
            url=f"{_GH}/sylinrl/TruthfulQA/{_TRUTHFULQA}/TruthfulQA.csv",
            revision=_TRUTHFULQA,
            licence="Apache-2.0",
            licence_note="sylinrl/TruthfulQA",
            rows=790,
            sha256="b8d8ef1e12f98b4f2a9f47abc9765da0640b182b6c5d9b92f0c1a1f2f1e02e5c",
            size=503550,
            shared_path="truthfulqa/TruthfulQA.csv",
            upstream="TruthfulQA, Jan 2025 version with the binary-choice column",
        ),
        DataFile(
            key="selfaware",
            url=f"{_GH}/yinzhangyue/SelfAware/f0bad1ff77bd42fc4eb2360281ed646c7bb7bd0c/"
            "data/SelfAware.json",
            revision="f0bad1ff77bd42fc4eb2360281ed646c7bb7bd0c",
            licence="CC-BY-SA-4.0",
            licence_note="data (README and file metadata); the code is Apache-2.0",
            rows=3369,
            sha256="32929585ffdd4048f35f7f167720722eb8ddcf59908ffc958da2f84ea634dc54",
            size=1286450,
            shared_path="selfaware/SelfAware.json",
            json_key="example",
            upstream="SelfAware (Yin et al. 2023)",
        ),
    )
}

#: built-in set name → key of the file in :data:`FILES` it is read from.
SET_FILES: dict[str, str] = {
    "simpleqa": "simpleqa",
    "simpleqa_verified": "simpleqa_verified",
    "nq_open": "nq_open",
    "triviaqa": "triviaqa",
    "popqa": "popqa",
    "entityquestions": "entityquestions",
    "witqa": "witqa",
    "truthfulqa": "truthfulqa",
    "truthfulqa_2025": "truthfulqa_2025",
    "truthfulqa_binary": "truthfulqa_2025",
    "selfaware": "selfaware",
}


def data_file(name: str) -> DataFile:
    """The pinned file of built-in set ``name``.

    Raises:
        InputError: ``name`` is not a downloadable built-in set; the message lists them.

    >>> data_file("truthfulqa_binary").key
    'truthfulqa_2025'
    """
    key = SET_FILES.get(name)
    if key is None:
        raise InputError(
            f"unknown built-in set {name!r}; downloadable sets: {', '.join(sorted(SET_FILES))}"
        )
    return FILES[key]
