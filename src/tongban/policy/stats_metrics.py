"""Policy figures for tongban.stats (registered by its registry; no import of stats here)."""

from tongban.policy import selectors
from tongban.policy.models import ClaimSource, ReformTask


def _tasks(f):
    return ReformTask.objects.filter(published_on__gte=f.start, published_on__lte=f.end)


METRICS = [
    {"name": "policy_measures", "label": "发布惠企政策措施", "unit": "条", "section": "policy",
     "definition": "Measures of policy documents issued in the period.",
     "compute": lambda f: selectors.measures_published(start=f.start, end=f.end)},
    {"name": "reform_tasks", "label": "“微改革”任务", "unit": "项", "section": "policy",
     "definition": "Reform tasks published in the period.",
     "compute": lambda f: _tasks(f).count()},
    {"name": "reform_tasks_completed", "label": "已完成改革任务", "unit": "项", "section": "policy",
     "definition": "Reform tasks published in the period that are completed.",
     "compute": lambda f: _tasks(f).filter(completed_on__isnull=False).count()},
    {"name": "subsidy_paid", "label": "奖补兑现金额", "unit": "元", "kind": "money", "section": "policy",
     "definition": "Ledger payouts booked in the period minus reversals booked in the period.",
     "compute": lambda f: float(selectors.paid_total(start=f.start, end=f.end))},
    {"name": "subsidy_enterprises", "label": "获得奖补企业", "unit": "家", "section": "policy",
     "definition": "Enterprises with a net positive payout from a programme booked in the period.",
     "compute": lambda f: selectors.enterprises_paid(start=f.start, end=f.end)},
    {"name": "no_application_claims", "label": "“免申即享”匹配企业", "unit": "家", "section": "policy",
     "definition": "Claims the platform matched without an application in the period.",
     "compute": lambda f: selectors.claims_count(start=f.start, end=f.end, source=ClaimSource.NO_APPLICATION)},
]
