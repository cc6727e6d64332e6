"""The player's payload leaves out the chain-rule numbers the browser can put back."""

from __future__ import annotations

import json

import pytest

from lrviz.app.run import Run, make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig
from lrviz.core.dataset import make_dataset
from lrviz.data import DEFAULT_PRESET, get_preset
from lrviz.explain.live import chain_data, replay
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.payload import compact_pulls, encode, payload
from lrviz.player.plotly_js import INLINE

CONFIGS = {
    "gd mse": TrainConfig(lr=0.01),
    "sgd huber": TrainConfig(lr=0.05, batch_size=1, loss="huber", huber_delta=0.5),
    "adam mae": TrainConfig(lr=0.1, optimizer="adam", loss="mae"),
    "momentum mini-batch": TrainConfig(lr=0.01, optimizer="momentum", batch_size=2),
}


def _run(config: TrainConfig) -> Run:
    preset = get_preset(DEFAULT_PRESET)
    data = make_dataset(preset.x, preset.y)
    return make_run(data, RunSettings(w0=-1.5, b0=2.0, epochs=60, config=config))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_payload_sends_each_pull_once_and_the_browser_gets_them_all(name: str) -> None:
    run = _run(CONFIGS[name])
    s = run.settings
    full = chain_data(
        replay(run.scene.data, s.config, s.w0, s.b0, run.scene.last_epoch, run.scene.history),
        run.scene.data,
    )
    sent = json.loads(encode(payload(run, DEFAULT_THEME, INLINE)))["chain"]
    assert "pb" not in sent["pulls"]
    # What player.js unpackPayload does: pb is pg.
    unpacked = {**sent, "pulls": {**sent["pulls"], "pb": sent["pulls"]["pg"]}}
    assert unpacked == json.loads(json.dumps(full))


def test_pulls_that_differ_are_all_sent() -> None:
    numbers = {"n": 2, "pulls": {"pg": [["1", "2"]], "pb": [["1", "3"]], "pw": [["2", "4"]]}}
    assert compact_pulls(numbers) == numbers
    same = {"n": 2, "pulls": {"pg": [["1", "2"]], "pb": [["1", "2"]], "pw": [["2", "4"]]}}
    assert compact_pulls(same) == {"n": 2, "pulls": {"pg": [["1", "2"]], "pw": [["2", "4"]]}}
    assert "pb" in same["pulls"]  # the caller's dict is left as it was
