"""The demo: seeded staff and a dozen cases in various states, loaded idempotently."""

import pytest

from tongban.cases import demo as cases_demo
from tongban.cases.models import Case
from tongban.catalog import demo as catalog_demo
from tongban.core import demo as core_demo
from tongban.org import demo as org_demo


@pytest.mark.slow
def test_demo_cases_cover_the_lifecycle_and_load_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    core_demo.load()
    org_demo.load()
    catalog_demo.load()
    assert cases_demo.load() == "12 demo cases filed"
    states = set(Case.objects.values_list("state", flat=True))
    assert {"submitted", "correction_requested", "accepted", "under_review", "special_procedure", "refused",
            "delivered", "concluded"} <= states
    assert set(Case.objects.values_list("center__code", flat=True)) == {"fengdong", "jinghe"}
    assert Case.objects.filter(channel="online").count() == 1
    assert cases_demo.load() == "demo cases already present"
    assert Case.objects.count() == 12
