"""The export button's page: the run on screen as one offline HTML file, or a page saying why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lrviz.app.run import make_run
from lrviz.app.settings import RunSettings
from lrviz.core import TrainConfig, make_dataset, optimum
from lrviz.export import export_html
from lrviz.ui.export_ui import export_title, html_page

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
ARTICLE = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0])


def test_the_page_is_the_run_with_plotly_inside() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=50, config=TrainConfig(lr=0.05)))
    page = html_page(ARTICLE, run, "Article example", standardized=False)
    assert page.startswith("<!DOCTYPE html>")
    assert "α = 0.05" in page
    assert len(page) > 1_000_000  # plotly.js is inlined, nothing is fetched


def test_a_data_name_with_markup_is_text_in_the_page() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=5))
    page = html_page(ARTICLE, run, "<script>alert(1)</script>", standardized=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert export_title(run, "x").startswith("lrviz: x, Gradient descent")


def test_a_run_that_cannot_be_exported_gives_a_page_that_says_why() -> None:
    run = make_run(ARTICLE, RunSettings(epochs=5))
    other = make_dataset([1.0, 2.0], [7.0, -3.0])  # not the data this run was trained on
    page = html_page(other, run, "data", standardized=False)
    assert "could not be exported" in page
    assert len(page) < 2_000


def test_the_app_offers_the_download() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("lrviz_export_html")]
    assert len(buttons) == 1


OUTLIER = make_dataset([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 15.0])


def _payload(page: str) -> dict[str, object]:
    start = page.index('<script type="application/json" id="lrviz-data">')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_the_page_names_the_loss_and_draws_its_surface() -> None:
    settings = RunSettings(epochs=200, config=TrainConfig(lr=0.02, loss="huber", huber_delta=0.5))
    run = make_run(OUTLIER, settings)
    page = html_page(OUTLIER, run, "outlier", standardized=False)
    assert "could not be exported" not in page
    assert "Loss (Huber, δ = 0.5) over (w, b)" in page
    assert "Loss (Huber, δ = 0.5) per epoch" in page
    assert "Huber, δ = 0.5 loss · α = 0.02" in page
    assert export_title(run, "outlier").startswith("lrviz: outlier, Huber, δ = 0.5, Gradient")
    # The minimum drawn is Huber's, not least squares'.
    figure = _payload(page)["figures"]["contour"]  # type: ignore[index]
    marks = [t for t in figure["data"] if t.get("name") == "minimum"]  # type: ignore[index]
    huber = optimum(OUTLIER, loss="huber", huber_delta=0.5)
    assert marks and marks[0]["x"][0] == pytest.approx(huber.w)


def test_mae_says_it_has_no_stable_rate() -> None:
    run = make_run(OUTLIER, RunSettings(epochs=50, config=TrainConfig(lr=0.01, loss="mae")))
    page = html_page(OUTLIER, run, "outlier", standardized=False)
    assert "Loss (MAE) over (w, b)" in page and "MAE has no stable α" in page


def test_a_history_of_another_loss_is_refused_in_words() -> None:
    run = make_run(OUTLIER, RunSettings(epochs=50, config=TrainConfig(lr=0.01, loss="mae")))
    page = export_html(OUTLIER, run.scene.history, title="t", lr=0.01, optimizer="gd", loss="mae")
    with pytest.raises(ValueError, match="with this loss"):
        page = export_html(
            OUTLIER, run.scene.history, title="t", lr=0.01, optimizer="gd", loss="huber"
        )
    assert "Loss (MAE) over (w, b)" in page
    with pytest.raises(ValueError, match="Unknown loss"):
        export_html(OUTLIER, run.scene.history, title="t", lr=0.01, optimizer="gd", loss="l3")
