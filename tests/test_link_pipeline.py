"""Random links within every documented limit: a run to play or a message, never an exception.

open_link_pure is the app's own path from a link to the player's payload, function for function
(read_link_ui, data_ui, settings_ui, current_run_ui, banner_ui), without the widgets; 300
seeded examples run through it. A smaller sample runs through the app itself under AppTest.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lrviz.app import run as run_module
from lrviz.app.choices import DEFAULTS
from lrviz.app.data_source import GEN_LIMIT, MAX_INLINE_POINTS, preset_source, resolve
from lrviz.app.run import make_run
from lrviz.app.settings import (
    DELTA_MAX,
    DELTA_MIN,
    LR_MAX,
    LR_MIN,
    MAX_BATCH,
    MAX_EPOCHS,
    START_LIMIT,
)
from lrviz.catalog.optimizers import HYPERS, OPTIMIZER_NAMES
from lrviz.data import MAX_N, MAX_SEED, DataError, preset_names, standardize_problem
from lrviz.figures import DEFAULT_THEME
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE
from lrviz.share.data_params import data_params_keys, data_source_from_params
from lrviz.share.url_state import from_params
from lrviz.ui.data_ui import build_active
from lrviz.ui.settings import settings_of, settle_values, widgets_of
from lrviz.ui.status import banner
from tests.app_driver import APP, run_link

# A smaller work budget keeps 300 examples quick; the rule applied is the same.
PIPELINE_UPDATES = 2_000


def _num(draw: st.DrawFn, lo: float, hi: float) -> str:
    return repr(draw(st.floats(lo, hi, allow_nan=False)))


def _log_uniform(draw: st.DrawFn, lo: float, hi: float) -> str:
    exponent = draw(st.floats(math.log10(lo), math.log10(hi)))
    return repr(min(max(10.0**exponent, lo), hi))


big = st.one_of(
    st.floats(-1e150, 1e150, allow_nan=False),
    st.sampled_from([1e150, -1e150, 5e-324, -5e-324, 1e-160, 0.0, 1e16, 1e16 + 2]),
)


@st.composite
def links(draw: st.DrawFn) -> dict[str, str]:
    """A query string every value of which is within the documented limits."""
    params: dict[str, str] = {}
    kind = draw(st.sampled_from(["none", "preset", "generator", "points"]))
    if kind == "preset":
        params.update(data="preset", preset=draw(st.sampled_from(preset_names())))
    elif kind == "generator":
        params.update(data="generator", gen_n=str(draw(st.integers(2, MAX_N))))
        for key in ("gen_w", "gen_b", "gen_xmin", "gen_xmax"):
            if draw(st.booleans()):
                params[key] = _num(draw, -GEN_LIMIT, GEN_LIMIT)
        if draw(st.booleans()):
            params["gen_noise"] = _num(draw, 0.0, GEN_LIMIT)
        params["gen_seed"] = str(draw(st.integers(0, 2**32 - 1)))
    elif kind == "points":
        n = draw(st.integers(1, MAX_INLINE_POINTS))
        xs = draw(st.lists(big, min_size=n, max_size=n))
        ys = draw(st.lists(big, min_size=n, max_size=n))
        params.update(data="points", xs=",".join(map(repr, xs)), ys=",".join(map(repr, ys)))
    if kind != "none" and draw(st.booleans()):
        params["standardize"] = "1"
    if draw(st.booleans()):
        params["w0"] = _num(draw, -START_LIMIT, START_LIMIT)
    if draw(st.booleans()):
        params["b0"] = _num(draw, -START_LIMIT, START_LIMIT)
    if draw(st.booleans()):
        params["lr"] = _log_uniform(draw, LR_MIN, LR_MAX)
    if draw(st.booleans()):
        params["epochs"] = str(draw(st.integers(0, MAX_EPOCHS)))
    opt = draw(st.sampled_from(tuple(OPTIMIZER_NAMES)))
    params["opt"] = opt
    if opt in ("momentum", "nesterov"):
        params["beta"] = str(draw(st.integers(0, 99)) / 100)
    if opt == "adam":
        params["beta1"] = str(draw(st.integers(0, 99)) / 100)
        params["beta2"] = repr(draw(st.sampled_from(HYPERS["beta2"].choices)))
        params["eps"] = repr(draw(st.sampled_from(HYPERS["eps"].choices)))
    params["batch"] = draw(
        st.one_of(st.sampled_from(["full", "sgd"]), st.integers(1, MAX_BATCH).map(str))
    )
    params["seed"] = str(draw(st.integers(0, MAX_SEED)))
    loss = draw(st.sampled_from(["mse", "mae", "huber", None]))
    if loss is not None:
        params["loss"] = loss
    if loss == "huber" and draw(st.booleans()):
        params["delta"] = _log_uniform(draw, DELTA_MIN, DELTA_MAX)
    if draw(st.booleans()):
        params["epoch"] = str(draw(st.integers(0, MAX_EPOCHS)))
    return params


class Opened(NamedTuple):
    """What the page shows for a link: the payload (its status line) and the messages."""

    body: dict[str, object]
    messages: list[str]
    banner: str


def open_link_pure(params: Mapping[str, str]) -> Opened:
    """The app's path from a link to what the player and the banner show (see module doc)."""
    messages: list[str] = []
    data_keys = data_params_keys()
    parsed = from_params(params, other_keys=data_keys)  # read_link_ui
    messages += parsed.notices
    src = preset_source(preset_names()[0])
    found, notices = data_source_from_params({k: v for k, v in params.items() if k in data_keys})
    messages += notices
    if found is not None:  # set_data_source
        try:
            resolve(found)
            src = found
        except DataError as error:
            messages.append(str(error))
    points = resolve(src)
    if src.standardize:  # data_ui's standardize toggle
        problem = standardize_problem(points.x)
        if problem:
            messages.append(problem)
            src = src.with_standardize(False)
    active = build_active(points, src)
    data = active.dataset
    values = {**DEFAULTS, **widgets_of(parsed.fields)}  # read_link_ui, settings_ui
    changes, notes = settle_values(values, data.n, data)
    values.update(changes)
    messages += notes
    settings = settings_of(values, data.n)
    settings = dataclasses.replace(settings, x_scaling=active.x_scaling)  # streamlit_app.py
    run = make_run(data, settings)  # current_run_ui
    body = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))
    epoch = min(parsed.epoch or 0, run.scene.last_epoch)  # link_epoch
    return Opened(body, messages, banner(run, epoch).text)


@seed(20261201)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(links())
# Found by this test: a run diverging near the largest float put an infinite axis range in the
# payload ("Out of range float values are not JSON compliant").
@example(
    {
        "data": "points",
        "xs": ",".join(["0"] * 43),
        "ys": ",".join(["0"] * 42 + ["5.10748105008613e+148"]),
        "lr": "1.0",
        "opt": "nesterov",
        "beta": "0.01",
        "batch": "full",
    }
)
def test_random_links_give_a_run_or_a_message(params: dict[str, str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run_module, "MAX_UPDATES", PIPELINE_UPDATES)
        opened = open_link_pure(params)
    text = opened.body["text"]
    assert isinstance(text, dict) and text["loss"] and text["w"]  # a status line to show
    assert opened.banner
    for message in [*opened.messages, opened.banner]:
        assert "Traceback" not in message and "domain error" not in message


@seed(20261202)
@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(links())
def test_random_links_open_in_the_app(params: dict[str, str]) -> None:
    at = run_link(AppTest.from_file(APP, default_timeout=240), params)
    assert at.session_state["lrviz_run"].run.scene.history.w.size >= 1
    shown = " ".join(
        e.value for kind in ("error", "warning", "info", "success") for e in at.get(kind)
    )
    assert shown  # a banner at least
