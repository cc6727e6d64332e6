"""Number boxes drawn with the session's value: never their minimum, even for a moment.

Streamlit sends a box's default with the box and the session's value after it; a box drawn
without value= has its minimum as default, so the page shows the minimum first (-1e6 for a
start w0) and a box the user clears comes back as the minimum. Each box of the sidebar must
carry the value it shows as its default.
"""

from __future__ import annotations

import pytest

from lrviz.ui.state import DETAILS, DETAILS_EPOCH
from tests.app_driver import open_app, player_data


def boxes(at) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Every number box on the page by key (the generator's included: tabs are all drawn)."""
    return {box.key: box for box in at.number_input if box.key}


def test_every_box_is_drawn_with_the_value_it_shows() -> None:
    at = open_app()
    drawn = boxes(at)
    assert {"w0", "b0", "epochs"} <= drawn.keys()
    for key, box in drawn.items():
        assert box.proto.default == box.value, key  # type: ignore[attr-defined]
    assert drawn["w0"].proto.default == 0.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("params", "key", "value"),
    [({"w0": "3.5"}, "w0", 3.5), ({"b0": "-2"}, "b0", -2.0), ({"epochs": "40"}, "epochs", 40)],
)
def test_a_linked_value_is_the_boxs_default(params: dict[str, str], key: str, value: float) -> None:
    at = open_app(params)
    box = boxes(at)[key]
    assert box.value == value
    assert box.proto.default == value  # type: ignore[attr-defined]


@pytest.mark.parametrize(("key", "good"), [("w0", 2.5), ("b0", -1.5)])
def test_a_cleared_start_box_keeps_the_last_good_value(key: str, good: float) -> None:
    at = open_app()
    boxes(at)[key].set_value(good).run()  # type: ignore[attr-defined]
    run = player_data(at)["run"]
    boxes(at)[key].set_value(None).run()  # type: ignore[attr-defined]
    assert not at.exception
    assert boxes(at)[key].value == good
    assert boxes(at)[key].proto.default == good  # type: ignore[attr-defined]
    assert player_data(at)["run"] == run  # the same run: nothing changed


def test_the_tables_epoch_box_is_drawn_with_its_value() -> None:
    at = open_app({"epochs": "20"})
    at.toggle(key=DETAILS).set_value(True).run()
    box = boxes(at)[DETAILS_EPOCH]
    box.set_value(7).run()  # type: ignore[attr-defined]
    assert not at.exception
    box = boxes(at)[DETAILS_EPOCH]
    assert box.value == 7  # type: ignore[attr-defined]
    assert box.proto.default == 7  # type: ignore[attr-defined]
