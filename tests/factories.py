"""Small factories for test data. Each makes the least a test needs, with realistic values."""

from __future__ import annotations

import itertools
import random

from stdnum.cn import ric, uscc

from tongban.catalog.services import ItemSpec, MaterialSpec, department_ensure, item_create
from tongban.org.models import Center, CenterLevel, Hall, Region, Window
from tongban.org.services import staff_create

PASSWORD = "test-password-2023"
_seq = itertools.count(1)


def id_number(*, region: str = "610402", birth: str = "19850612", seq: str | None = None) -> str:
    """A valid 18-character ID number (check digit computed the standard way)."""
    body = f"{region}{birth}{seq or f'{next(_seq) % 1000:03d}'}"
    return body + ric.calc_check_digit(body + "0")


def credit_code(seed: int | None = None) -> str:
    rng = random.Random(seed)  # noqa: S311
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + "611100" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def region(code: str = "611100", name: str = "西咸新区") -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name": name, "bureau": name + "行政审批服务局"})[0]


def center(code: str, name: str, *, level: str = CenterLevel.CITY, parent: Center | None = None,
           region_code: str = "611100") -> Center:
    c = Center.objects.create(region=region(region_code), code=code, name=name, level=level, parent=parent,
                              address=name + "地址", opening_hours="9:00-17:00")
    hall = Hall.objects.create(center=c, name="综合服务大厅")
    Window.objects.create(hall=hall, number="A01", name="综合受理窗口",
                          categories=["housing_fund", "business_registration", "vehicle_driver"])
    Window.objects.create(hall=hall, number="F01", name="跨区通办窗口", categories=["cross_region"])
    return c


def staff(username: str, *, center_code: str, role: str, name: str | None = None):
    return staff_create(username=username, password=PASSWORD, display_name=name or username,
                        center_code=center_code, role=role).user


def item(code: str = "GJJ-9001", *, name: str = "住房公积金提取（退休）", category: str = "housing_fund",
         legal: int = 20, promised: int = 5, id_only: bool = False, cross_region: bool = True,
         holiday_open: bool = False, channels=("window", "online"), materials=None, special_steps=()):
    department_ensure(code="housing_fund", name="西安住房公积金管理中心西咸分中心")
    spec = ItemSpec(
        name=name, category=category, department="housing_fund", legal_limit_days=legal,
        promised_limit_days=promised, channels=tuple(channels), id_only=id_only,
        cross_region=cross_region, holiday_open=holiday_open, special_steps=list(special_steps),
        materials=materials or [
            MaterialSpec(name="居民身份证", shared_source="population", data_item="identity"),
            MaterialSpec(name="住房公积金提取申请表"),
        ],
    )
    return item_create(code=code, spec=spec)
