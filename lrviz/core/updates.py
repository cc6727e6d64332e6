"""An epoch's optimizer updates kept as columns, each UpdateRecord made when it is read.

One point per update on 100,000 points is 100,000 updates an epoch; as objects they took about
55 MB per recorded step. As float64 columns they take under 100 bytes an update, and a reader
still sees a read-only sequence of UpdateRecord (len, indexing, slicing, iteration).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

import numpy as np
from numpy.typing import NDArray

from lrviz.core.optimizers import AdamState, GdState, MomentumState, OptState

if TYPE_CHECKING:
    from lrviz.core.training import UpdateRecord


def opt_columns(opt_state: OptState) -> tuple[float, ...]:
    """The optimizer state's floats: () for gd, the velocity, or Adam's (m_w, m_b, v_w, v_b)."""
    if isinstance(opt_state, MomentumState):
        return opt_state.velocity
    if isinstance(opt_state, AdamState):
        return (*opt_state.mu, *opt_state.nu)
    return ()


def opt_state_from(kind: str, cols: list[float], count: int) -> OptState:
    """The inverse of opt_columns for optimizer ``kind``; count: Adam's step count."""
    if kind == "gd":
        return GdState()
    if kind in ("momentum", "nesterov"):
        return MomentumState((cols[0], cols[1]))
    return AdamState(count, (cols[0], cols[1]), (cols[2], cols[3]))


class UpdateLog(Sequence["UpdateRecord"]):
    """The updates of one mini-batch epoch, in order.

    perm: the epoch's shuffle, shape (n,); bounds: batch j is perm[bounds[j]:bounds[j + 1]],
    shape (updates + 1,). values: per update (w, b, loss, dL_dw, dL_db, delta_w, delta_b),
    shape (updates, 7). opt: the optimizer state after each update (see opt_columns), shape
    (updates, k); count0: Adam's step count before the first update.
    """

    __slots__ = ("_bounds", "_count0", "_kind", "_opt", "_perm", "_values")

    def __init__(
        self,
        perm: NDArray[np.intp],
        bounds: NDArray[np.intp],
        values: NDArray[np.float64],
        opt: NDArray[np.float64],
        kind: str,
        count0: int,
    ) -> None:
        for a in (perm, bounds, values, opt):
            a.setflags(write=False)
        self._perm, self._bounds, self._values, self._opt = perm, bounds, values, opt
        self._kind, self._count0 = kind, count0

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, j: int) -> UpdateRecord: ...

    @overload
    def __getitem__(self, j: slice) -> tuple[UpdateRecord, ...]: ...

    def __getitem__(self, j: int | slice) -> UpdateRecord | tuple[UpdateRecord, ...]:
        if isinstance(j, slice):
            return tuple(self[i] for i in range(*j.indices(len(self))))
        n = len(self)
        if not -n <= j < n:
            raise IndexError(f"update {j} out of range for {n} updates")
        j = int(j) % n
        from lrviz.core.training import UpdateRecord  # training imports this module

        w, b, loss, gw, gb, dw, db = self._values[j].tolist()
        opt_state = opt_state_from(self._kind, self._opt[j].tolist(), self._count0 + j + 1)
        start, end = int(self._bounds[j]), int(self._bounds[j + 1])
        return UpdateRecord(self._perm[start:end], w, b, loss, gw, gb, dw, db, opt_state)

    def __iter__(self) -> Iterator[UpdateRecord]:
        for j in range(len(self)):
            yield self[j]

    @property
    def params(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(w, b) before each update, shape (updates,) each: the columns, read-only views."""
        return self._values[:, 0], self._values[:, 1]

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns (the shuffle, batch bounds, values and optimizer state)."""
        return sum(a.nbytes for a in (self._perm, self._bounds, self._values, self._opt))
