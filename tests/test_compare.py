"""Compared runs, pure: labels name what differs, axes hold every run, legends stay text."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.pins import Pin
from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings, fitted
from lrviz.catalog.optimizers import HYPERS
from lrviz.core import TrainConfig, make_dataset
from lrviz.data import MAX_SEED
from lrviz.figures import DEFAULT_THEME
from lrviz.figures.uids import DYNAMIC
from lrviz.player.compare import compare_payload, framed_run, run_labels
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE
from lrviz.share.url_state import pin_from_text, pin_to_text

ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])


def settings(**config: object) -> RunSettings:
    epochs = int(config.pop("epochs", 100))  # type: ignore[call-overload]
    w0 = float(config.pop("w0", 0.0))  # type: ignore[arg-type]
    return RunSettings(w0=w0, epochs=epochs, config=TrainConfig(**config))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("runs", "labels"),
    [
        ([settings(lr=0.01), settings(lr=0.05)], ["α = 0.01", "α = 0.05"]),
        ([settings(lr=0.01), settings(lr=0.01, optimizer="adam")], ["GD", "Adam"]),
        ([settings(lr=0.01), settings(lr=0.01, epochs=50)], ["100 epochs", "50 epochs"]),
        ([settings(lr=0.01), settings(lr=0.01, w0=2.0)], ["start (0, 0)", "start (2, 0)"]),
        ([settings(lr=0.01), settings(lr=0.01)], ["same settings", "same settings"]),
        (
            [settings(lr=0.01, optimizer="momentum"), settings(lr=0.01, optimizer="nesterov")],
            ["momentum", "Nesterov"],
        ),
    ],
)
def test_labels_name_only_what_differs(runs: list[RunSettings], labels: list[str]) -> None:
    assert run_labels(runs, ["data"] * len(runs)) == labels


def test_labels_name_the_data_when_it_differs() -> None:
    runs = [settings(lr=0.01), settings(lr=0.01)]
    assert run_labels(runs, ["Unscaled x", "Unscaled x, standardized"], sep="|") == [
        "Unscaled x",
        "Unscaled x, standardized",
    ]
    long = run_labels(runs, ["a" * 100, "b"])[0]
    assert len(long) < 30 and long.endswith("…")


def test_framing_holds_the_pinned_path() -> None:
    here = make_run(ARTICLE, settings(lr=0.01))
    wide = make_run(ARTICLE, settings(lr=0.01, w0=-3.0))
    framed = framed_run(here, [Pin.of(wide, "data")])
    lo, hi = framed.scene.w_range
    assert lo <= wide.scene.history.w.min() and hi >= wide.scene.history.w.max()
    assert lo < here.scene.w_range[0]
    # The run itself is untouched: same trajectory, same id.
    assert framed.run_id == here.run_id
    assert framed.scene.history is here.scene.history


def test_pins_on_other_data_widen_the_loss_axis_only() -> None:
    here = make_run(ARTICLE, settings(lr=0.01))
    other = make_dataset([10.0, 20.0, 30.0], [5.0, 1.0, 9.0])
    pin = Pin.of(make_run(other, settings(lr=1e-4)), "other")
    framed = framed_run(here, [pin])
    assert framed.scene.w_range == here.scene.w_range
    assert framed.scene.loss_top >= pin.loss.max()


def test_payload_keeps_the_moving_traces_and_escapes_labels() -> None:
    here = make_run(ARTICLE, settings(lr=0.05, epochs=300))
    pin = Pin.of(make_run(ARTICLE, settings(lr=0.01)), "<img src=x onerror=alert(1)> %{x}")
    body = compare_payload(here, [pin], "Article", DEFAULT_THEME, INLINE, "k", "view")
    plain = payload(here, DEFAULT_THEME, INLINE, "k", "view")
    for panel, uids in DYNAMIC.items():
        got = [t["uid"] for t in body["figures"][panel]["data"] if t.get("uid") in uids]
        want = [t["uid"] for t in plain["figures"][panel]["data"] if t.get("uid") in uids]
        assert got == want
    assert body["traj"] == plain["traj"] and body["run"] == plain["run"]
    text = json.dumps(body["figures"], ensure_ascii=False)
    assert "<img" not in text and "&lt;img" in text
    pinned = [t for t in body["figures"]["loss"]["data"] if "pinned" in t.get("name", "")]
    # Only the template's own two fields (epoch, loss); the label's "%{x}" is inert text.
    assert pinned and all(t["hovertemplate"].count("%{") == 2 for t in pinned)
    # The loss axis spans the longer run.
    assert body["figures"]["loss"]["layout"]["xaxis"]["range"][1] >= 300
    encode(body)  # finite, JSON-ready


def test_a_pin_owns_a_frozen_copy_of_its_run() -> None:
    run = make_run(ARTICLE, settings(lr=0.01))
    pin = Pin.of(run, "data")
    assert np.array_equal(pin.w, run.scene.history.w)
    assert not pin.w.flags.writeable
    assert Pin.of(run, "data").pin_id == pin.pin_id
    assert Pin.of(make_run(ARTICLE, settings(lr=0.02)), "data").pin_id != pin.pin_id


# ---- a pinned run in a link --------------------------------------------------------------------

_lrs = st.floats(1e-12, 2.0, allow_nan=False)
_starts = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def pinned_settings(draw: st.DrawFn) -> RunSettings:
    optimizer = draw(st.sampled_from(["gd", "momentum", "nesterov", "adam"]))
    extra: dict[str, object] = {}
    if optimizer in ("momentum", "nesterov"):
        extra["momentum"] = draw(st.integers(0, 99)) / 100
    if optimizer == "adam":
        extra["beta1"] = draw(st.integers(0, 99)) / 100
        extra["beta2"] = draw(st.sampled_from(HYPERS["beta2"].choices))
        extra["eps"] = draw(st.sampled_from(HYPERS["eps"].choices))
    batch = draw(st.sampled_from([None, 1, 2, 3, 5]))
    config = TrainConfig(
        lr=draw(_lrs),
        optimizer=optimizer,
        batch_size=batch,
        seed=draw(st.integers(0, MAX_SEED)) if batch else 0,
        **extra,  # type: ignore[arg-type]
    )
    epochs = draw(st.integers(0, 5000))
    return RunSettings(w0=draw(_starts), b0=draw(_starts), epochs=epochs, config=config)


@given(pinned_settings(), st.sampled_from([{}, {"data": "preset", "preset": "Outliers"}]))
def test_a_pinned_run_reads_back_from_its_link_text_exactly(
    settings_: RunSettings, data: dict[str, str]
) -> None:
    text = pin_to_text(settings_, data)
    parsed = pin_from_text(text, 1, ("data", "preset"))
    assert parsed.notices == ()
    assert dict(parsed.data) == data
    assert parsed.settings is not None
    assert fitted(parsed.settings, 5) == settings_


@given(st.text(max_size=300))
def test_any_pin_text_reads_without_raising(text: str) -> None:
    parsed = pin_from_text(text, 2, ("data", "preset"))
    assert all(n.startswith("Pinned run 2") for n in parsed.notices)
    assert parsed.settings is None or 1e-12 <= parsed.settings.config.lr <= 2.0
