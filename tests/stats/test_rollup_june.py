"""The roll-up on the hand-counted June 2023 of test_metrics: the same figures, whether June is
fully rolled up or only its first days are (the rest read from the cases)."""

from datetime import date

import pytest

from tests.stats.test_metrics import EXPECTED_JUNE, june  # noqa: F401 - the June 2023 fixture
from tongban.stats import registry
from tongban.stats.filters import StatsFilter
from tongban.stats.models import RollupState
from tongban.stats.rollup import rollup_rebuild


def test_june_by_hand_from_the_rollup(june):  # noqa: F811
    assert not RollupState.objects.exists()
    rollup_rebuild()
    f = StatsFilter.month(2023, 6)
    for name, expected in EXPECTED_JUNE.items():
        assert registry.get(name).compute(f) == pytest.approx(expected), name
    rollup_rebuild(through=date(2023, 6, 6))  # A and B conclude later: read from the cases
    for name, expected in EXPECTED_JUNE.items():
        assert registry.get(name).compute(f) == pytest.approx(expected), name
