"""Every transition x role x center: who may act is written out here by hand, independently
of the policy table, from the bureau's rules:

- the front desk (window clerk, center admin) receives: accept, refuse, correction, deliver, withdraw
- approvers review and decide; conclusion by approver or clerk
- only the bureau leader grants an extension
- everyone acts only on cases of a center they may see (a center admin also sees its stations)
"""

import pytest

from tests import factories
from tests.cases.conftest import applicant, full_materials
from tongban.cases import services
from tongban.cases.extensions import extension_decide, extension_request
from tongban.cases.services import case_submit
from tongban.core.errors import Forbidden, NotFound
from tongban.org.models import Role

# transition -> (roles allowed, the state sequence leading to its source state)
EXPECTED = {
    "accept": ({"clerk", "center_admin"}, []),
    "refuse": ({"clerk", "center_admin"}, []),
    "request_correction": ({"clerk", "center_admin"}, []),
    "withdraw": ({"clerk", "center_admin"}, []),
    "start_review": ({"approver"}, ["accept"]),
    "start_special_procedure": ({"approver"}, ["accept", "start_review"]),
    "end_special_procedure": ({"approver"}, ["accept", "start_review", "start_special_procedure"]),
    "approve": ({"approver"}, ["accept", "start_review"]),
    "deny": ({"approver"}, ["accept", "start_review"]),
    "conclude": ({"approver", "clerk"}, ["accept", "start_review", "approve"]),
    "deliver": ({"clerk", "center_admin"}, ["accept", "start_review", "approve", "conclude"]),
    "request_extension": ({"approver"}, ["accept", "start_review"]),
    "decide_extension": ({"leader"}, ["accept", "start_review", "request_extension"]),
}

# persona -> (role, center); the case is always filed at 沣东 (fengdong)
PERSONAS = {
    "fd_clerk": (Role.CLERK, "fengdong"),
    "fd_approver": (Role.APPROVER, "fengdong"),
    "fd_agent": (Role.AGENT, "fengdong"),
    "fd_admin": (Role.CENTER_ADMIN, "fengdong"),
    "jh_clerk": (Role.CLERK, "jinghe"),
    "jh_approver": (Role.APPROVER, "jinghe"),
    "jh_admin": (Role.CENTER_ADMIN, "jinghe"),
    "xx_admin": (Role.CENTER_ADMIN, "xixian"),  # the New Area center's admin: 沣东 is below it
    "leader": (Role.LEADER, "xixian"),
}
VISIBLE_FENGDONG = {"fd_clerk", "fd_approver", "fd_agent", "fd_admin", "xx_admin", "leader"}


def run(action, actor, number):
    kwargs = {"actor": actor, "number": number}
    if action in ("refuse", "deny"):
        return getattr(services, f"case_{action}")(reason="理由", **kwargs)
    if action == "request_correction":
        return services.case_request_correction(missing=["购房合同"], **kwargs)
    if action == "start_special_procedure":
        return services.case_start_special_procedure(reason="现场勘验", **kwargs)
    if action == "request_extension":
        return extension_request(days=5, reason="专家评审", **kwargs)
    if action == "decide_extension":
        return extension_decide(grant=True, **kwargs)
    return getattr(services, f"case_{action}")(**kwargs)


@pytest.fixture
def people(org, permit_item):
    users = {name: factories.staff(name, center_code=center, role=role) for name, (role, center) in PERSONAS.items()}
    return users


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_matrix(people, action, persona):
    roles, path = EXPECTED[action]
    clerk, approver = people["fd_clerk"], people["fd_approver"]
    case = case_submit(actor=clerk, item_code="GJJ-7001", applicant=applicant(), materials=full_materials())
    for step in path:
        run(step, clerk if step in ("accept",) else approver, case.number)
    role, _center = PERSONAS[persona]
    may = role in roles and persona in VISIBLE_FENGDONG
    if may:
        run(action, people[persona], case.number)
        assert case.events.filter(action=action).exists()
    else:
        before = case.events.count()
        expected_error = Forbidden if persona in VISIBLE_FENGDONG else NotFound
        with pytest.raises(expected_error):
            run(action, people[persona], case.number)
        assert case.events.count() == before
