import os

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tongban.api import api
from tongban.core import views as core_views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("metrics", core_views.metrics, name="metrics"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("signing/", include("tongban.signing.urls")),
    path("licenses/", include("tongban.licenses.urls")),
    path("stats/", include("tongban.stats.urls")),
    path("workbench/", include("tongban.workbench.urls")),
    path("security/", include("tongban.security.urls")),
    path("policy/", include("tongban.policy.urls")),
    path("service/", include("tongban.service.urls")),
    path("projects/", include("tongban.projects.urls")),
    path("", include("tongban.portal.urls")),
]

if os.environ.get("TONGBAN_BENCH") == "1":  # benchmarks/bench_catalog_search.py only
    from tongban.core.bench_views import bare_insert, bare_json

    urlpatterns.insert(0, path("bench/bare-json", bare_json))
    urlpatterns.insert(0, path("bench/bare-insert", bare_insert))  # benchmarks/bench_case_submission.py
