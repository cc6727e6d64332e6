"""Substituted numbers that re-compute: operands get the digits their printed result needs.

The rule, stated once and checked by the tests. An equation "expression = r" prints r to
``numbers.SIG`` significant figures. Re-evaluate the expression exactly from its numbers as
printed, giving v. The equation re-computes when

    |v - r| <= one unit in the SIG-th significant figure of r  +  TOLERANCE * M,

where M is the largest magnitude among the numbers written in the equation. The first term is
the printed precision (rounding the result and its operands costs at most one unit there, a tie
included); the second is float64 rounding at the size of the numbers, which no printed digit can
remove.

Operands start at SIG figures and gain digits until the rule holds, up to 17 (every float64 then
prints exactly). If even exact operands do not give the record's result, which happens only when
the terms cancel down to rounding noise, the equation shows the value of its printed operands, so
what is written stays true.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext

from lrviz.notation.numbers import SIG, _parts, tex, tex_operand

MAX_DIGITS = 17
"""Significant figures at which every float64 prints exactly."""

TOLERANCE = Decimal("1e-12")
"""Float rounding allowed, relative to the largest number in the equation (see gradcheck)."""

CONTEXT = Context(prec=80)
"""Exact enough: 17-digit operands, a few products and one square root."""

Evaluate = Callable[..., Decimal]
"""The expression over Decimal operands, in the order they are given."""


def printed(value: float, sig: int = SIG) -> Decimal:
    """The value exactly as tex(value, sig) writes it, as a Decimal. Finite values only."""
    mantissa, exponent = _parts(value, sig)
    return Decimal(mantissa if exponent is None else f"{mantissa}e{exponent}")


def unit(r: Decimal, sig: int = SIG) -> Decimal:
    """One unit in the sig-th significant figure of r (0 for r = 0)."""
    return Decimal(0) if r == 0 else Decimal(1).scaleb(r.adjusted() - sig + 1)


def agrees(v: Decimal, r: Decimal, numbers: Sequence[Decimal], sig: int = SIG) -> bool:
    """The module's rule: v re-computes r printed to sig figures; `numbers` are those written."""
    with localcontext(CONTEXT):
        largest = max((abs(x) for x in numbers), default=Decimal(0))
        return abs(v - r) <= unit(r, sig) + TOLERANCE * largest


@dataclass(frozen=True)
class Shown:
    """How one equation prints: its operands to `digits` figures and `result` to SIG figures."""

    digits: int
    result: float

    def value(self, v: float) -> str:
        """An operand as LaTeX, to this equation's digits."""
        return tex(v, self.digits)

    def operand(self, v: float) -> str:
        """An operand after an operator (parenthesised when negative or a power of ten)."""
        return tex_operand(v, self.digits)

    @property
    def answer(self) -> str:
        """The result as LaTeX."""
        return tex(self.result)


def fit(evaluate: Evaluate, operands: Sequence[float], result: float) -> Shown:
    """The fewest digits (>= SIG) that make the equation re-compute; see the module docstring.

    Non-finite numbers print as words and cannot be re-computed: SIG digits, result unchanged.
    """
    if not all(math.isfinite(v) for v in (*operands, result)):
        return Shown(SIG, result)
    with localcontext(CONTEXT):
        r = printed(result)
        exact: Decimal | None = None
        for digits in range(SIG, MAX_DIGITS + 1):
            ops = [printed(v, digits) for v in operands]
            try:
                v = evaluate(*ops)
            except (ArithmeticError, ValueError):
                return Shown(SIG, result)
            if agrees(v, r, [*ops, r]):
                return Shown(digits, result)
            exact = v
        assert exact is not None
        return Shown(MAX_DIGITS, float(exact))


def mean(*terms: Decimal) -> Decimal:
    """(1/n)(t_1 + … + t_n), exactly."""
    return sum(terms, Decimal(0)) / len(terms)
