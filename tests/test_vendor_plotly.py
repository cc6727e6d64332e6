"""The vendored cartesian plotly.js is the same release as the installed plotly package's."""

from pathlib import Path

import pytest

from lrviz.player.plotly_js import PLOTLY_CARTESIAN_JS, PLOTLY_FULL_JS, bundle_version
from tests.test_figure_layout import LESSONS, lesson_body

VENDOR = PLOTLY_CARTESIAN_JS.parent


def test_the_cartesian_bundle_is_the_full_bundles_version() -> None:
    # The flat charts are drawn by one and the 3D bowl by the other, and the offline export
    # inlines either: a plotly upgrade must bring the vendored bundle along (see its README).
    assert bundle_version(PLOTLY_CARTESIAN_JS) == bundle_version(PLOTLY_FULL_JS)


def test_the_vendor_folder_names_the_same_version_everywhere() -> None:
    version = bundle_version(PLOTLY_CARTESIAN_JS)
    assert f'"version": "{version}"' in (VENDOR / "package.json").read_text(encoding="utf-8")
    assert f"version {version}" in (VENDOR / "README.md").read_text(encoding="utf-8")
    assert (VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_version_comes_from_the_bundles_header(tmp_path: Path) -> None:
    cartesian = tmp_path / "cartesian.js"
    cartesian.write_text("/**\n* plotly.js (cartesian - minified) v9.8.7\n*/\n(function(){})")
    full = tmp_path / "full.js"
    full.write_text("/**\n* plotly.js v9.8.6\n* Copyright\n*/\n")
    assert bundle_version(cartesian) == "9.8.7"
    assert bundle_version(full) == "9.8.6"
    (tmp_path / "none.js").write_text("var Plotly = {};")
    with pytest.raises(ValueError, match="version"):
        bundle_version(tmp_path / "none.js")


# The trace types in the cartesian bundle (its package's README; the browser test in
# tests/e2e/test_first_paint.py asks the loaded bundle itself for the default page).
CARTESIAN_TRACES = {
    "bar",
    "box",
    "contour",
    "heatmap",
    "histogram",
    "histogram2d",
    "histogram2dcontour",
    "image",
    "pie",
    "scatter",
    "scatterternary",
    "violin",
}


@pytest.mark.parametrize("key", sorted(LESSONS))
def test_the_flat_charts_of_every_lesson_need_only_the_cartesian_bundle(key: str) -> None:
    figures = lesson_body(key)["figures"]
    flat = {
        t.get("type", "scatter") for n in ("fit", "contour", "loss") for t in figures[n]["data"]
    }
    assert flat <= CARTESIAN_TRACES
    # The bowl is the one that needs the full plotly.js (loaded only when it is shown).
    bowl = {t.get("type") for t in figures["bowl"]["data"]}
    assert bowl - CARTESIAN_TRACES == {"surface", "scatter3d"}
