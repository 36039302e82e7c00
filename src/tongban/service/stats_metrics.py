"""Service figures for tongban.stats (registered by its registry; no import of stats here)."""

from tongban.service import selectors


def _outreach(field, kind=None):
    return lambda f: selectors.outreach_totals(start=f.start, end=f.end, kind=kind)[field]


METRICS = [
    {"name": "consultations", "label": "咨询量", "unit": "次", "section": "service",
     "definition": "Consultations logged in the period (phone, window and online).",
     "compute": lambda f: selectors.consultation_count(start=f.start, end=f.end, center_code=f.center)},
    {"name": "phone_consultations", "label": "电话咨询", "unit": "次", "section": "service",
     "definition": "Phone consultations logged in the period.",
     "compute": lambda f: selectors.consultation_count(start=f.start, end=f.end, channel="phone",
                                                       center_code=f.center)},
    {"name": "media_reports", "label": "媒体报道", "unit": "篇", "section": "outreach",
     "definition": "Media reports counted on outreach events that started in the period.",
     "compute": _outreach("media_reports")},
    {"name": "ads_videos", "label": "公益广告及宣传视频", "unit": "条", "section": "outreach",
     "definition": "Ads and videos counted on outreach events that started in the period.",
     "compute": _outreach("ads_videos")},
    {"name": "enterprise_visits", "label": "走访企业", "unit": "家次", "section": "outreach",
     "definition": "Enterprise visits counted on outreach events that started in the period.",
     "compute": _outreach("enterprise_visits")},
    {"name": "leaflets", "label": "发放宣传资料", "unit": "份", "section": "outreach",
     "definition": "Leaflets handed out at outreach events that started in the period.",
     "compute": _outreach("leaflets")},
    {"name": "five_into_events", "label": "“五进五送”活动", "unit": "场", "section": "outreach",
     "definition": "Five-into-five-send outreach events that started in the period.",
     "compute": _outreach("events", kind="five_into")},
    {"name": "lectures", "label": "行政审批服务讲堂", "unit": "期", "section": "outreach",
     "definition": "Sessions of the staff lecture series held in the period.",
     "compute": lambda f: selectors.lecture_totals(start=f.start, end=f.end)["lectures"]},
]
