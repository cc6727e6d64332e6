"""Run settings <-> query parameters: exact round trips, and hostile text clamped, never raised."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrviz.app.choices import BATCH_MODES, DEFAULTS, LOSS_CHOICES, LR_CHOICES
from lrviz.app.settings import (
    DELTA_MAX,
    DELTA_MIN,
    LR_MAX,
    LR_MIN,
    MAX_EPOCHS,
    START_LIMIT,
    RunSettings,
    normalized,
)
from lrviz.catalog.optimizers import HYPERS, OPTIMIZER_NAMES
from lrviz.core import TrainConfig
from lrviz.data import MAX_SEED
from lrviz.data.wording import QUOTE_CHARS, quoted
from lrviz.share.url_state import (
    KEYS,
    Parsed,
    from_params,
    to_params,
)
from lrviz.ui.settings import widget_values, widgets_of

BETA2_CHOICES = HYPERS["beta2"].choices
EPS_CHOICES = HYPERS["eps"].choices


def widgets(parsed: Parsed) -> dict[str, object]:
    """The sidebar's widget values a link sets, as the app maps them."""
    return widgets_of(parsed.fields)


starts = st.floats(-START_LIMIT, START_LIMIT, allow_nan=False)
betas = st.integers(0, 99).map(lambda i: i / 100)


@st.composite
def run_settings(draw: st.DrawFn) -> RunSettings:
    batch = draw(st.one_of(st.none(), st.integers(1, 500)))
    config = TrainConfig(
        lr=draw(st.one_of(st.sampled_from(LR_CHOICES), st.floats(LR_MIN, LR_MAX))),
        optimizer=draw(st.sampled_from(tuple(OPTIMIZER_NAMES))),
        batch_size=batch,
        seed=draw(st.integers(0, MAX_SEED)) if batch is not None else 0,
        momentum=draw(betas),
        beta1=draw(betas),
        beta2=draw(st.sampled_from(BETA2_CHOICES)),
        eps=draw(st.sampled_from(EPS_CHOICES)),
    )
    return RunSettings(
        w0=draw(starts), b0=draw(starts), epochs=draw(st.integers(0, MAX_EPOCHS)), config=config
    )


def settings_from(values: dict[str, object]) -> RunSettings:
    """What the sidebar would build from these widget values (the defaults for the rest)."""
    v = {**DEFAULTS, **values}
    mode = v["batch_mode"]
    batch = None if mode == BATCH_MODES[0] else 1 if mode == BATCH_MODES[2] else v["batch_size"]
    extra: dict[str, float] = {}
    if v["optimizer"] in ("momentum", "nesterov"):
        extra["momentum"] = float(v["momentum"])  # type: ignore[arg-type]
    if v["optimizer"] == "adam":
        extra.update(beta1=v["beta1"], beta2=v["beta2"], eps=v["eps"])  # type: ignore[arg-type]
    config = TrainConfig(
        lr=float(v["lr"]),  # type: ignore[arg-type]
        optimizer=str(v["optimizer"]),
        batch_size=batch,  # type: ignore[arg-type]
        seed=int(v["seed"]) if batch is not None else 0,  # type: ignore[call-overload]
        **extra,
    )
    return RunSettings(float(v["w0"]), float(v["b0"]), int(v["epochs"]), config)  # type: ignore[arg-type]


def used(settings: RunSettings) -> RunSettings:
    """settings with the optimizer values its optimizer ignores set to their defaults."""
    c = settings.config
    extra: dict[str, float] = {}
    if c.optimizer in ("momentum", "nesterov"):
        extra["momentum"] = c.momentum
    if c.optimizer == "adam":
        extra.update(beta1=c.beta1, beta2=c.beta2, eps=c.eps)
    config = TrainConfig(
        lr=c.lr, optimizer=c.optimizer, batch_size=c.batch_size, seed=c.seed, **extra
    )
    return RunSettings(settings.w0, settings.b0, settings.epochs, config)


@given(run_settings(), st.booleans(), st.integers(0, MAX_EPOCHS))
def test_round_trip_is_exact_and_quiet(settings: RunSettings, present: bool, epoch: int) -> None:
    params = to_params(settings, present=present, epoch=epoch)
    parsed = from_params(params)
    assert parsed.notices == ()
    assert parsed.unknown == ()
    assert settings_from(widgets(parsed)) == used(settings)
    assert parsed.present is (True if present else None)
    assert parsed.epoch == (epoch if epoch > 0 else None)
    assert set(params) <= set(KEYS)


@given(run_settings())
def test_widget_values_rebuild_the_settings(settings: RunSettings) -> None:
    assert settings_from(dict(widget_values(settings))) == used(settings)


@st.composite
def any_run_settings(draw: st.DrawFn) -> RunSettings:
    """Run settings as a link may carry them: any optimizer, batch, loss and δ."""
    settings = draw(run_settings())
    loss = draw(st.sampled_from(tuple(LOSS_CHOICES)))
    delta = draw(st.floats(DELTA_MIN, DELTA_MAX, allow_nan=False))
    config = TrainConfig(**{**vars(settings.config), "loss": loss, "huber_delta": delta})
    return RunSettings(settings.w0, settings.b0, settings.epochs, config)


@given(any_run_settings(), st.booleans(), st.integers(0, MAX_EPOCHS))
def test_domain_values_round_trip_through_a_link(
    settings: RunSettings, present: bool, epoch: int
) -> None:
    """RunSettings -> query parameters -> RunSettings gives back the run (what it does not use,
    such as another optimizer's β, at the defaults), from any settings it is laid over."""
    parsed = from_params(to_params(settings, present=present, epoch=epoch))
    assert parsed.notices == ()
    assert normalized(parsed.settings()) == normalized(settings)
    elsewhere = RunSettings(1.0, -2.0, 7, TrainConfig(lr=0.5, optimizer="adam", batch_size=3))
    assert normalized(parsed.settings(elsewhere)) == normalized(settings)
    assert (parsed.present, parsed.epoch) == (present or None, epoch or None)


texts = st.one_of(
    st.text(max_size=60),
    st.text(max_size=5000),
    st.sampled_from(["1e400", "-1e400", "nan", "inf", "-0", "0x10", "1_0", "<b>1</b>", "١٢"]),
    st.floats().map(repr),
    st.integers(-(10**30), 10**30).map(str),
)


@given(st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=20)), texts))
def test_any_parameters_never_raise_and_stay_in_range(params: dict[str, str]) -> None:
    parsed = from_params(params)
    v = widgets(parsed)
    for key in ("w0", "b0"):
        if key in v:
            assert -START_LIMIT <= v[key] <= START_LIMIT  # type: ignore[operator]
    if "lr" in v:
        assert LR_MIN <= v["lr"] <= LR_MAX  # type: ignore[operator]
    if "epochs" in v:
        assert 0 <= v["epochs"] <= MAX_EPOCHS  # type: ignore[operator]
    if "optimizer" in v:
        assert v["optimizer"] in OPTIMIZER_NAMES
    for key in ("momentum", "beta1"):
        if key in v:
            assert 0.0 <= v[key] <= 0.99  # type: ignore[operator]
    if "batch_size" in v:
        assert v["batch_size"] >= 1  # type: ignore[operator]
    if "seed" in v:
        assert 0 <= v["seed"] <= MAX_SEED  # type: ignore[operator]
    assert parsed.epoch is None or 0 <= parsed.epoch <= MAX_EPOCHS
    for value in v.values():
        assert not (isinstance(value, float) and not math.isfinite(value))
    # A notice quotes at most QUOTE_CHARS of a key or value, however long it was.
    long = [text for text in (*params, *params.values()) if len(text) > QUOTE_CHARS]
    for notice in parsed.notices:
        assert isinstance(notice, str)
        assert not any(text in notice for text in long)


@pytest.mark.parametrize(
    ("params", "key", "expected", "word"),
    [
        ({"lr": "1e400"}, "lr", None, "not a finite number"),
        ({"lr": "nan"}, "lr", None, "not a finite number"),
        ({"lr": "-0.5"}, "lr", None, "greater than 0"),
        # Any α the typed box takes is kept exactly, down to the stable limits of x ~ 1e150.
        ({"lr": "0.011"}, "lr", 0.011, None),
        ({"lr": "1.33e-6"}, "lr", 1.33e-6, None),
        ({"lr": "1e-8"}, "lr", 1e-8, None),
        ({"lr": "1e-299"}, "lr", 1e-299, None),
        ({"lr": "0.010"}, "lr", 0.01, None),
        ({"lr": "1e-320"}, "lr", LR_MIN, "outside"),
        ({"lr": "3"}, "lr", LR_MAX, "outside"),
        ({"lr": "x" * 10_000}, "lr", None, "too long"),
        ({"w0": "1e300"}, "w0", START_LIMIT, "outside"),
        ({"b0": "-2e6"}, "b0", -START_LIMIT, "outside"),
        ({"w0": "<script>alert(1)</script>"}, "w0", None, "not a number"),
        ({"epochs": "99999"}, "epochs", MAX_EPOCHS, "whole number"),
        ({"epochs": "12.6"}, "epochs", 13, "whole number"),
        ({"epochs": "-4"}, "epochs", 0, "whole number"),
        ({"opt": "ADAM"}, "optimizer", "adam", None),
        ({"opt": "sgd<b>"}, "optimizer", None, "is not one of"),
        ({"beta": "1.5"}, "momentum", 0.99, "outside"),
        ({"beta2": "0.95"}, "beta2", 0.99, "nearest"),
        ({"eps": "1e-8"}, "eps", 1e-8, None),
        ({"batch": "0"}, "batch_size", 1, "whole number"),
        ({"batch": "7"}, "batch_size", 7, None),
        ({"seed": "-1"}, "seed", 0, "whole number"),
    ],
)
def test_tampered_values(
    params: dict[str, str], key: str, expected: object, word: str | None
) -> None:
    parsed = from_params(params)
    assert widgets(parsed).get(key) == expected
    if word is None:
        assert parsed.notices == ()
    else:
        assert len(parsed.notices) == 1
        assert word in parsed.notices[0]


def test_batch_words_pick_the_batch_mode() -> None:
    assert widgets(from_params({"batch": "full"}))["batch_mode"] == BATCH_MODES[0]
    assert widgets(from_params({"batch": "SGD"}))["batch_mode"] == BATCH_MODES[2]
    assert widgets(from_params({"batch": "1"}))["batch_mode"] == BATCH_MODES[2]
    assert widgets(from_params({"batch": "4"}))["batch_mode"] == BATCH_MODES[1]
    assert from_params({"batch": "full"}).fields["batch_size"] is None
    assert from_params({"batch": "sgd"}).fields["batch_size"] == 1


@pytest.mark.parametrize(
    ("text", "present"), [("1", True), ("true", True), ("0", False), ("off", False)]
)
def test_present_flag(text: str, present: bool) -> None:
    assert from_params({"present": text}).present is present


def test_bad_view_values_are_ignored_with_a_notice() -> None:
    parsed = from_params({"present": "maybe", "epoch": "1e400"})
    assert (parsed.present, parsed.epoch) == (None, None)
    assert len(parsed.notices) == 2


def test_unknown_keys_are_reported_and_other_keys_left_alone() -> None:
    parsed = from_params({"zz": "1", "preset": "Outliers"}, other_keys=("preset",))
    assert parsed.unknown == ("zz",)
    assert "'zz'" in parsed.notices[-1]
    assert "preset" not in parsed.notices[-1]


def test_quoted_cuts_long_text() -> None:
    assert quoted("abc") == "'abc'"
    long = quoted("y" * 1000)
    assert len(long) == QUOTE_CHARS + 2
    assert long.endswith("…'")


def test_defaults_are_left_out_of_links() -> None:
    params = to_params(RunSettings())
    assert "present" not in params and "epoch" not in params and "seed" not in params
    assert params["batch"] == "full"
    sgd = to_params(RunSettings(config=TrainConfig(lr=0.01, batch_size=1, seed=5)))
    assert (sgd["batch"], sgd["seed"]) == ("sgd", "5")
