"""Operator endpoints: Prometheus metrics and a health check for the load balancer."""

from django.conf import settings
from django.db import connections
from django.http import HttpResponseForbidden, JsonResponse
from django_prometheus.exports import ExportToDjangoView


def metrics(request):
    # Metrics name centers, items and volumes: only the scraper's addresses may read them.
    if request.META.get("REMOTE_ADDR") not in settings.TONGBAN_METRICS_ALLOWED_IPS:
        return HttpResponseForbidden("metrics are served to the monitoring network only")
    return ExportToDjangoView(request)


def healthz(request):
    """200 when every configured database answers; 503 otherwise (take this server out)."""
    status = {}
    for alias in settings.DATABASES:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            status[alias] = "ok"
        except Exception as exc:  # noqa: BLE001  (any failure means unhealthy; say which)
            status[alias] = type(exc).__name__
    healthy = all(v == "ok" for v in status.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", "databases": status},
                        status=200 if healthy else 503)
