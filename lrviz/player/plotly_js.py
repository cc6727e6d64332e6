"""Where the player's plotly.js comes from: the vendored cartesian bundle and plotly's full one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import plotly

PLOTLY_FULL_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
"""The whole plotly.js (4.8 MB) shipped inside the installed plotly package: the 3D bowl's."""
PLOTLY_CARTESIAN_JS = (
    Path(__file__).with_name("vendor") / "plotly-cartesian" / "plotly-cartesian.min.js"
)
"""plotly.js's official cartesian bundle (1.5 MB), vendored (see its README): the flat charts'."""
# The first comment of a plotly.js bundle: "plotly.js v4.1.1", "plotly.js (cartesian - minified)
# v4.1.1".
_VERSION = re.compile(r"\* plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+\S*)")


class PlotlyJs(NamedTuple):
    """Where the player loads plotly.js from (no CDN; see lrviz.player.component).

    charts: the cartesian bundle, all the fit, contour and loss charts need, loaded at once.
    full: the whole plotly.js, loaded only when the 3D bowl (surface, scatter3d) is asked for.
    "" for either: that plotly.js is already in the page (an exported page).
    """

    charts: str
    full: str


INLINE = PlotlyJs("", "")
"""plotly.js inlined in the page (lrviz.export): nothing to load."""


def bundle_version(path: Path) -> str:
    """The plotly.js version a bundle's header comment names; ValueError if it names none."""
    with path.open(encoding="utf-8") as file:
        head = file.read(400)
    found = _VERSION.search(head)
    if found is None:
        raise ValueError(f"{path} does not start with a plotly.js version comment")
    return found.group(1)
