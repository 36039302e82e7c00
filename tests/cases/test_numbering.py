"""Case numbers: region + local date + a daily sequence that starts at 1, never repeats within a
day and region, and is taken inside the submission's transaction (also pipelined on PostgreSQL)."""

from datetime import date

import pytest
from django.db import transaction

from tongban.cases.models import Case, CaseSequence
from tongban.cases.numbering import case_number_next
from tongban.core.pipeline import pipelined

pytestmark = pytest.mark.django_db


def test_the_days_numbers_start_at_one_and_count_up():
    day = date(2024, 2, 29)
    numbers = [case_number_next(region_code="611100", day=day) for _ in range(3)]
    assert numbers == ["611100-20240229-000001", "611100-20240229-000002", "611100-20240229-000003"]


def test_each_day_and_region_has_its_own_sequence():
    assert case_number_next(region_code="611100", day=date(2024, 3, 1)) == "611100-20240301-000001"
    assert case_number_next(region_code="611100", day=date(2024, 3, 2)) == "611100-20240302-000001"
    assert case_number_next(region_code="610100", day=date(2024, 3, 1)) == "610100-20240301-000001"
    assert case_number_next(region_code="611100", day=date(2024, 3, 1)) == "611100-20240301-000002"


def test_a_row_another_submission_created_is_counted_on():
    # The day's row exists already (created by another submission, or left at 0): ours counts on.
    CaseSequence.objects.create(region_code="611100", day=date(2024, 4, 1), last=0)
    assert case_number_next(region_code="611100", day=date(2024, 4, 1)) == "611100-20240401-000001"
    CaseSequence.objects.filter(day=date(2024, 4, 1)).update(last=41)
    assert case_number_next(region_code="611100", day=date(2024, 4, 1)) == "611100-20240401-000042"


def test_the_days_first_number_inside_a_pipelined_transaction():
    with transaction.atomic(), pipelined():
        first = case_number_next(region_code="611100", day=date(2024, 5, 6))
        second = case_number_next(region_code="611100", day=date(2024, 5, 6))
    assert (first, second) == ("611100-20240506-000001", "611100-20240506-000002")
    assert CaseSequence.objects.get(region_code="611100", day=date(2024, 5, 6)).last == 2


def test_submissions_are_numbered_in_order_on_the_local_day(submit):
    # conftest: 2023-06-05 09:30 in Beijing, the day's sequence not started yet.
    numbers = [submit().number for _ in range(3)]
    assert numbers == ["611100-20230605-000001", "611100-20230605-000002", "611100-20230605-000003"]
    assert Case.objects.get(number=numbers[1]).state == "submitted"


def test_the_millionth_case_of_a_day_gets_a_seventh_digit(submit):
    CaseSequence.objects.create(region_code="611100", day=date(2023, 6, 5), last=999_998)
    assert submit().number == "611100-20230605-999999"
    assert submit().number == "611100-20230605-1000000"
