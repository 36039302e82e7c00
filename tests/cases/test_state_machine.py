"""Random sequences of actions by random staff never reach an invalid state or lose an event."""

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests import factories
from tests.cases.conftest import applicant, full_materials
from tongban.cases import services
from tongban.cases.models import Case, CaseEvent, CaseState
from tongban.core.errors import DomainError

# The legal edges, written from the lifecycle in the issue (not read from the code).
LEGAL = {
    "submitted": {"accepted", "refused", "correction_requested", "withdrawn"},
    "correction_requested": {"accepted", "withdrawn"},
    "accepted": {"under_review", "withdrawn"},
    "under_review": {"special_procedure", "approved", "denied", "withdrawn"},
    "special_procedure": {"under_review", "withdrawn"},
    "approved": {"concluded"},
    "denied": {"concluded"},
    "concluded": {"delivered"},
    "refused": set(),
    "delivered": set(),
    "withdrawn": set(),
}
ACTIONS = ["accept", "refuse", "request_correction", "start_review", "start_special_procedure",
           "end_special_procedure", "approve", "deny", "conclude", "deliver", "withdraw"]


def fire(action, actor, number):
    if action in ("refuse", "deny"):
        return getattr(services, f"case_{action}")(actor=actor, number=number, reason="理由")
    if action == "request_correction":
        return services.case_request_correction(actor=actor, number=number, missing=["购房合同"])
    if action == "start_special_procedure":
        return services.case_start_special_procedure(actor=actor, number=number, reason="现场勘验")
    return getattr(services, f"case_{action}")(actor=actor, number=number)


class CaseLifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.successes = 0

    @initialize()
    def setup(self):
        from django.contrib.auth import get_user_model

        if not get_user_model().objects.filter(username="sm_clerk").exists():
            factories.staff("sm_clerk", center_code="fengdong", role="clerk")
            factories.staff("sm_approver", center_code="fengdong", role="approver")
            factories.staff("sm_other", center_code="jinghe", role="approver")
        users = get_user_model().objects
        self.people = [users.get(username=n) for n in ("sm_clerk", "sm_approver", "sm_other")]
        self.case = services.case_submit(actor=self.people[0], item_code="GJJ-7001", applicant=applicant(),
                                         materials=full_materials())
        self.state = self.case.state
        self.successes = 1

    @rule(action=st.sampled_from(ACTIONS), who=st.integers(0, 2))
    def act(self, action, who):
        before = self.state
        try:
            case = fire(action, self.people[who], self.case.number)
        except DomainError:
            assert Case.objects.get(pk=self.case.pk).state == before  # nothing half-written
            return
        assert case.state in LEGAL[before] or action in ("add_material",), (before, action, case.state)
        self.state = case.state
        self.successes += 1

    @invariant()
    def state_valid_and_no_event_lost(self):
        if not hasattr(self, "case"):
            return
        case = Case.objects.get(pk=self.case.pk)
        assert case.state in CaseState.values
        events = CaseEvent.objects.filter(case=case).count()
        assert events == self.successes == case.version


def test_random_action_sequences(permit_item):
    CaseLifecycle.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
    CaseLifecycle.TestCase().runTest()
