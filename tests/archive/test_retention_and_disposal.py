"""Retention classes per item; when a period ends, an archivist approves the disposal list,
the package is destroyed and the disposal record stays in the register."""

import pytest
import time_machine
from django.contrib.auth.models import Permission

from tests import factories
from tongban.archive import services
from tongban.archive.models import ArchivePackage, DisposalState, RegisterBatch
from tongban.archive.storage import get_storage
from tongban.archive.verify import verify
from tongban.core.errors import Conflict, Forbidden
from tongban.org.models import Role


@pytest.fixture
def archivist(org):
    user = factories.staff("archivist", center_code="xixian", role=Role.CENTER_ADMIN, name="档案员")
    user.user_permissions.add(Permission.objects.get(codename="approve_disposal"))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_retention_and_the_disposal_workflow(delivered_case, fd_admin, archivist, fd_clerk,
                                            django_capture_on_commit_callbacks):
    services.retention_rule_set(actor=fd_admin, item_code="GJJ-7101", retention="10y")
    short = services.case_archive(number=delivered_case())
    assert short.retention == "10y" and short.retain_until.isoformat() == "2033-12-31"
    services.retention_rule_set(actor=fd_admin, item_code="GJJ-7101", retention="permanent")
    kept = services.case_archive(number=delivered_case())
    assert kept.retain_until is None
    services.register_close()

    with pytest.raises(Conflict):  # nothing is due in 2030
        services.disposal_list_create(actor=fd_admin, as_of=__import__("datetime").date(2030, 1, 1))

    with time_machine.travel("2034-01-05 10:00 +0800", tick=True):
        own = services.disposal_list_create(actor=archivist)
        assert [p.case_number for p in own.packages.all()] == [short.case_number]
        with pytest.raises(Forbidden) as exc:  # she drew it up herself
            services.disposal_list_approve(actor=archivist, disposal_id=own.pk)
        assert exc.value.code == "four_eyes"
        services.disposal_list_reject(actor=archivist, disposal_id=own.pk, note="由他人编制")
        dl = services.disposal_list_create(actor=fd_admin)
        with pytest.raises(Forbidden):  # not an archivist
            services.disposal_list_approve(actor=fd_clerk, disposal_id=dl.pk)
        with django_capture_on_commit_callbacks(execute=True):
            dl = services.disposal_list_approve(actor=archivist, disposal_id=dl.pk, note="保管期满，经鉴定销毁")
        assert dl.state == DisposalState.EXECUTED

    short.refresh_from_db()
    assert short.disposed_at is not None and short.disposal_id == dl.pk
    assert not get_storage().exists(short.storage_key)
    assert get_storage().exists(kept.storage_key)
    batch = services.register_close()
    assert batch.members == [["disposal", f"D{dl.pk}", dl.leaf_hash]]
    assert short.case_number in RegisterBatch.objects.get(seq=1).members[0]
    report = verify()
    assert report.ok, report.summary()
    assert report.packages_checked == 1

    # the disposal record cannot be quietly rewritten
    type(dl).objects.filter(pk=dl.pk).update(record=dl.record.replace("保管期满", "随意"))
    assert f"disposal list D{dl.pk}: record altered" in verify().problems


def test_a_package_marked_disposed_without_approval_is_caught(delivered_case):
    package = services.case_archive(number=delivered_case())
    services.register_close()
    ArchivePackage.objects.filter(pk=package.pk).update(disposed_at="2030-01-01T00:00Z")
    problems = verify().problems
    assert f"package {package.case_number}: marked disposed without an approved disposal record" in problems
