"""Numbers as a student reads them: a few significant figures, plain decimals, never nan or inf."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

SIG = 4
"""Significant figures shown."""

# Between these magnitudes a plain decimal is easier to read than a power of ten: 0.00001378 and
# 123456789 still read at a glance; beyond them counting zeros gets in the way.
FIXED_MIN = 1e-5
FIXED_MAX = 1e9

OVERFLOW = "overflow"
UNDEFINED = "undefined"

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _parts(value: float, sig: int) -> tuple[str, int | None]:
    """(mantissa text, power of ten or None) for a finite value, rounded to sig figures."""
    value = float(value)
    if value == 0.0:
        return "0", None
    magnitude = abs(value)
    if FIXED_MIN <= magnitude < FIXED_MAX:
        decimals = max(0, sig - 1 - math.floor(math.log10(magnitude)))
        text = f"{value:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return ("0" if text in ("-0", "0") else text), None
    mantissa, exponent = f"{value:.{sig - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return mantissa, int(exponent)


def fmt(value: float, sig: int = SIG) -> str:
    """Plain text: '-16.8', '0.22', '1.378×10⁻⁵'; 'overflow' for ±inf, 'undefined' for nan."""
    value = float(value)
    if math.isnan(value):
        return UNDEFINED
    if math.isinf(value):
        return OVERFLOW
    mantissa, exponent = _parts(value, sig)
    text = mantissa if exponent is None else f"{mantissa}×10{str(exponent).translate(_SUPERSCRIPT)}"
    return text.replace("-", "−")


def tex(value: float, sig: int = SIG) -> str:
    r"""LaTeX: '-16.8', '1.378 \times 10^{-5}', '\text{overflow}' for non-finite values."""
    value = float(value)
    if math.isnan(value):
        return rf"\text{{{UNDEFINED}}}"
    if math.isinf(value):
        return rf"\text{{{OVERFLOW}}}"
    mantissa, exponent = _parts(value, sig)
    return mantissa if exponent is None else rf"{mantissa} \times 10^{{{exponent}}}"


def tex_operand(value: float, sig: int = SIG) -> str:
    """tex(value), in parentheses when negative or a power of ten, so it can follow an operator."""
    text = tex(value, sig)
    return f"({text})" if text.startswith("-") or r"\times" in text else text


def shown(n: int, width: Callable[[int], int], limit: int, budget: int) -> list[int | None]:
    """Which of n items in a row to write out, None marking '…'. All of them when n <= limit and
    their widths (width(k) characters, plus 2 per separator) fit in `budget`; else up to three
    from the start, as the budget allows, then '…' and the last. Asks for at most `limit` widths,
    so a million points cost no more than five."""
    if n <= limit and sum(width(k) for k in range(n)) + 2 * (n - 1) <= budget:
        return list(range(n))
    used = width(n - 1) + 5
    head: list[int | None] = []
    for k in range(min(3, n - 1)):
        if head and used + width(k) + 2 > budget:
            break
        head.append(k)
        used += width(k) + 2
    return [*head, None, n - 1] if len(head) + 1 < n else [*head, n - 1]


LIST_BUDGET = 46
"""Characters a list of values may take: it shares its line with a formula, in half a page."""


def tex_list(values: Sequence[float], limit: int = 5, sig: int = SIG) -> str:
    r"""'(a,\ b,\ c)'; when too many or too wide: '(a,\ b,\ \ldots,\ z)', see shown()."""
    keep = shown(len(values), lambda k: len(fmt(values[k], sig)), limit, LIST_BUDGET)
    parts = [r"\ldots" if k is None else tex(values[k], sig) for k in keep]
    return r"\left(" + r",\ ".join(parts) + r"\right)"
