"""Request metrics for Prometheus: the four series operations.md alerts and graphs on.

django-prometheus's two middlewares record fifteen samples per request (transport, AJAX, body
sizes, charset, a second latency histogram ...); under gunicorn each sample is a locked write
to a memory-mapped file shared by the workers, and together they cost 130 us per request here,
more than any other middleware. This one keeps django-prometheus's metric objects and names
and records only:

- django_http_requests_total_by_method
- django_http_responses_total_by_status and ..._by_status_view_method
- django_http_requests_latency_seconds_by_view_method (from the outermost middleware, so a
  request refused by another middleware is counted and timed too)
"""

from django_prometheus.middleware import PrometheusAfterMiddleware
from django_prometheus.utils import Time, TimeSince


class RequestMetricsMiddleware(PrometheusAfterMiddleware):
    def process_request(self, request):
        self.metrics.requests_by_method.labels(method=self._method(request)).inc()
        request.prometheus_after_middleware_event = Time()

    def process_view(self, request, view_func, view_args, view_kwargs):
        return None

    def process_response(self, request, response):
        method, view, status = self._method(request), self._get_view_name(request), str(response.status_code)
        self.metrics.responses_by_status.labels(status=status).inc()
        self.metrics.responses_by_status_view_method.labels(status=status, view=view, method=method).inc()
        started = getattr(request, "prometheus_after_middleware_event", None)
        if started is None:
            self.metrics.requests_unknown_latency.inc()
        else:
            self.metrics.requests_latency_by_view_method.labels(view=view, method=method).observe(TimeSince(started))
        return response

    def process_exception(self, request, exception):
        # The 500 answer that follows is counted and timed by process_response.
        self.metrics.exceptions_by_type.labels(type=type(exception).__name__).inc()
        self.metrics.exceptions_by_view.labels(view=self._get_view_name(request)).inc()
