"""Every displayed equation re-computes: its printed numbers give its printed result.

The equations are parsed from the LaTeX the explanation shows, evaluated exactly (Decimal at 80
digits) from the numbers as written, and compared by the rule in lrviz.explain.recompute.
"""

import re
from decimal import Decimal, localcontext

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lrviz.core import TrainConfig, make_dataset, record_at
from lrviz.explain import (
    batch_tex,
    check_tex,
    epoch_summary,
    gradient_check,
    single_point_tex,
    update_tex,
)
from lrviz.explain.recompute import CONTEXT, agrees

# A number as the module writes it: 3, -16.8, 1.378 \times 10^{-5}.
NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?: \\times 10\^\{(-?\d+)\})?")


def rows(block: str) -> list[str]:
    """The equations of an aligned block, one per row and per '\\qquad'."""
    body = block.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}")
    out = []
    for row in re.split(r"\\\\\[\d+pt\]", body):
        out += [part.strip().rstrip(",").strip() for part in row.split(r"\qquad")]
    return out


def to_python(tex: str) -> tuple[str, list[Decimal]] | None:
    """The LaTeX expression as Python over Decimal literals L[k], and those literals; None when
    it holds symbols (it is not substituted numbers)."""
    literals: list[Decimal] = []

    def literal(m: re.Match) -> str:
        literals.append(Decimal(f"{m.group(1)}e{m.group(2) or 0}"))
        return f" L[{len(literals) - 1}] "

    # The loss node's functions: |r|, sign(r), clip(r, lo, hi) and Huber's H_{δ}(r).
    tex = re.sub(r"H_\{([^}]*)\}\(", r"huber(\1, ", tex)
    tex = tex.replace(r"\operatorname{sign}", "sign").replace(r"\operatorname{clip}", "clip")
    tex = tex.replace(r"\lvert", "abs(").replace(r"\rvert", ")")
    text = re.sub(r"(?<!\^\{)(?<![\w\^])" + NUMBER.pattern, literal, tex)
    # Integer powers (^{2}, ^2) stay Python ints: exponents, not numbers to size the check by.
    text = re.sub(r"\^\{?(\d+)\}?", r" ** (\1) ", text)
    for a, b in (
        (r"\left(", "("),
        (r"\right)", ")"),
        (r"\cdot", "*"),
        (r"\,", " "),
        (r"\;", " "),
        (r"\ ", " "),
    ):
        text = text.replace(a, b)
    out, stack, k = "", [], 0
    while k < len(text):
        if text.startswith((r"\frac{", r"\tfrac{"), k):
            out += "(("
            stack.append("frac")
            k = text.index("{", k) + 1
        elif text.startswith(r"\sqrt{", k):
            out += "sqrt("
            stack.append(")")
            k += 6
        elif text[k] == "{":
            out += "("
            stack.append(")")
            k += 1
        elif text[k] == "}":
            top = stack.pop()
            if top == "frac":
                assert text[k + 1] == "{", text
                out += ")/("
                stack.append("))")
                k += 2
            else:
                out += top
                k += 1
        else:
            out += text[k]
            k += 1
    out = re.sub(r"\)\s*\(", ")*(", out)
    if re.search(r"[A-Za-z\\_]", re.sub(r"L\[\d+\]|sqrt|abs|sign|clip|huber", "", out)):
        return None
    return out, literals


def _huber(delta: Decimal, r: Decimal) -> Decimal:
    """Huber's loss by its definition: r²/2 inside the band |r| <= δ, δ(|r| - δ/2) outside."""
    return r * r / 2 if abs(r) <= delta else delta * (abs(r) - delta / 2)


FUNCTIONS = {
    "sqrt": lambda d: d.sqrt(),
    "abs": abs,
    "sign": lambda d: Decimal((d > 0) - (d < 0)),
    "clip": lambda r, lo, hi: min(max(r, lo), hi),
    "huber": _huber,
}
"""What an equation may call, evaluated exactly over Decimal."""


def top_level_split(text: str, sep: str) -> list[str]:
    """text split at each `sep` outside braces ('\\sum_{i=1}' keeps its '=')."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += (ch == "{") - (ch == "}")
        if ch == sep and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    return [*parts, text[start:]]


def recomputes(row: str) -> bool | None:
    """True/False whether an 'expression = result' row re-computes; None if it is not one."""
    if r"\text" in row:
        return None  # overflow or undefined: words, not numbers
    parts = [p.replace("&", "").replace(":", "").strip() for p in top_level_split(row, "=")]
    if len(parts) < 2:
        return None
    expression, result = to_python(parts[-2]), to_python(parts[-1])
    if expression is None or result is None or not parts[-2]:
        return None
    (code, literals), (r_code, r_literals) = expression, result
    if len(r_literals) != 1 or r_code.replace("-", "").strip() != "L[0]":
        return None
    r = -r_literals[0] if r_code.strip().startswith("-") else r_literals[0]
    with localcontext(CONTEXT):
        v = eval(code, {"L": literals, **FUNCTIONS})  # only digits, operators, L[k], FUNCTIONS
        return agrees(v, r, [*literals, abs(r)])


def test_the_parser_reads_the_issues_example_as_false() -> None:
    # The gradient check as it used to print: those numbers give -9.5, not -9.8.
    row = r"\frac{L(w + h,\ b) - L(w - h,\ b)}{2h} &= \frac{2.177 - 2.196}{2 \cdot 0.001} = -9.8"
    assert recomputes(row) is False
    assert recomputes(row.replace("-9.8", "-9.5")) is True
    assert recomputes(r"v_w &:= \beta\,v_w + g = 0.9 \cdot (-1.5) + 2 = 0.65") is True
    assert recomputes(r"\hat{m}_w &= \frac{m_w}{1 - \beta_1^{t}} = \frac{0.3}{1 - 0.9^{2}} = 1.579")
    assert recomputes(r"w &:= w - a = 1.2 \times 10^{-5} - 0.01 \cdot (-3) = 0.03001") is True
    assert recomputes(r"h &= 0.001") is None
    assert recomputes(r"&= \tfrac{1}{2}\left(1^{2} + (-3)^{2}\right) = 5") is True


def test_the_epoch_summary_parser_catches_a_difference_that_does_not_add_up() -> None:
    assert summary_recomputes("w went from 0.9398 to 0.94 (Δw = 0.0002037)") == [False]
    assert summary_recomputes("w went from 0.9398123 to 0.940016 (Δw = 0.0002037)") == [True]
    data = make_dataset([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    _, rec = record_at(data, TrainConfig(lr=0.01), 0.0, 0.0, 50)
    assert summary_recomputes(epoch_summary(rec, TrainConfig(lr=0.01))) == [True, True]


def test_the_forward_pass_lists_recompute_from_the_line_and_the_data() -> None:
    data = make_dataset([1.25, 2.5, 3.75, 4.125, 5.0625], [1, 2, 3, 4, 5])
    _, rec = record_at(data, TrainConfig(lr=0.01), 0.0, 0.0, 37)
    assert forward_recomputes(batch_tex(rec), data.x) == [True] * 5
    # The parser sees a line that does not give the listed values.
    fake = r"\hat{y}_i &= w\,x_i + b = 2\,x_i + 1 \\[8pt] &\Rightarrow\; \left(3,\ 5,\ 8\right)"
    assert forward_recomputes(fake, [1.0, 2.0, 3.0]) == [True, True, False]


def test_the_gradient_check_on_the_article_data_recomputes() -> None:
    data = make_dataset([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    for epoch in (0, 1, 20, 1000):
        _, rec = record_at(data, TrainConfig(lr=0.01), 0.0, 0.0, epoch)
        for check in gradient_check(data, rec):
            checked = [recomputes(r) for r in rows(check_tex(check))]
            assert checked.count(True) == 1 and False not in checked


PLAIN = re.compile(r"from (\S+) to (\S+) \(Δ[wb] = (\S+?)\)")


def plain_number(text: str) -> Decimal:
    """A number as fmt writes it in plain text: −16.8, 1.4×10⁻⁵."""
    sup = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    text = text.replace("−", "-")
    if "×10" in text:
        mantissa, exponent = text.split("×10")
        return Decimal(f"{mantissa}e{exponent.translate(sup)}")
    return Decimal(text)


def summary_recomputes(sentence: str) -> list[bool]:
    """For 'w went from a to c (Δw = d)' and the same for b: whether c - a gives d."""
    out = []
    for a, c, d in PLAIN.findall(sentence):
        if "overflow" in (a, c, d) or "undefined" in (a, c, d):
            continue
        a_, c_, d_ = plain_number(a), plain_number(c), plain_number(d)
        with localcontext(CONTEXT):
            out.append(agrees(c_ - a_, d_, [a_, c_, abs(d_)]))
    return out


def value_of(tex: str) -> Decimal:
    """The number a piece of LaTeX written by the module stands for."""
    parsed = to_python(tex)
    assert parsed is not None, tex
    code, literals = parsed
    with localcontext(CONTEXT):
        return eval(code, {"L": literals})  # only digits, operators, L[k]


def forward_recomputes(block: str, x) -> list[bool]:
    """'ŷ_i = w x_i + b = a x_i + c' then '⇒ (ŷ_0, …)': whether a x_k + c gives each listed ŷ_k,
    with the data's own x_k."""
    found = rows(block)
    head = next(r for r in found if r"x_i + b = " in r)
    listed = found[found.index(head) + 1]
    if r"\text" in head:
        return []  # overflow: words, not numbers
    w_tex, b_tex = head.split(" = ")[-1].split(r"\,x_i + ")
    w, b = value_of(w_tex), value_of(b_tex)
    body = listed.split(r"\left(")[1].removesuffix(r"\right)")
    entries = body.split(r",\ ")
    n = len(x)
    cut = r"\ldots" in entries
    index = [*range(len(entries) - 2), None, n - 1] if cut else list(range(n))
    out = []
    for k, text in zip(index, entries, strict=True):
        if k is None or r"\text" in text:
            continue
        y_hat = value_of(text)
        with localcontext(CONTEXT):
            v = w * Decimal(float(x[k])) + b
            out.append(agrees(v, y_hat, [w, b, abs(y_hat), v]))
    return out


def displayed_rows(data, config, epoch) -> list[str]:
    """Every equation the chain-rule panel can show at this epoch."""
    state, rec = record_at(data, config, 0.0, 0.0, epoch)
    blocks = [batch_tex(rec)]
    blocks += [single_point_tex(rec, i) for i in range(data.n)]
    blocks += [check_tex(c) for c in gradient_check(data, rec)]
    blocks += [update_tex(rec, config, state, j) for j in range(len(rec.updates))]
    return [row for block in blocks for row in rows(block)]


scales = st.sampled_from([1e-3, 1.0, 10.0, 1e3, 1e6])
values = st.floats(-5, 5, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def runs(draw):
    n = draw(st.integers(2, 6))
    sx, sy = draw(scales), draw(scales)
    x = [draw(values) * sx for _ in range(n)]
    y = [draw(values) * sy for _ in range(n)]
    assume(len({round(v, 9) for v in x}) > 1)
    data = make_dataset(x, y)
    optimizer = draw(st.sampled_from(["gd", "momentum", "nesterov", "adam"]))
    lr = draw(st.sampled_from([1e-6, 1.33e-4, 0.001, 0.01, 0.05, 0.1234567]))
    batch = draw(st.sampled_from([None, 1, 2, 3]))
    seed = draw(st.integers(0, 5))
    epoch = draw(st.sampled_from([0, 1, 2, 7, 40, 300]))
    loss = draw(st.sampled_from(["mse", "mae", "huber"]))
    delta = draw(st.sampled_from([0.1, 1.0, 1.35, 20.0])) * sy
    config = TrainConfig(lr, optimizer, batch, seed, loss=loss, huber_delta=delta)
    return data, config, epoch


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_every_displayed_equation_recomputes(run) -> None:
    data, config, epoch = run
    checked = [(row, recomputes(row)) for row in displayed_rows(data, config, epoch)]
    wrong = [row for row, ok in checked if ok is False]
    assert not wrong, wrong
    _, rec = record_at(data, config, 0.0, 0.0, epoch)
    summary = epoch_summary(rec, config)
    assert False not in summary_recomputes(summary), summary
    assert False not in forward_recomputes(batch_tex(rec), data.x)
    # A finite epoch shows at least the single-point and update equations.
    _, rec = record_at(data, config, 0.0, 0.0, epoch)
    if all(abs(v) < 1e100 for v in (rec.w, rec.b, rec.loss, rec.w_new, rec.b_new)):
        assert sum(ok is True for _, ok in checked) >= 5 * data.n + 2


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "nesterov", "adam"])
@pytest.mark.parametrize("batch", [None, 1, 2])
def test_article_runs_recompute_at_many_epochs(optimizer, batch) -> None:
    data = make_dataset([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    config = TrainConfig(0.01, optimizer, batch)
    for epoch in (0, 1, 3, 50, 999):
        checked = [(row, recomputes(row)) for row in displayed_rows(data, config, epoch)]
        assert not [row for row, ok in checked if ok is False]
        assert sum(ok is True for _, ok in checked) >= 5 * data.n + 2


@pytest.mark.parametrize("loss", ["mae", "huber"])
@pytest.mark.parametrize("optimizer", ["gd", "adam"])
def test_outlier_runs_recompute_for_the_robust_losses(loss, optimizer) -> None:
    """MAE and Huber rows (|r|, sign, clip, H_δ) are parsed and re-compute, clipped points too."""
    data = make_dataset(range(1, 11), [2.41, 1.83, 3.53, 4.03, 4.86, 5.74, 5.99, 7.33, 7.94, 24])
    config = TrainConfig(0.01, optimizer, loss=loss, huber_delta=1.0)
    for epoch in (0, 1, 50, 400):
        checked = [(row, recomputes(row)) for row in displayed_rows(data, config, epoch)]
        assert not [row for row, ok in checked if ok is False]
        loss_rows = [row for row, ok in checked if ok and ("lvert" in row or "H_{" in row)]
        local_rows = [row for row, ok in checked if ok and "operatorname" in row]
        assert len(loss_rows) >= data.n and len(local_rows) == data.n
