from datetime import date

import pytest
import time_machine

from tests import factories
from tongban.org.models import Role, Window

SPRING_FESTIVAL = (date(2023, 1, 21), date(2023, 1, 27))  # State Council notice: 21-27 Jan, 调休 28-29 Jan


@pytest.fixture(autouse=True)
def _before_the_spring_festival():
    """Service tests start on Monday 16 January 2023; tests that need another day travel there."""
    with time_machine.travel("2023-01-16 09:30 +0800", tick=True):
        yield


@pytest.fixture
def holiday_item(org):
    return factories.item("GJJ-8001", name="住房公积金提取（退休）", legal=3, promised=1, holiday_open=True)


@pytest.fixture
def fd_window(org):
    return Window.objects.get(hall__center__code="fengdong", number="A01")


@pytest.fixture
def fd_duty(org, fd_clerk, fd_admin):
    """Front-desk staff of 沣东: the personas plus two more clerks."""
    factories.staff("fd_clerk3", center_code="fengdong", role=Role.CLERK, name="周敏")
    factories.staff("fd_clerk4", center_code="fengdong", role=Role.CLERK, name="吴强")
    from tongban.org.models import StaffProfile

    return list(StaffProfile.objects.filter(center__code="fengdong", role__in=["clerk", "center_admin"]).order_by("id"))
