"""Text columns that keep their dictionary codes: :class:`CodedArray` and lazy columns.

A :class:`CodedArray` is a read-only object array of ``str`` that also carries its distinct
values and each record's code; every selection of it carries the matching codes. A
:class:`Pending` column holds only the codes, and becomes a :class:`CodedArray` the first
time someone reads it (:class:`LazyColumn`), so a table read from a file and only counted
never builds its per-record object arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "CodedArray",
    "LazyColumn",
    "Pending",
    "as_objects",
    "coded",
    "coded_constant",
    "coded_numbers",
    "codes_of",
    "constant_pending",
    "equals",
    "stored_codes",
    "table_memo",
]

Codes = tuple[npt.NDArray[np.object_], npt.NDArray[np.integer[Any]]]


class CodedArray(np.ndarray):  # type: ignore[type-arg]
    """A read-only object array of ``str`` that knows its dictionary codes.

    ``self[i] == dictionary[codes[i]]`` for every record; the dictionary holds distinct values
    (possibly some no record uses) and ``order`` lists its indices in sorted value order.
    Indexing keeps the codes; any other operation (ufuncs, copies) gives plain arrays. The
    array is read-only so that its codes cannot go stale: copy it to change values.
    """

    _dictionary: npt.NDArray[np.object_] | None
    _codes: npt.NDArray[np.integer[Any]] | None
    _order: npt.NDArray[np.int64] | None

    def __array_finalize__(self, obj: Any) -> None:
        self._dictionary = self._codes = self._order = None

    def __getitem__(self, index: Any) -> Any:
        if self._codes is not None and self._dictionary is not None and self.strides == (0,):
            codes = self._codes[index]  # a constant column stays one stored value
            if np.ndim(codes) == 1:
                return _constant(self._dictionary[:1], len(codes))
        out = super().__getitem__(index)
        if isinstance(out, CodedArray) and self._codes is not None:
            out._dictionary, out._order = self._dictionary, self._order
            out._codes = self._codes[index]
            out.flags.writeable = False
        return out

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        plain = tuple(x.view(np.ndarray) if isinstance(x, CodedArray) else x for x in inputs)
        return getattr(ufunc, method)(*plain, **kwargs)

    def __reduce__(self) -> Any:  # pickles as a plain object array
        return self.view(np.ndarray).__reduce__()

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))


class Pending:
    """A text column not built yet: its dictionary (distinct values), codes and sorted order.

    Args:
        values: the dictionary; equal values are merged here (e.g. after lower-casing).
        codes: each record's index into ``values``.
        order: indices of ``values`` in sorted order, if already known (else sorted here).
        constant: every record holds ``values[0]`` (``codes`` may then be a broadcast view).
        distinct: the caller knows ``values`` are distinct (not checked again).
    """

    def __init__(
        self,
        values: Sequence[Any],
        codes: npt.NDArray[np.integer[Any]],
        order: Any = None,
        *,
        constant: bool = False,
        distinct: bool = False,
    ) -> None:
        if not distinct:
            first: dict[Any, int] = {}
            remap = np.fromiter((first.setdefault(v, k) for k, v in enumerate(values)), np.int64)
            if len(first) < len(values):  # duplicates: point every copy at its first one
                codes, order = remap[codes], None
        if order is None:
            order = sorted(range(len(values)), key=values.__getitem__)
        self.dictionary = as_objects(values)
        self.codes = codes
        self.order = np.asarray(order, dtype=np.int64)
        self.constant = constant

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, index: Any) -> Pending:
        """The rows selected by ``index`` (a mask, indices or a slice), still not built."""
        out = Pending.__new__(Pending)
        out.dictionary, out.order, out.constant = self.dictionary, self.order, self.constant
        out.codes = self.codes[index]
        if self.constant:
            out.codes = np.broadcast_to(np.zeros(1, dtype=np.int8), (len(out.codes),))
        return out

    def build(self) -> CodedArray:
        """The object array ``dictionary[codes]`` (one stored value when constant)."""
        if self.constant:
            data = np.lib.stride_tricks.as_strided(
                self.dictionary[:1], shape=(len(self.codes),), strides=(0,)
            )
        else:
            data = self.dictionary[self.codes]
        out: CodedArray = data.view(CodedArray)
        out._dictionary, out._codes, out._order = self.dictionary, self.codes, self.order
        out.flags.writeable = False
        return out


def coded(
    values: Sequence[Any], codes: npt.NDArray[np.integer[Any]], order: Any = None
) -> CodedArray:
    """The object array ``values[codes]`` as a :class:`CodedArray` (see :class:`Pending`).

    >>> col = coded(["b", "a", "b"], np.array([0, 1, 2, 1]))
    >>> col.tolist(), codes_of(col[1:])[1].tolist()
    (['b', 'a', 'b', 'a'], [1, 0, 1])
    """
    return Pending(values, codes, order).build()


def coded_constant(value: str, n: int) -> CodedArray:
    """``n`` copies of ``value`` as a :class:`CodedArray` that stores one (zero strides).

    >>> coded_constant("", 3).tolist()
    ['', '', '']
    """
    return constant_pending(value, n).build()


def constant_pending(value: str, n: int) -> Pending:
    """``n`` copies of ``value``, not built."""
    return Pending([value], np.broadcast_to(np.zeros(1, dtype=np.int8), (n,)), constant=True)


def coded_numbers(
    uniques: npt.NDArray[Any],
    codes: npt.NDArray[np.integer[Any]],
    *,
    data: npt.NDArray[Any] | None = None,
) -> CodedArray:
    """The number array ``uniques[codes]`` as a read-only :class:`CodedArray`.

    ``uniques`` must be distinct (nan at most once); a one-value dictionary with codes that
    are a broadcast view (zero strides) gives a column that stores one value. ``data``, if
    given, is ``uniques[codes]`` already (it is used, not copied: at 50 M records a copy is
    400 MB).

    >>> col = coded_numbers(np.array([0.5, np.nan]), np.array([1, 0, 0], dtype=np.int8))
    >>> col.tolist(), codes_of(col[1:])[1].tolist()
    ([nan, 0.5, 0.5], [0, 0])
    """
    uniques = np.asarray(uniques)
    if len(uniques) == 1 and codes.strides == (0,):
        return _constant(uniques, len(codes))
    out: CodedArray = (uniques[codes] if data is None else data).view(CodedArray)
    out._dictionary, out._codes = uniques, codes
    out._order = np.argsort(uniques, kind="stable").astype(np.int64)  # nan last
    out.flags.writeable = False
    return out


def _constant(dictionary: npt.NDArray[Any], n: int) -> CodedArray:
    """``n`` copies of ``dictionary[0]`` stored once (zero strides), with their codes."""
    data = np.lib.stride_tricks.as_strided(dictionary[:1], shape=(n,), strides=(0,))
    out: CodedArray = data.view(CodedArray)
    out._dictionary, out._order = dictionary[:1], np.zeros(1, dtype=np.int64)
    out._codes = np.broadcast_to(np.zeros(1, dtype=np.int8), (n,))
    out.flags.writeable = False
    return out


class LazyColumn:
    """A table attribute that holds a :class:`Pending` column and builds it on first read.

    Assigning an array stores it as is; :func:`stored_codes` reads the codes without
    building anything.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_lazy_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, Pending):
            value = value.build()
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value

    def stored(self, obj: Any) -> Any:
        """The value held, built or not."""
        return obj.__dict__[self.slot]


def stored_codes(table: Any, name: str) -> Codes | None:
    """``(dictionary, codes)`` of column ``name`` of ``table`` without building it, if known."""
    attr = getattr(type(table), name, None)
    value = attr.stored(table) if isinstance(attr, LazyColumn) else getattr(table, name)
    if isinstance(value, Pending):
        return value.dictionary, value.codes
    return codes_of(value)


def table_memo(table: Any) -> dict[Any, Any] | None:
    """Where results derived from ``table`` (its groups, its clusters) are kept, or None.

    Only a table whose columns cannot change keeps them: one read from a file
    (:class:`dontguess.tables._codes.CodedTable`, read-only arrays); so ``score`` groups and
    clusters the records once for the scores, the bootstrap and the audit.
    """
    memo = getattr(table, "_derived", None)
    return memo if isinstance(memo, dict) else None


def codes_of(col: Any) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.integer[Any]]] | None:
    """``(dictionary, codes)`` of a :class:`CodedArray`, or None for any other array."""
    if isinstance(col, CodedArray) and col._codes is not None and col._dictionary is not None:
        return col._dictionary, col._codes
    return None


def equals(table: Any, name: str, value: Any) -> npt.NDArray[np.bool_]:
    """``table.<name> == value`` per record, through the codes when the column has them."""
    known = stored_codes(table, name)
    if known is None:
        return np.asarray(getattr(table, name) == value, dtype=bool)
    dictionary, codes = known
    hits = [k for k, v in enumerate(dictionary) if v == value]
    if not hits:
        return np.zeros(len(codes), dtype=bool)
    return np.isin(codes, hits) if len(hits) > 1 else np.asarray(codes == hits[0])


def as_objects(values: Sequence[Any]) -> npt.NDArray[np.object_]:
    """A 1-D object array of ``values`` (never a 2-D array of characters or tuples)."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
