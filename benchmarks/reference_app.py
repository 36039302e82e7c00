"""The yardstick issue 3 states its absolute targets against, to tell how fast this machine is today.

Issue 3: "a bare Django 5.2 view inserting one row into SQLite in WAL mode, gunicorn 4 workers,
64 connections, measured about 1,100 requests/s here; a bare JSON view about 6,600". This module
is that: a Django project of one file, no app and no middleware, two views:

  POST /insert   one INSERT in one transaction into SQLite in WAL mode (synchronous=FULL,
                 as tongban's own SQLite), the file given by REFERENCE_DB
  GET  /json     a small JsonResponse

Served by `gunicorn -w 4 reference_app:application` from benchmarks/ (bench_case_submission.py
does this); `python reference_app.py` creates the table.
"""

import os
import sys

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="reference-only-" + "x" * 40,  # noqa: S106 (serves nothing but these two views)
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("REFERENCE_DB", "reference.sqlite3"),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", "timeout": 20},
        "CONN_MAX_AGE": 600,
    }},
    USE_TZ=True,
)

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402


def json_view(request):
    return JsonResponse({"ok": True})


@csrf_exempt
def insert_view(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO reference_row (payload, created_at) VALUES (%s, %s)",
                       [f"{request.method} {request.META.get('CONTENT_LENGTH', 0)} bytes", timezone.now()])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("json", json_view), path("insert", insert_view)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

if __name__ == "__main__":
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS reference_row (id integer PRIMARY KEY AUTOINCREMENT,"
                       " payload varchar(100) NOT NULL, created_at datetime NOT NULL)")
    sys.stdout.write(f"reference table ready in {settings.DATABASES['default']['NAME']}\n")
