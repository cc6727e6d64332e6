"""Pinned runs: a finished run's settings and trajectory, kept to compare beside the next."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lrviz.app.run import Run
from lrviz.app.settings import RunSettings
from lrviz.core import Dataset


def data_id(data: Dataset) -> str:
    """A short name for the points of data: same points, same name."""
    digest = hashlib.sha256(data.x.tobytes())
    digest.update(data.y.tobytes())
    return digest.hexdigest()[:16]


def _frozen(values: NDArray[np.float64]) -> NDArray[np.float64]:
    copy = np.array(values, dtype=np.float64)
    copy.setflags(write=False)
    return copy


@dataclass(frozen=True, eq=False)
class Pin:
    """A finished run kept for comparison: its settings, its data and its trajectory.

    data_id: data_id() of the points it was trained on; data_name: how to call them (plain
    text). w, b, loss: read-only float64 arrays of length epochs run + 1.
    """

    settings: RunSettings
    data_id: str
    data_name: str
    w: NDArray[np.float64]
    b: NDArray[np.float64]
    loss: NDArray[np.float64]

    @classmethod
    def of(cls, run: Run, data_name: str) -> Pin:
        """Pin run (its trajectory is copied, so the pin owns it)."""
        h = run.scene.history
        return cls(
            run.settings,
            data_id(run.scene.data),
            data_name,
            _frozen(h.w),
            _frozen(h.b),
            _frozen(h.loss),
        )

    @property
    def pin_id(self) -> str:
        """Same data and settings, same id: pinning a run twice keeps one copy."""
        return hashlib.sha256(f"{self.data_id}|{self.settings!r}".encode()).hexdigest()[:16]
