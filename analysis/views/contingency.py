"""Tests of independence on a contingency table (threads x stances), without scipy.

Pearson's chi-square with its p-value from the regularized upper incomplete gamma function (Numerical
Recipes' ``gammq``: a series below ``a + 1``, a continued fraction above), Fisher's exact test of a 2 x 2
table from the hypergeometric distribution in exact integers, and a permutation test of the chi-square
statistic. Each gives the numbers ``scipy.stats`` gave for the same call (``chi2_contingency``,
``fisher_exact``, ``chi2_contingency(..., method=PermutationMethod(...))``), so pages stay the same.
Tables are lists of rows of counts; every row and column must have a nonzero total.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Sequence

Table = Sequence[Sequence[int]]

_EPS = 1e-16  # relative precision the gamma series and continued fraction run to
_TINY = 1e-300  # keeps the continued fraction's denominators away from zero (modified Lentz)
_MAX_TERMS = 10_000
#: Observations shuffled per numpy batch in the permutation test (bounds memory, not the result).
_BATCH_CELLS = 2_000_000


def expected_counts(table: Table) -> list[list[float]]:
    """The counts independence predicts: row total x column total / grand total, per cell."""
    rows = [sum(row) for row in table]
    columns = [sum(column) for column in zip(*table)]
    total = sum(rows)
    return [[row * column / total for column in columns] for row in rows]


def degrees_of_freedom(table: Table) -> int:
    """(rows - 1) x (columns - 1)."""
    return (len(table) - 1) * (len(table[0]) - 1)


def _log_prefactor(a: float, x: float) -> float:
    return -x + a * math.log(x) - math.lgamma(a)


def _lower_gamma_series(a: float, x: float) -> float:
    """P(a, x) by its power series; converges fast for ``x < a + 1``."""
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_TERMS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(_log_prefactor(a, x))


def _upper_gamma_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (modified Lentz); converges fast for ``x >= a + 1``."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_TERMS):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = d if abs(d) >= _TINY else _TINY
        c = b + an / c
        c = c if abs(c) >= _TINY else _TINY
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < _EPS:
            break
    return math.exp(_log_prefactor(a, x)) * h


def upper_gamma_q(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for ``a > 0``."""
    if a <= 0:
        raise ValueError(f"upper_gamma_q needs a > 0, got {a}")
    if x <= 0:
        return 1.0
    if x < a + 1.0:
        return 1.0 - _lower_gamma_series(a, x)
    return _upper_gamma_fraction(a, x)


def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square distributed with ``df`` degrees of freedom."""
    return upper_gamma_q(df / 2.0, statistic / 2.0)


def chi_square(table: Table, correction: bool = True) -> tuple[float, int, float]:
    """Pearson's chi-square test of independence: ``(statistic, df, p_value)``. With ``correction``
    and one degree of freedom (a 2 x 2 table), Yates' continuity correction moves each count up to
    0.5 towards its expected count, as ``scipy.stats.chi2_contingency`` does by default."""
    expected = expected_counts(table)
    df = degrees_of_freedom(table)
    if df == 0:
        return 0.0, 0, 1.0
    statistic = 0.0
    for row, row_expected in zip(table, expected):
        for count, want in zip(row, row_expected):
            if correction and df == 1:
                count = count + math.copysign(min(0.5, abs(want - count)), want - count)
            statistic += (count - want) ** 2 / want
    return statistic, df, chi2_sf(statistic, df)


def fisher_exact(table: Table) -> tuple[float, float]:
    """Fisher's exact test of a 2 x 2 table, two-sided: ``(odds_ratio, p_value)``. The p-value sums
    the hypergeometric probabilities of every table with the same margins that is no more likely than
    the observed one; the weights are exact integers (``math.comb``), so ties are exact."""
    (a, b), (c, d) = table
    if 0 in (a + b, c + d, a + c, b + d):
        return math.nan, 1.0
    odds = a * d / (b * c) if b and c else math.inf
    first_row, second_row, first_column = a + b, c + d, a + c
    weights = [math.comb(first_row, k) * math.comb(second_row, first_column - k)
               for k in range(max(0, first_column - second_row), min(first_column, first_row) + 1)]
    observed = math.comb(first_row, a) * math.comb(second_row, c)
    p_value = Fraction(sum(w for w in weights if w <= observed), math.comb(first_row + second_row, first_column))
    return odds, min(1.0, float(p_value))


def permutation_chi_square(table: Table, resamples: int, seed: int) -> tuple[float, float]:
    """A permutation test of the chi-square statistic: ``(statistic, p_value)``, for tables too
    sparse for the chi-square distribution.

    Each observation is a (row, column) pair; shuffling the row labels against the column labels
    keeps both margins. With at most ``resamples`` orderings (n! of n observations) every one is
    tried and p is exact; otherwise ``resamples`` shuffles from ``numpy.random.default_rng(seed)``
    and p = (hits + 1) / (resamples + 1). Statistics within 100 machine epsilons of the observed
    count as hits. The shuffles are the ones ``scipy.stats.permutation_test`` draws for
    ``chi2_contingency(table, correction=False, method=PermutationMethod(resamples, rng=seed))``,
    so the p-value is the one scipy gave."""
    import numpy as np

    cells = [(i, j) for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]
    labels = np.array([i for i, _ in cells])
    columns = np.array([j for _, j in cells])
    expected = np.array(expected_counts(table))
    size = expected.size
    n = len(cells)

    def statistics(orders: np.ndarray) -> np.ndarray:
        codes = labels[orders] * expected.shape[1] + columns + np.arange(len(orders))[:, None] * size
        tables = np.bincount(codes.ravel(), minlength=len(orders) * size).reshape((len(orders), *expected.shape))
        return ((tables - expected) ** 2 / expected).sum(axis=(1, 2))

    observed = float(statistics(np.arange(n)[None, :])[0])
    tolerance = abs(observed) * np.finfo(float).eps * 100
    if math.factorial(n) <= resamples:
        null = statistics(np.array(list(itertools.permutations(range(n)))))
        return observed, min(1.0, int(np.count_nonzero(null >= observed - tolerance)) / len(null))
    rng = np.random.default_rng(seed)
    batch = max(1, _BATCH_CELLS // n)
    hits = 0
    for start in range(0, resamples, batch):
        rows = min(batch, resamples - start)
        orders = rng.permuted(np.tile(np.arange(n), (rows, 1)), axis=-1)
        hits += int(np.count_nonzero(statistics(orders) >= observed - tolerance))
    return observed, min(1.0, (hits + 1) / (resamples + 1))
