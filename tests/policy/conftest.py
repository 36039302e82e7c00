from datetime import date
from decimal import Decimal

import pytest
import time_machine

from tests import factories
from tongban.catalog.services import department_ensure
from tongban.policy import payouts, services
from tongban.policy.services import EnterpriseInput, MeasureInput


@pytest.fixture(autouse=True)
def _in_the_mission_year():
    """Policy tests run on Monday 5 June 2023 (inside the holiday calendar's data)."""
    with time_machine.travel("2023-06-05 09:30 +0800", tick=True):
        yield


@pytest.fixture
def departments(db):
    department_ensure(code="commerce", name="西咸新区商务部门")
    department_ensure(code="development", name="西咸新区发展改革部门")
    department_ensure(code="tax", name="国家税务总局西咸新区税务局")


@pytest.fixture
def document(departments, leader):
    return services.document_publish(
        actor=leader, code="xx-2023-1", title="西咸新区支持企业发展若干措施", issuer="西咸新区管委会",
        issued_on=date(2023, 3, 8),
        measures=[
            MeasureInput(number=1, text="对新认定的高新技术企业给予一次性奖励", department="development",
                         valid_from=date(2023, 3, 8), valid_until=date(2025, 12, 31), industries=["C"],
                         sizes=["small", "medium"], locations=["fengdong"]),
            MeasureInput(number=2, text="对纳税贡献突出的企业按上年度纳税额给予奖励", department="tax",
                         valid_from=date(2023, 3, 8), valid_until=date(2023, 12, 31), industries=["I"],
                         sizes=["large"], locations=["fengxi"]),
            MeasureInput(number=3, text="对吸纳就业的小微企业给予稳岗补贴", department="commerce",
                         valid_from=date(2024, 1, 1), sizes=["small"]),
        ],
    )


_seed = iter(range(1000, 100000))


def enterprise(**over):
    values = dict(credit_code=factories.credit_code(next(_seed)), name="西咸智造科技有限公司",
                  legal_representative="张建国", registered_capital="5000000", industry_code="C39",
                  tax_paid_last_year="800000", employees=120, location="fengdong",
                  established_on=date(2015, 4, 1), high_tech=True)
    values.update(over)
    return services.enterprise_upsert(actor=None, data=EnterpriseInput(**values))


@pytest.fixture
def make_enterprise(db):
    return enterprise


def programme_input(**over) -> payouts.ProgrammeInput:
    values = dict(
        code="tax-reward", name="纳税贡献奖励", document_code="xx-2023-1", measure_number=2,
        eligibility={"all": [{"attr": "tax_paid_last_year", "op": ">=", "value": "500000"},
                             {"attr": "years_in_operation", "op": ">=", "value": 3}]},
        amount_rule={"kind": "percentage", "of": "tax_paid_last_year", "rate": "0.05", "cap": "100000"},
        budget=Decimal("200000"), period="2023", opens_on=date(2023, 3, 8), closes_on=date(2023, 12, 31),
        notice_working_days=5,
    )
    values.update(over)
    return payouts.ProgrammeInput(**values)


@pytest.fixture
def make_programme(document, leader):
    def make(**over):
        return payouts.programme_create(actor=leader, data=programme_input(**over))
    return make
