"""The export button's page: the player as it is in the app, or a page saying why."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset
from lrviz.figures.theme import DEFAULT_THEME
from lrviz.player.payload import encode, payload
from lrviz.player.plotly_js import INLINE
from lrviz.ui.export_ui import export_title, html_page
from lrviz.ui.session import Current

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])


def shown_of(settings: RunSettings, view: str = "run-0") -> Current:
    run = make_run(ARTICLE, settings)
    return Current(run, encode(payload(run, DEFAULT_THEME, INLINE, "k", view)), "k", view)


def told(page: str) -> dict[str, object]:
    start = page.index('<script type="application/json" id="lrviz-told">')
    return json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])


def test_the_page_is_the_run_at_its_epoch_with_plotly_inside() -> None:
    shown = shown_of(RunSettings(epochs=50, config=TrainConfig(lr=0.05)))
    page = html_page(shown, "Article example", epoch=12, point=3)
    assert page.startswith("<!DOCTYPE html>")
    assert "α = 0.05" in page
    assert len(page) > 1_000_000  # plotly.js is inlined, nothing is fetched
    said = told(page)
    assert said["sync"] == {"run": "run-0", "epoch": 12}
    assert said["mark"]["point"]["i"] == 3  # type: ignore[index]


def test_a_data_name_with_markup_is_text_in_the_page() -> None:
    shown = shown_of(RunSettings(epochs=5))
    page = html_page(shown, "<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert export_title(shown.run, "x").startswith("lrviz: x, Gradient descent")


def test_a_run_that_cannot_be_exported_gives_a_page_that_says_why() -> None:
    shown = shown_of(RunSettings(epochs=5))
    broken = shown._replace(payload=b"not json")
    page = html_page(broken, "data")
    assert "could not be exported" in page
    assert len(page) < 2_000


def test_the_app_offers_the_download() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("lrviz_export_html")]
    assert len(buttons) == 1


def test_huber_names_its_loss_in_the_title() -> None:
    settings = RunSettings(epochs=20, config=TrainConfig(lr=0.02, loss="huber", huber_delta=0.5))
    shown = shown_of(settings)
    assert export_title(shown.run, "outlier").startswith("lrviz: outlier, Huber, δ = 0.5, Gradient")
    assert "Loss (Huber, δ = 0.5) over (w, b)" in html_page(shown, "outlier")
