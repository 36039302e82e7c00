from tests import factories
from tongban.org.models import Center, Role, StaffProfile
from tongban.org.scoping import has_role, may_see_center, scope_by_center, visible_center_ids
from tongban.org.selectors import staff_list_for


def test_a_clerk_of_fengdong_sees_only_fengdong(fd_clerk, org):
    assert visible_center_ids(fd_clerk) == {org["fengdong"].id}
    assert not may_see_center(fd_clerk, org["jinghe"].id)
    assert not may_see_center(fd_clerk, org["wangsi"].id)


def test_a_center_admin_sees_their_center_and_its_stations(fd_admin, org):
    assert visible_center_ids(fd_admin) == {org["fengdong"].id, org["wangsi"].id}


def test_the_leader_sees_every_center_of_the_region_but_not_the_partner_region(leader, org):
    factories.center("xianyang", "咸阳市政务服务中心", region_code="610400")
    ids = visible_center_ids(leader)
    assert ids == set(Center.objects.filter(region__code="611100").values_list("id", flat=True))
    assert Center.objects.get(code="xianyang").id not in ids


def test_anonymous_and_non_staff_see_nothing(db, org, django_user_model):
    citizen = django_user_model.objects.create_user("citizen", password=factories.PASSWORD)
    assert scope_by_center(Center.objects.all(), citizen, field="id").count() == 0
    assert not has_role(citizen, Role.CLERK)


def test_staff_lists_are_scoped(fd_clerk, jh_clerk, fd_approver):
    names = {p.user.username for p in staff_list_for(user=fd_clerk)}
    assert names == {"fd_clerk", "fd_approver"}
    assert StaffProfile.objects.count() == 3
