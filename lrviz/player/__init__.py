"""The player: the run it plays (pure) and the browser component that plays it (component.py)."""

from lrviz.player.cursor import Cursor, read_cursor, shown_epoch
from lrviz.player.payload import encode, payload
from lrviz.player.run import MAX_EPOCHS, Run, RunSettings, make_run

__all__ = [
    "MAX_EPOCHS",
    "Cursor",
    "Run",
    "RunSettings",
    "encode",
    "make_run",
    "payload",
    "read_cursor",
    "shown_epoch",
]
