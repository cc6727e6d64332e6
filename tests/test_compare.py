"""Compared runs, pure: labels name what differs, axes hold every run, legends stay text."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lrviz.core import TrainConfig, make_dataset
from lrviz.figures import DEFAULT_THEME
from lrviz.figures.uids import DYNAMIC
from lrviz.player.compare import Pin, compare_payload, framed_run, run_labels
from lrviz.player.payload import encode, payload
from lrviz.player.run import RunSettings, make_run

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
    body = compare_payload(here, [pin], "Article", DEFAULT_THEME, "/p.js", "k", "view")
    plain = payload(here, DEFAULT_THEME, "/p.js", "k", "view")
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
