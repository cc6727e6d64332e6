"""Shareable links under AppTest: a link reproduces the screen, the URL follows the screen, and
tampered values are clamped or ignored with a visible, escaped notice, never an error."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.choices import DEFAULTS
from lrviz.app.pins import Pin
from lrviz.app.run import make_run
from lrviz.app.scenarios import lessons
from lrviz.app.settings import MAX_EPOCHS, START_LIMIT, RunSettings
from lrviz.core import make_dataset
from lrviz.data import get_preset
from lrviz.ui import state
from lrviz.ui.lecture_ui import PRESENT_KEY
from tests.app_driver import open_app, player_data, preset_picker, report, server_view


def open_link(params: Mapping[str, str]) -> AppTest:
    """A fresh session opened at ?params, after its first run."""
    return open_app(params)


def url(at: AppTest) -> dict[str, str]:
    """The page's query parameters after the run (the last value of each)."""
    params = {}
    for key, value in at.query_params.items():
        params[key] = value if isinstance(value, str) else value[-1]
    return params


def warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


LINK = {
    "data": "preset",
    "preset": "Noisy line",
    "w0": "0.5",
    "b0": "-1.25",
    "lr": "0.005",
    "epochs": "200",
    "opt": "momentum",
    "beta": "0.8",
    "batch": "4",
    "seed": "3",
    "epoch": "7",
}


def test_a_link_sets_every_setting_and_the_epoch() -> None:
    at = open_link(LINK)
    assert not at.warning
    assert at.number_input(key="w0").value == 0.5
    assert at.number_input(key="b0").value == -1.25
    assert at.select_slider(key="lr").value == 0.005
    assert at.number_input(key="epochs").value == 200
    assert at.selectbox(key="optimizer").value == "momentum"
    assert at.slider(key="momentum").value == 0.8
    assert at.radio(key="batch_mode").value == "Mini-batch"
    assert at.number_input(key="batch_size").value == 4
    assert at.number_input(key="seed").value == 3
    data = player_data(at)
    assert data["last"] == 200
    assert server_view(at) == {"run": data["run"], "epoch": 7}
    # The run trains on the preset's points: its start's loss is theirs.
    preset = get_preset("Noisy line")
    start = make_dataset(preset.x, preset.y).moments.loss(0.5, -1.25)
    assert data["traj"]["loss"][0] == pytest.approx(float(start), rel=1e-12)
    assert url(at) == LINK


def test_the_same_link_gives_the_same_run_in_a_fresh_session() -> None:
    first, second = open_link(LINK), open_link(LINK)
    a, b = player_data(first), player_data(second)
    assert a["traj"] == b["traj"]
    assert a["figures"]["fit"]["data"] == b["figures"]["fit"]["data"]
    assert server_view(second)["epoch"] == 7


def test_the_url_follows_the_screen_and_reopens_it() -> None:
    at = open_link({})
    at.select_slider(key="lr").set_value(0.05).run()
    at.selectbox(key="optimizer").set_value("adam").run()
    at = report(at, 12)
    params = url(at)
    assert (params["lr"], params["opt"], params["epoch"]) == ("0.05", "adam", "12")
    again = open_link(params)
    assert again.select_slider(key="lr").value == 0.05
    assert again.selectbox(key="optimizer").value == "adam"
    assert player_data(again)["traj"] == player_data(at)["traj"]
    assert server_view(again)["epoch"] == 12


def test_the_link_epoch_holds_until_the_player_moves_and_ends_with_new_settings() -> None:
    at = open_link({"epoch": "30"})
    at.run()
    assert server_view(at)["epoch"] == 30
    at = report(at, 31)
    assert server_view(at)["epoch"] == 31
    at.select_slider(key="lr").set_value(0.02).run()
    assert server_view(at)["epoch"] == 0
    assert "epoch" not in url(at)


def test_presentation_mode_from_a_link() -> None:
    at = open_link({"present": "1"})
    assert at.session_state[PRESENT_KEY] is True
    assert url(at)["present"] == "1"
    at.toggle(key=PRESENT_KEY).set_value(False).run()
    assert "present" not in url(at)


def test_a_link_epoch_past_the_end_shows_the_last_epoch_and_says_so() -> None:
    at = open_link({"epochs": "10", "epoch": "50"})
    assert server_view(at)["epoch"] == 10
    assert "epoch 50" in warnings(at)
    assert url(at)["epoch"] == "10"


# (parameters, widget key, value the app must use, words the notice must contain)
TAMPERED = [
    ({"lr": "1e400"}, "lr", DEFAULTS["lr"], "not a finite number"),
    ({"lr": "abc"}, "lr", DEFAULTS["lr"], "not a number"),
    ({"lr": "-3"}, "lr", DEFAULTS["lr"], "greater than 0"),
    ({"lr": "7"}, "lr", 2.0, "outside"),
    ({"lr": "9" * 5000}, "lr", DEFAULTS["lr"], "too long"),
    ({"w0": "1e400"}, "w0", DEFAULTS["w0"], "not a finite number"),
    ({"w0": "1e300"}, "w0", START_LIMIT, "outside"),
    ({"b0": "-inf"}, "b0", DEFAULTS["b0"], "not a finite number"),
    ({"w0": "<img src=x onerror=alert(1)>"}, "w0", DEFAULTS["w0"], "not a number"),
    ({"epochs": "1e9"}, "epochs", MAX_EPOCHS, "whole number"),
    ({"epochs": "-5"}, "epochs", 0, "whole number"),
    ({"epochs": "NaN"}, "epochs", DEFAULTS["epochs"], "not a finite number"),
    ({"opt": "<script>x</script>"}, "optimizer", DEFAULTS["optimizer"], "is not one of"),
    ({"opt": "momentum", "beta": "7"}, "momentum", 0.99, "outside"),
    ({"opt": "adam", "beta2": "0.5"}, "beta2", 0.9, "nearest"),
    ({"batch": "0"}, "batch_size", 1, "whole number"),
    ({"present": "<b>yes</b>"}, PRESENT_KEY, False, "is not 1 or 0"),
    ({"epoch": "-1"}, None, None, "whole number"),
    ({"zz" * 500: "1"}, None, None, "Unknown link parameters"),
    ({"preset": "<img src=x onerror=alert(1)>"}, None, None, "no preset of that name"),
    ({"data": "points", "xs": "1,2,1e400", "ys": "1,2,3"}, None, None, "not a finite number"),
]


@pytest.mark.parametrize(("params", "key", "value", "words"), TAMPERED)
def test_tampered_links_are_clamped_or_ignored_with_a_notice(
    params: dict[str, str], key: str | None, value: object, words: str
) -> None:
    at = open_link(params)
    assert not at.error
    notice = warnings(at)
    assert "Parts of this link were changed or ignored" in notice
    assert words in notice.replace("\\", "")
    # Quoted text is escaped: every "<" is a literal "\<", so no markup reaches the page.
    assert re.search(r"(?<!\\)<", notice) is None
    if key is not None:
        assert at.session_state[key] == value
    # The app still plays a sound run, and the URL now says what is on screen.
    encoded = json.dumps(player_data(at))
    assert "NaN" not in encoded and "Infinity" not in encoded
    written = url(at)
    assert all(len(v) <= 200 for v in written.values())
    assert not any(k not in params and k.startswith("zz") for k in written)


def test_notices_go_when_the_settings_change() -> None:
    at = open_link({"lr": "1e400"})
    assert at.warning
    at.select_slider(key="lr").set_value(0.02).run()
    assert not at.warning


# ---- links carry the lesson: its caption and the pinned runs ------------------------------------


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def panel(at: AppTest, name: str) -> list[dict[str, object]]:
    """The traces of one of the player's figures (pinned runs included)."""
    return player_data(at)["figures"][name]["data"]


def paths(at: AppTest, name: str) -> list[tuple[object, ...]]:
    """Each trace's name and points, without its styling."""
    return [(t.get("name"), t.get("x"), t.get("y")) for t in panel(at, name)]


def captions(at: AppTest) -> str:
    return "\n".join(i.value for i in at.info)


@pytest.mark.parametrize("key", ["momentum", "adam", "scaling", "near"])
def test_a_lesson_link_opens_the_lesson_with_its_pinned_runs_and_caption(key: str) -> None:
    lesson = next(lesson for lesson in lessons() if lesson.key == key)
    teacher = click(open_link({}), f"lrviz_lesson_{key}")
    link = url(teacher)
    assert link["lesson"] == key
    assert sum(k.startswith("pin") for k in link) == len(lesson.pinned)
    student = open_link(link)
    assert not student.warning
    assert lesson.title in captions(student)
    assert len(state.PINS.get(student.session_state).pins) == len(lesson.pinned)
    # The same comparison: contour paths and loss curves, pinned ones included, point for point.
    for name in ("contour", "loss"):
        assert panel(student, name) == panel(teacher, name)
    assert url(student) == link


def test_pins_made_by_hand_ride_in_the_link_with_their_own_data() -> None:
    at = click(open_link({}), "lrviz_pin")  # gd, α = 0.01 on the article's data
    at.select_slider(key="lr").set_value(0.05).run()
    at = click(at, "lrviz_pin")
    preset_picker(at).set_value("Noisy line").run()
    at.select_slider(key="lr").set_value(0.02).run()
    link = url(at)
    assert "lesson" not in link
    assert link["preset"] == "Noisy line"
    assert link["pin1"].endswith("data:preset;preset:Article example")
    assert "lr:0.05" in link["pin2"]
    again = open_link(link)
    assert not again.warning
    assert len(state.PINS.get(again.session_state).pins) == 2
    assert panel(again, "loss") == panel(at, "loss")
    assert url(again) == link


def test_a_lesson_link_without_pins_keeps_the_lessons_own_and_a_changed_run_drops_the_caption() -> (
    None
):
    at = open_link({"lesson": "momentum"})
    assert "momentum vs plain GD" in captions(at)
    assert len(state.PINS.get(at.session_state).pins) == 1
    at.select_slider(key="lr").set_value(0.02).run()
    assert "momentum vs plain GD" not in captions(at)
    assert "lesson" not in url(at) and "pin1" in url(at)


def test_the_student_link_is_the_same_screen_without_presentation_mode() -> None:
    at = click(open_link({"present": "1"}), "lrviz_lesson_momentum")
    codes = [c.value for c in at.code]
    teacher = next(c for c in codes if "present=1" in c)
    student = next(c for c in codes if c != teacher and "lesson=momentum" in c)
    query = dict(parse_qsl(urlsplit(student).query))
    assert query == {k: v for k, v in url(at).items() if k != "present"}
    opened = open_link(query)
    assert opened.session_state[PRESENT_KEY] is False
    assert "momentum vs plain GD" in captions(opened)
    # The same runs, drawn in the laptop's look rather than the projector's.
    for name in ("contour", "loss"):
        assert paths(opened, name) == paths(at, name)


def test_outside_presentation_mode_there_is_one_link() -> None:
    at = open_link({})
    assert len(at.code) == 1 and "present" not in at.code[0].value


# (parameters, words the notice must contain, pins expected)
TAMPERED_LESSONS = [
    ({"lesson": "<img src=x onerror=alert(1)>"}, "is not one of", 0),
    ({"pin1": "lr:1e400;opt:gd"}, "Pinned run 1: α", 1),
    ({"pin1": "lr:-2"}, "must be greater than 0", 0),
    ({"pin1": "lr:1e-320"}, "using 1e-305", 1),
    ({"pin1": "epochs:1e9"}, "whole number", 1),
    ({"pin1": "<script>alert(1)</script>"}, "unknown items", 0),
    ({"pin1": "lr:0.01;data:preset;preset:<b>x</b>"}, "no preset of that name", 0),
    ({"pin1": "lr:0.01;data:points;xs:1,2;ys:1,2,1e400"}, "not a finite number", 0),
    ({"pin1": "lr:0.01;" + "w0:1;" * 2000}, "too long", 0),
    ({"pin4": "lr:0.01"}, "Unknown link parameters", 0),
]


@pytest.mark.parametrize(("params", "words", "count"), TAMPERED_LESSONS)
def test_tampered_lessons_and_pins_are_clamped_or_dropped_with_a_notice(
    params: dict[str, str], words: str, count: int
) -> None:
    at = open_link(params)
    assert not at.error
    notice = warnings(at)
    assert "Parts of this link were changed or ignored" in notice
    assert words in notice.replace("\\", "")
    assert re.search(r"(?<!\\)<", notice) is None
    assert len(state.PINS.get(at.session_state).pins) == count
    encoded = json.dumps(player_data(at))
    assert "NaN" not in encoded and "Infinity" not in encoded


def test_a_pin_on_data_no_link_can_hold_is_left_out_and_the_link_says_so() -> None:
    at = open_link({})
    # A run pinned on an uploaded file of 60 points: a link holds at most 50.
    x = [float(i) for i in range(60)]
    uploaded = Pin.of(make_run(make_dataset(x, x), RunSettings(epochs=5)), "big.csv")
    state.PINS.set(state.PinsState(pins=(uploaded,)), at.session_state)
    at.run()
    assert not at.exception
    assert "pin1" not in url(at)
    assert "1 pinned run is left out" in "\n".join(c.value for c in at.caption)
