"""The player: the payload of a run, its cursor, and the browser component that plays it."""

from lrviz.player.cursor import Cursor, read_cursor, shown_epoch
from lrviz.player.payload import encode, payload

__all__ = [
    "Cursor",
    "encode",
    "payload",
    "read_cursor",
    "shown_epoch",
]
