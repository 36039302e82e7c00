"""Benchmark-only floors: views doing no work of their own, served by the same server with the
same settings and middleware as the endpoint measured against them. Mounted only when
TONGBAN_BENCH=1 (see urls.py).

- /bench/bare-json: a JsonResponse about the size of one catalog search page
  (benchmarks/bench_catalog_search.py, and the public query of bench_case_submission.py).
- /bench/bare-insert: one INSERT into `bench_row` in one transaction (bench_case_submission.py
  creates that table with raw SQL; it is not a model).
"""

from django.db import connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

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


@csrf_exempt
def bare_insert(request):
    # The body was parsed already (RejectNulMiddleware reads every form field), as for the
    # endpoint measured against this floor; its length comes from the header.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (payload, created_at) VALUES (%s, %s)",
                       [f"{request.method} {request.META.get('CONTENT_LENGTH', 0)} bytes", timezone.now()])
    return JsonResponse({"ok": True}, status=201)
