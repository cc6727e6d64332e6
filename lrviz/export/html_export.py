"""One self-contained HTML page that plays a run offline: the app's player, with a host of its own.

The page is the player's own JS and CSS (lrviz.player.bundle, ending in host_page.js), the run's
payload from the same builders as the app's (lrviz.player.payload, with pinned runs when the app
drew them), plotly.js inlined (the vendored cartesian bundle, 1.5 MB; the installed plotly
package's full one, 4.8 MB, only for a page that offers the 3D bowl), and what the app's small
components tell the player: the epoch on screen (as the server's echo), the followed point and
the banners. Nothing is fetched: the page's security policy forbids it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from lrviz.app.run import Run
from lrviz.data.escape import escape_html
from lrviz.explain.live import point_data, replay
from lrviz.export.script_json import script_json
from lrviz.figures.theme import DEFAULT_THEME, Theme
from lrviz.player.bundle import player_css, player_js
from lrviz.player.compare import Pin, compare_key, compare_payload
from lrviz.player.mark import encode_mark, mark_of
from lrviz.player.payload import encode, payload, payload_key
from lrviz.player.plotly_js import INLINE, PLOTLY_CARTESIAN_JS, PLOTLY_FULL_JS

MAX_TITLE_CHARS = 120
# Allowed sources: only what is inline. The page then cannot fetch anything, even by mistake.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:"
)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _inline_script(code: str) -> str:
    # "</script" can only sit inside a string, comment or regex literal, where "<\/" means the
    # same; the bundle shipped with plotly has none, this keeps a future one from ending early.
    return code.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _classic(code: str) -> str:
    """The player's module code as one classic script: its names stay inside a function."""
    return f'(() => {{\n"use strict";\n{code}\n}})();'


def point_mark(run: Run, view: str, point: int) -> bytes:
    """What the app tells the player about the followed point of run, known to the browser as
    view (lrviz.player.mark), as bytes."""
    scene, s = run.scene, run.settings
    rp = replay(scene.data, s.config, s.w0, s.b0, scene.last_epoch, scene.history)
    mark = mark_of(scene.data, point)
    return encode_mark(view, mark, None if mark is None else point_data(rp, scene.data, point))


def export_html(
    body: bytes,
    *,
    title: str,
    epoch: int = 0,
    mark: bytes | None = None,
    screen: Mapping[str, Any] | None = None,
    bowl: bool = False,
) -> str:
    """The run as one HTML document (a str, UTF-8 when saved), playable offline from file://.

    body: the player's payload bytes (lrviz.player.payload.encode, as the app sends them).
    title: shown as plain text, whatever characters it holds. epoch: the epoch it opens at
    (clipped to the run's). mark: the followed point's bytes (point_mark), or None. screen: the
    page around the run as the app tells the player (lrviz.ui.live_ui.screen_data); its banners
    show inside the player. bowl: the page offers the 3D bowl, so it inlines the full plotly.js
    (4.8 MB); without it, the cartesian bundle (1.5 MB) and no 3D toggle. The page is that
    bundle plus O(epochs + n) bytes.
    Raises ValueError with a readable message if the payload or the epoch make no sense.
    """
    if isinstance(epoch, bool) or not isinstance(epoch, int):
        raise ValueError(f"The epoch must be a whole number, not {epoch!r}.")
    try:
        data = json.loads(body)
        view, last = data["run"], data["last"]
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"This is not a run the player can show ({error}).") from None
    # plotly.js is in the page, never loaded from an address.
    data["plotly_url"], data["plotly_full_url"] = INLINE
    if not bowl:
        # The cartesian bundle cannot draw the bowl's surface: the player hides its toggle.
        data.get("figures", {}).pop("bowl", None)
    told = {
        # What the app's echo says after a reload: this run, at the epoch exported.
        "sync": {"run": view, "epoch": min(max(epoch, 0), last)},
        "mark": None if mark is None else json.loads(mark),
        "screen": {
            "banners": [],
            "lesson": None,
            **(screen or {}),
            "run": view,
            "lessons": [],
            "present": False,
            "standalone": True,
        },
    }
    shown_title = _clip(str(title).strip() or "lrviz run", MAX_TITLE_CHARS)
    parts = {
        "CSP": html.escape(CSP, quote=True),
        "TITLE": escape_html(shown_title),
        "CSS": player_css(),
        "PLOTLY_JS": _inline_script(
            (PLOTLY_FULL_JS if bowl else PLOTLY_CARTESIAN_JS).read_text(encoding="utf-8")
        ),
        "PAYLOAD": script_json(data),
        "TOLD": script_json(told),
        "PLAYER_JS": _inline_script(_classic(player_js("page"))),
    }
    page = resources.files("lrviz.export").joinpath("page.html").read_text(encoding="utf-8")
    # Placeholders are replaced in one pass over the template, so text that happens to look
    # like a placeholder inside an inserted value is never expanded.
    pieces = page.split("@@")
    return "".join(parts[p] if i % 2 else p for i, p in enumerate(pieces))


def export_run(
    run: Run,
    *,
    title: str,
    epoch: int = 0,
    point: int | None = 0,
    pins: Sequence[Pin] = (),
    data_name: str = "data",
    theme: Theme = DEFAULT_THEME,
    screen: Mapping[str, Any] | None = None,
    bowl: bool = False,
) -> str:
    """export_html of run built as the app builds it: its payload (with pins drawn beside it,
    labelled with data_name) and the followed point (None: none); bowl as in export_html. For
    scripts and tests; the app passes the bytes it already sent to the player."""
    key = payload_key(run.run_id, theme, INLINE)
    if pins:
        ckey = compare_key(key, pins)
        body = compare_payload(run, pins, data_name, theme, INLINE, ckey, run.run_id)
    else:
        body = payload(run, theme, INLINE, key, run.run_id)
    mark = None if point is None else point_mark(run, run.run_id, point)
    return export_html(encode(body), title=title, epoch=epoch, mark=mark, screen=screen, bowl=bowl)
