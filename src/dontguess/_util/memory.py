"""Memory settings for a command-line process that reads big tables (private).

Measured with ``bench/score_throughput.py`` at 50 M records on a 2-core virtual machine whose
kernel has transparent huge pages in ``madvise`` mode (``defrag = madvise``): most of the time
of ``dontguess score`` and of a plain pyarrow read went to the kernel (system time) touching
fresh memory, not to the work:

* numpy asks for huge pages on every big array (``madvise(MADV_HUGEPAGE)``), and each first
  touch may then stall while the kernel compacts memory: 34–40 s against 20–26 s without;
* pyarrow's default allocator (mimalloc) spent 13–22 s of system time reading the file,
  against about 3 s with the system allocator (``malloc``).

So the ``dontguess`` commands that read tables (``score``, ``report``) turn both off for their
own process, unless the user chose with numpy's ``NUMPY_MADVISE_HUGEPAGE`` or Arrow's
``ARROW_DEFAULT_MEMORY_POOL``. The library never does this: it is a setting for the whole
process, and a program importing dontguess owns its process.
"""

from __future__ import annotations

import os

__all__ = ["tune_for_tables"]


def tune_for_tables() -> None:
    """Use the system allocator for Arrow and no huge-page advice in numpy (unless set).

    Arrow's C++ code (the Parquet reader among it) takes the allocator named by
    ``ARROW_DEFAULT_MEMORY_POOL`` when it first needs one; ``pyarrow.set_memory_pool`` would
    change only the pool of calls made from Python. So the variable is set for that moment
    (before Arrow allocates anything) and removed again, so no child process inherits it.
    """
    if "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        from numpy._core import multiarray

        setter = getattr(multiarray, "_set_madvise_hugepage", None)
        if setter is not None:  # what numpy does with its environment variable at import
            setter(False)
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
        try:
            import pyarrow as pa

            pa.default_memory_pool()  # chosen now, from the variable, once per process
        finally:
            del os.environ["ARROW_DEFAULT_MEMORY_POOL"]
