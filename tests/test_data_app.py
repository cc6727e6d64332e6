"""The sidebar's data sources under AppTest: presets, generator, upload, edit table, standardized
x, downloads, and the data source as URL parameters."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lrviz.app.data_source import (
    GEN_LIMIT,
    MAX_INLINE_POINTS,
    generator_source,
    points_source,
    preset_source,
    resolve,
    share_notice,
)
from lrviz.core import curvature, make_dataset, optimum
from lrviz.data import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    DataError,
    GeneratorSpec,
    Points,
    escape_markdown,
    fit_scaling,
    generate,
    get_preset,
    history_csv,
    load_csv,
    read_csv,
    standardize,
)
from lrviz.player.component import PLAYER_KEY, SYNC_KEY
from lrviz.share.data_params import data_params_keys
from lrviz.ui import state
from lrviz.ui.data_ui import (
    GEN_KEYS,
    STANDARDIZE_KEY,
    UPLOAD_KEY,
    XCOL_KEY,
    YCOL_KEY,
    DataSource,
    data_download,
    data_source_from_params,
    data_source_to_params,
    load_upload,
    table_points,
)
from tests.app_driver import preset_picker

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "streamlit_app.py")
BAD = ROOT / "tests" / "data" / "bad_csv"


# ---- driving the app ------------------------------------------------------------------------


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def player_data(at: AppTest) -> dict[str, Any]:
    found = [c for c in at.get("bidi_component") if c.key == PLAYER_KEY]
    assert len(found) == 1
    return json.loads(found[0].proto.bytes.decode("utf-8"))


def server_view(at: AppTest) -> dict[str, Any]:
    found = [c for c in at.get("bidi_component") if c.key == SYNC_KEY]
    return json.loads(found[0].proto.json)


def report(at: AppTest, epoch: int) -> AppTest:
    """What the player sends when playback comes to rest at epoch, and the rerun it causes."""
    at.session_state[PLAYER_KEY] = {"cursor": {"run": player_data(at)["run"], "epoch": epoch}}
    at.run()
    assert server_view(at)["epoch"] == epoch
    return at


def active(at: AppTest) -> Any:
    cached = state.DATA.get(at.session_state).active
    assert cached is not None
    return cached.data


def trained_on(at: AppTest) -> tuple[list[float], list[float]]:
    """The x and y of the run on screen (the data the core trained on)."""
    data = at.session_state["lrviz_run"].run.scene.data
    return data.x.tolist(), data.y.tolist()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=UPLOAD_KEY).set_value((name, content, "text/csv")).run()
    assert not at.exception
    return at


def messages(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def same(points: Points, x: Any, y: Any) -> bool:
    return points.x.tolist() == list(x) and points.y.tolist() == list(y)


# ---- presets and the restart -----------------------------------------------------------------


def test_default_is_the_article_example() -> None:
    at = start()
    preset = get_preset("Article example")
    assert trained_on(at) == (preset.x.tolist(), preset.y.tolist())
    assert preset_picker(at).value == "Article example"
    assert preset.lesson in [c.value for c in at.caption]


def test_preset_switch_changes_the_data_and_restarts_at_epoch_zero() -> None:
    at = report(start(), 7)
    old_run = player_data(at)["run"]
    preset_picker(at).set_value("Outliers").run()
    assert not at.exception
    outliers = get_preset("Outliers")
    assert trained_on(at) == (outliers.x.tolist(), outliers.y.tolist())
    assert outliers.lesson in [c.value for c in at.caption]
    assert player_data(at)["run"] != old_run
    assert server_view(at) == {"run": player_data(at)["run"], "epoch": 0}
    assert player_data(at)["figures"]["fit"]["data"][-1]["x"] == outliers.x.tolist()


def test_single_point_preset_loads_and_says_the_optimum_is_a_line() -> None:
    at = start()
    preset_picker(at).set_value("Single point").run()
    assert not at.exception
    expected = optimum(make_dataset([2.0], [3.0])).message
    assert expected in messages(at, "info")


def test_all_x_equal_upload_loads_and_the_panels_say_so() -> None:
    at = upload(start(), "flat.csv", b"x,y\n2,1\n2,3\n2,5\n")
    assert trained_on(at) == ([2.0, 2.0, 2.0], [1.0, 3.0, 5.0])
    message = optimum(make_dataset([2.0] * 3, [1.0, 3.0, 5.0])).message
    assert message in messages(at, "info")
    notes = [a["text"] for a in player_data(at)["figures"]["contour"]["layout"]["annotations"]]
    assert any("minimum is a line" in text for text in notes)


# ---- generator ------------------------------------------------------------------------------


def set_generator(at: AppTest, **values: float) -> AppTest:
    for field, value in values.items():
        at.number_input(key=GEN_KEYS[field]).set_value(value).run()
        assert not at.exception
    return at


def test_generator_same_seed_same_data_and_new_sample_moves_on() -> None:
    at = set_generator(start(), n=30, seed=7, noise=2.0)
    first = trained_on(at)
    assert len(first[0]) == 30
    spec = GeneratorSpec(n=30, noise=2.0, seed=7)
    assert first == (generate(spec).x.tolist(), generate(spec).y.tolist())
    at.button(key="lrviz_data_new_sample").click().run()
    assert not at.exception
    assert at.number_input(key=GEN_KEYS["seed"]).value == 8
    second = trained_on(at)
    assert second != first
    at = set_generator(at, seed=7)
    assert trained_on(at) == first
    assert server_view(at)["epoch"] == 0


def test_generator_refusal_keeps_the_data() -> None:
    at = set_generator(start(), n=20)
    before = trained_on(at)
    # x from above x to: refused by GeneratorSpec with its own message.
    at = set_generator(at, x_min=50.0)
    with pytest.raises(DataError) as refused:
        GeneratorSpec(n=20, x_min=50.0, x_max=10.0)
    assert escape_markdown(str(refused.value)) in messages(at, "error")
    assert trained_on(at) == before


# ---- upload ---------------------------------------------------------------------------------

BAD_FILES = {
    "empty": (BAD / "empty.csv").read_bytes(),
    "header only": (BAD / "header_only.csv").read_bytes(),
    "non-numeric": (BAD / "text_columns.csv").read_bytes(),
    "nan": (BAD / "nan.csv").read_bytes(),
    "inf": (BAD / "inf.csv").read_bytes(),
    "1e200": (BAD / "square_overflows.csv").read_bytes(),
    "single column": (BAD / "single_column.csv").read_bytes(),
    "binary": (BAD / "binary_png.csv").read_bytes(),
    "too big": b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4 + 1),
    "too many rows": b"x,y\n" + b"1,2\n" * (MAX_ROWS + 1),
}
# A word each message must hold, so a generic "bad file" message would fail.
BAD_WORDS = {
    "empty": "empty",
    "header only": "header",
    "non-numeric": "text",
    "nan": "finite",
    "inf": "finite",
    "1e200": "too large",
    "single column": "one column",
    "binary": "binary",
    "too big": "MB",
    "too many rows": "rows",
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_upload_shows_the_readers_message_and_keeps_the_data(case: str) -> None:
    at = start()
    preset_picker(at).set_value("Noisy line").run()
    before = trained_on(at)
    run_before = player_data(at)["run"]
    at = upload(at, f"{case}.csv", BAD_FILES[case])
    table, error = load_upload(BAD_FILES[case])
    assert table is None and error is not None
    assert BAD_WORDS[case] in error
    assert messages(at, "error") == [escape_markdown(error)]
    assert trained_on(at) == before
    assert player_data(at)["run"] == run_before


def test_reader_refusals_match_the_pure_reader() -> None:
    for content in BAD_FILES.values():
        with pytest.raises(DataError) as refused:
            read_csv(content)
        assert load_upload(content) == (None, str(refused.value))


def test_upload_picks_columns_drops_rows_and_escapes_names() -> None:
    hostile = "<img src=x onerror=alert(1)>"
    content = f"{hostile},b,c\n1,2,3\n2,4,\n3,7,8\n4,1,1\n".encode()
    at = upload(start(), "three.csv", content)
    assert trained_on(at) == ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 7.0, 1.0])
    assert at.selectbox(key=XCOL_KEY).options == [hostile, "b", "c"]
    at.selectbox(key=YCOL_KEY).set_value(2).run()
    assert not at.exception
    assert trained_on(at) == ([1.0, 3.0, 4.0], [3.0, 8.0, 1.0])
    shown = " ".join(messages(at, "caption"))
    assert "Dropped 1 row with missing values" in shown.replace("\\", "")
    assert escape_markdown(hostile) in shown
    # Markdown elements never hold the name unescaped.
    for kind in ("caption", "markdown", "info", "error", "warning"):
        assert all(hostile not in text for text in messages(at, kind))
    assert server_view(at)["epoch"] == 0


def test_removing_the_file_keeps_its_data_and_presets_take_over_again() -> None:
    at = upload(start(), "ok.csv", b"x;y\n1,5;2\n2;4\n3;7\n")
    data = trained_on(at)
    assert data == ([1.5, 2.0, 3.0], [2.0, 4.0, 7.0])
    at.file_uploader(key=UPLOAD_KEY).clear().run()
    assert trained_on(at) == data
    assert preset_picker(at).value is None
    preset_picker(at).set_value("Article example").run()
    assert trained_on(at)[0] == [1.0, 2.0, 3.0, 4.0, 5.0]


# ---- the edit table -------------------------------------------------------------------------


def test_edit_table_is_offered_with_the_points() -> None:
    at = start()
    (editor,) = at.data_editor
    # Text cells, so scientific notation typed there is kept (a number column drops its "e").
    assert editor.value["x"].tolist() == ["1", "2", "3", "4", "5"]
    assert editor.editing_mode == "dynamic"


def test_edited_table_becomes_points() -> None:
    # The editor returns a frame like this after an edit, an added row and a deleted row.
    table = pd.DataFrame({"x": [1.0, 2.5, 4.0, 9.0, None], "y": [1.0, 2.0, 4.0, None, None]})
    points = table_points(table)
    assert same(points, [1.0, 2.5, 4.0], [1.0, 2.0, 4.0])
    assert points.dropped == 1


@pytest.mark.parametrize(
    ("x", "y", "word"),
    [
        ([1.0, 1e200], [1.0, 2.0], "too large"),
        ([1.0, math.inf], [1.0, 2.0], "finite"),
        ([1.0, "abc"], [1.0, 2.0], "not a number"),
        ([None, None], [None, None], "no complete row"),
    ],
)
def test_invalid_cells_are_refused(x: list[Any], y: list[Any], word: str) -> None:
    with pytest.raises(DataError, match=word):
        table_points(pd.DataFrame({"x": x, "y": y}))


# ---- standardize ----------------------------------------------------------------------------


def test_standardize_trains_on_z_and_shows_original_units() -> None:
    at = start()
    preset_picker(at).set_value("Unscaled x").run()
    raw = curvature(make_dataset(*trained_on(at)))
    run_before = player_data(at)["run"]
    at = report(at, 1)  # α = 0.01 diverges on raw x after one epoch
    at.toggle(key=STANDARDIZE_KEY).set_value(True).run()
    assert not at.exception
    preset = get_preset("Unscaled x")
    scaling = fit_scaling(preset.x)
    x, y = trained_on(at)
    assert x == standardize(preset.x, scaling).tolist()
    assert y == preset.y.tolist()
    assert server_view(at) == {"run": player_data(at)["run"], "epoch": 0}
    assert player_data(at)["run"] != run_before
    scaled = at.session_state["lrviz_run"].run.scene.curvature
    # Round contour, and a far larger stable learning rate.
    assert scaled.condition_number < 1.0 + 1e-9 < raw.condition_number
    assert scaled.max_stable_lr > 1000 * raw.max_stable_lr
    axis = player_data(at)["figures"]["fit"]["layout"]["xaxis"]
    originals = [float(t.replace("−", "-")) for t in axis["ticktext"]]
    assert min(originals) >= 0 and max(originals) <= 1100
    back = [scaling.mean + scaling.std * v for v in axis["tickvals"]]
    assert np.allclose(back, originals)
    assert axis["title"]["text"] == "x (trained on z-scores)"
    assert len(originals) <= 6
    # Off again: the original data and its own run.
    at.toggle(key=STANDARDIZE_KEY).set_value(False).run()
    assert trained_on(at)[0] == preset.x.tolist()


# ---- downloads ------------------------------------------------------------------------------


def test_download_buttons_are_there() -> None:
    at = start()
    labels = {b.key: b.label for b in at.get("download_button")}
    assert labels["lrviz_data_download_data"] == "Data CSV"
    assert labels["lrviz_data_download_history"] == "History CSV"


@pytest.mark.parametrize(
    "content",
    [
        b"x,y\n0.1,0.30000000000000004\n1e-300,2.5\n-3,7\n",
        b"=cmd;<b>y</b>\n1,5;2\n2;4\n",
        b"\xef\xbb\xbfa,b,c\n1,2,3\n4,5,6\n",
    ],
)
def test_download_uploads_back_unchanged(content: bytes) -> None:
    at = upload(start(), "first.csv", content)
    first = state.DATA.get(at.session_state).points
    downloaded = data_download(first)
    at = upload(at, "lrviz-data.csv", downloaded)
    again = state.DATA.get(at.session_state).points
    assert same(again, first.x.tolist(), first.y.tolist())
    assert data_download(again) == downloaded
    assert load_csv(downloaded).x.tolist() == first.x.tolist()


def test_generated_data_round_trips_exactly() -> None:
    at = set_generator(start(), n=200, seed=3)
    points = state.DATA.get(at.session_state).points
    at = upload(at, "lrviz-data.csv", data_download(points))
    assert trained_on(at) == (points.x.tolist(), points.y.tolist())


def test_history_download_is_the_run_on_screen() -> None:
    at = start()
    history = at.session_state["lrviz_run"].run.scene.history
    lines = history_csv(history).decode().splitlines()
    assert lines[0] == "epoch,w,b,loss,dL/dw,dL/db"
    assert len(lines) == history.epochs_run + 2
    assert lines[1].split(",")[3] == repr(float(history.loss[0]))


# ---- setting the data from code -------------------------------------------------------------


def scenario_app() -> None:
    import streamlit as st

    from lrviz.app.data_source import points_source
    from lrviz.data import make_points
    from lrviz.ui.data_ui import data_ui, set_data_source

    outlier = make_points([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 25.0])
    st.button(
        "One outlier",
        on_click=lambda: set_data_source(points_source(outlier, standardize=True)),
    )
    active = data_ui()
    st.text(f"{active.dataset.x.tolist()}|{active.points.y.tolist()}|{active.source.kind}")


def test_set_data_source_from_a_callback() -> None:
    at = AppTest.from_function(scenario_app, default_timeout=30).run()
    assert not at.exception
    at.button[0].click().run()
    assert not at.exception
    x, y, kind = at.text[0].value.split("|")
    assert json.loads(y) == [1.0, 2.0, 3.0, 4.0, 25.0]
    assert kind == "points"
    assert at.toggle(key=STANDARDIZE_KEY).value is True
    z = standardize([1.0, 2.0, 3.0, 4.0, 5.0], fit_scaling([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert json.loads(x) == z.tolist()
    assert preset_picker(at).value is None


# ---- URL parameters -------------------------------------------------------------------------

SPEC = GeneratorSpec(n=123, true_w=-0.5, true_b=1e-7, noise=0.25, x_min=-3, x_max=8.5, seed=99)


@pytest.mark.parametrize(
    "src",
    [
        preset_source("Anscombe's quartet IV"),
        preset_source("Unscaled x", standardize=True),
        generator_source(SPEC),
        points_source(Points(np.array([0.1, 1e-300, -2.0]), np.array([1 / 3, 2.0, 1e150]))),
        points_source(generate(GeneratorSpec(n=MAX_INLINE_POINTS)), "upload", label="f.csv"),
    ],
)
def test_params_round_trip(src: DataSource) -> None:
    params = data_source_to_params(src)
    assert set(params) <= set(data_params_keys())
    back, notices = data_source_from_params(params)
    assert notices == []
    assert back is not None
    assert same(resolve(back), resolve(src).x.tolist(), resolve(src).y.tolist())
    assert back.standardize == src.standardize


def test_large_uploads_are_not_shared() -> None:
    big = generate(GeneratorSpec(n=MAX_INLINE_POINTS + 1))
    src = points_source(big, "upload", label="big.csv")
    assert data_source_to_params(src) == {}
    assert "51 points" in share_notice(src)
    with pytest.raises(DataError):
        resolve(src)


HTML = "<script>alert(1)</script>"
# (params, kind expected or None, notices expected?)
TAMPERED: list[tuple[dict[str, str], str | None, bool]] = [
    ({}, None, False),
    ({"preset": "outliers"}, "preset", False),
    ({"preset": HTML}, None, True),
    ({"preset": "x" * 100_000}, None, True),
    ({"data": HTML}, None, True),
    ({"data": "preset", "preset": "Outliers", "standardize": "maybe"}, "preset", True),
    ({"standardize": "1"}, "preset", False),
    ({"data": "generator", "gen_n": "1e400"}, "generator", True),
    ({"data": "generator", "gen_n": "50.5"}, "generator", True),
    ({"data": "generator", "gen_n": "99999999"}, "generator", True),
    ({"data": "generator", "gen_n": "-3"}, "generator", True),
    ({"data": "generator", "gen_w": "nan"}, "generator", True),
    ({"data": "generator", "gen_w": "1e300"}, "generator", True),
    ({"data": "generator", "gen_noise": "-1"}, "generator", True),
    ({"data": "generator", "gen_xmin": "5", "gen_xmax": "5"}, "generator", True),
    ({"data": "generator", "gen_seed": "-1"}, "generator", True),
    ({"data": "generator", "gen_seed": HTML}, "generator", True),
    ({"data": "generator", "gen_b": "1_000"}, "generator", True),
    ({"data": "generator", "gen_b": "9" * 5000}, "generator", True),
    ({"xs": "1,2,3", "ys": "1,2"}, None, True),
    ({"xs": "1,2,abc", "ys": "1,2,3"}, None, True),
    ({"xs": "1,2,1e400", "ys": "1,2,3"}, None, True),
    ({"xs": "1,2,1e200", "ys": "1,2,3"}, None, True),
    ({"xs": ",".join(["1"] * 51), "ys": ",".join(["1"] * 51)}, None, True),
    ({"xs": "1," * 100_000, "ys": "1"}, None, True),
    ({"data": "points", "xs": "", "ys": ""}, None, True),
    ({"data": "points", "xs": "4,4", "ys": "1,2"}, "points", False),
]


@pytest.mark.parametrize(("params", "kind", "noticed"), TAMPERED)
def test_tampered_params_are_clamped_or_ignored(
    params: dict[str, str], kind: str | None, noticed: bool
) -> None:
    src, notices = data_source_from_params(params)
    assert (src.kind if src else None) == kind
    assert bool(notices) == noticed
    for notice in notices:
        assert len(notice) < 300
    if src is not None:
        points = resolve(src)  # whatever was accepted can be built
        assert np.all(np.isfinite(points.x))
    if src is not None and src.spec is not None:
        s = src.spec
        assert all(abs(v) <= GEN_LIMIT for v in (s.true_w, s.true_b, s.noise, s.x_min, s.x_max))


@given(st.dictionaries(st.sampled_from([*data_params_keys(), "other"]), st.text(max_size=80)))
def test_any_params_never_raise(params: dict[str, str]) -> None:
    src, notices = data_source_from_params(params)
    assert all(isinstance(n, str) for n in notices)
    # The last-resort catch must never be what handled it.
    assert not any(n.startswith("Ignored the data in the link (") for n in notices)
    if src is not None:
        assert resolve(src).n >= 1
