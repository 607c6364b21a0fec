"""The "not covered" threshold of benchmarks/calibrate.py on made-up scores."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from conftest import load_benchmark


@pytest.fixture(scope="module")
def calibrate() -> ModuleType:
    return load_benchmark("calibrate.py")


IN_SCOPE = np.array([True] * 10 + [False] * 3)


def test_the_threshold_sits_halfway_across_a_wide_gap(calibrate: ModuleType) -> None:
    top = np.array([0.2, *[0.9] * 8, 0.6, 0.3, 0.1, 0.05])
    # One in-scope question of ten may be refused (10%): the bar goes halfway from the lowest
    # one answered (0.6) to the next lower score (0.3).
    assert calibrate.choose_threshold(top, IN_SCOPE, 0.1) == pytest.approx(0.45)


def test_the_threshold_keeps_its_margin_below_the_lowest_answered(calibrate: ModuleType) -> None:
    # An out-of-scope question just under the lowest in-scope one answered would put the bar
    # 0.005 below it: any small change of scores would move that question across.
    top = np.array([0.2, *[0.9] * 8, 0.6, 0.59, 0.1, 0.05])
    threshold = calibrate.choose_threshold(top, IN_SCOPE, 0.1)
    assert threshold == pytest.approx(0.6 - calibrate.MARGIN)
    answered = top >= threshold
    assert answered[9] and not answered[0]
