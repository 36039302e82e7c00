"""Benchmark-only floor: a bare Django JSON view about the size of one catalog search page.

Mounted at /bench/bare-json only when TONGBAN_BENCH=1 (see urls.py); used by
benchmarks/bench_catalog_search.py to compare the search API with the same server, settings
and middleware doing no work of its own.
"""

from django.http import JsonResponse

_ITEMS = [
    {
        "code": f"GJJ-{n:04d}", "version": 1, "name": f"住房公积金提取（情形{n}）",
        "category": "housing_fund", "category_label": "住房公积金",
        "department": "西安住房公积金管理中心西咸分中心", "legal_limit_days": 20,
        "promised_limit_days": 5, "fee": "0.00", "channels": ["window", "online"],
        "id_only": True, "cross_region": False, "holiday_open": False,
    }
    for n in range(1, 21)
]
_PAGE = {"total": 20, "limit": 20, "offset": 0, "items": _ITEMS}


def bare_json(request):
    return JsonResponse(_PAGE)  # ensure_ascii like ninja's default renderer
