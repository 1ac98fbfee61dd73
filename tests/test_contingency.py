"""The comparison page's statistics without scipy, against the values scipy 1.17.1 gave for the same
calls (``stats.chi2.sf``, ``stats.chi2_contingency``, ``stats.fisher_exact``, and ``chi2_contingency``
with ``PermutationMethod(n_resamples=9999, rng=np.random.default_rng(0))``), written in as literals."""

from __future__ import annotations

import math

import pytest

from commentscope.analysis.views.contingency import (chi2_sf, chi_square, expected_counts, fisher_exact,
                                                     permutation_chi_square, upper_gamma_q)

# (statistic, df, scipy.stats.chi2.sf(statistic, df))
CHI2_SF = [
    (0.5, 1, 0.47950012218695337),
    (3.841458820694124, 1, 0.04999999999999989),
    (10.0, 3, 0.01856613546304325),
    (50.0, 4, 3.610865404890647e-10),
    (200.0, 10, 1.6139305336977317e-37),
    (0.001, 5, 0.9999999983185123),
    (1000.0, 2, 7.124576406741474e-218),
    (7.5, 7, 0.37873690604821353),
    (30.0, 40, 0.8752187849674751),
    (0.0, 3, 1.0),
]

# (table, statistic, df, p) from scipy.stats.chi2_contingency(table) (Yates-corrected when df is 1)
CHI_SQUARE = [
    ([[30, 10, 10], [10, 30, 10]], 20.0, 2, 4.539992976248486e-05),
    ([[12, 5], [7, 9]], 1.455996378814684, 1, 0.22756821457580642),
    ([[25, 5], [5, 25]], 24.066666666666666, 1, 9.305730297692085e-07),
    ([[1200, 340, 560], [980, 410, 700], [1500, 300, 520]], 141.95169277775378, 4, 1.0783713609748679e-29),
    ([[0, 15, 20], [10, 12, 8]], 15.181405895691611, 2, 0.0005051258520050727),
    ([[20, 20, 10], [20, 20, 10]], 0.0, 2, 1.0),
]

# (table, odds ratio, two-sided p) from scipy.stats.fisher_exact(table)
FISHER = [
    ([[3, 1], [0, 4]], math.inf, 0.14285714285714288),
    ([[8, 2], [1, 5]], 20.0, 0.034965034965034975),
    ([[0, 5], [5, 0]], 0.0, 0.007936507936507938),
    ([[1, 9], [11, 3]], 0.030303030303030304, 0.0027594561852200836),
    ([[100, 2], [80, 10]], 6.25, 0.013924770298651003),
    ([[2, 2], [2, 2]], 1.0, 1.0),
    ([[7, 0], [0, 1]], math.inf, 0.125),
]

# (table, statistic, p) from the seeded scipy permutation test; 7 observations: all 5,040 orderings
PERMUTATION = [
    ([[3, 1, 2], [1, 4, 0]], 4.748333333333333, 0.1162),
    ([[2, 1, 1], [0, 1, 2]], 2.2361111111111107, 0.6571428571428571),
    ([[5, 0, 2], [1, 6, 3], [2, 2, 0]], 9.5175, 0.0444),
    ([[1, 0, 6], [2, 4, 1]], 7.904761904761905, 0.0135),
]


@pytest.mark.parametrize(("statistic", "df", "expected"), CHI2_SF)
def test_chi2_survival_function_matches_scipy(statistic, df, expected):
    assert chi2_sf(statistic, df) == pytest.approx(expected, rel=1e-12)


def test_upper_gamma_q_of_one_is_the_exponential_tail():
    assert upper_gamma_q(1.0, 0.7) == pytest.approx(math.exp(-0.7), rel=1e-14)
    assert upper_gamma_q(1.0, 40.0) == pytest.approx(math.exp(-40.0), rel=1e-14)


def test_expected_counts_are_row_total_times_column_total_over_total():
    assert expected_counts([[0, 15, 20], [10, 12, 8]]) == [
        [5.384615384615385, 14.538461538461538, 15.076923076923077],
        [4.615384615384615, 12.461538461538462, 12.923076923076923]]


@pytest.mark.parametrize(("table", "statistic", "df", "p_value"), CHI_SQUARE)
def test_chi_square_matches_scipy(table, statistic, df, p_value):
    got = chi_square(table)
    assert got[0] == pytest.approx(statistic, rel=1e-12, abs=1e-12) and got[1] == df
    assert got[2] == pytest.approx(p_value, rel=1e-12)


def test_chi_square_without_correction_is_plain_pearson():
    statistic, df, p_value = chi_square([[12, 5], [7, 9]], correction=False)
    assert (statistic, df) == (pytest.approx(2.4305755196815575, rel=1e-12), 1)
    assert p_value == pytest.approx(0.118989205532145, rel=1e-12)


@pytest.mark.parametrize(("table", "odds", "p_value"), FISHER)
def test_fisher_exact_matches_scipy(table, odds, p_value):
    got = fisher_exact(table)
    assert got[0] == pytest.approx(odds) and got[1] == pytest.approx(p_value, rel=1e-12)


def test_fisher_exact_with_an_empty_column_is_untestable():
    odds, p_value = fisher_exact([[0, 3], [0, 4]])
    assert math.isnan(odds) and p_value == 1.0


@pytest.mark.parametrize(("table", "statistic", "p_value"), PERMUTATION)
def test_permutation_test_matches_scipy_shuffle_for_shuffle(table, statistic, p_value):
    got = permutation_chi_square(table, 9999, seed=0)
    assert got[0] == pytest.approx(statistic, rel=1e-12) and got[1] == p_value
