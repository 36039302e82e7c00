"""One NinjaAPI for the platform: every app's router, one error format `{code, message}`."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tongban.archive.api import router as archive_router
from tongban.cases.api import notifications_router, public_router
from tongban.cases.api import router as cases_router
from tongban.catalog.api import router as catalog_router
from tongban.core.errors import DomainError
from tongban.federation.api import router as federation_router
from tongban.idonly.api import router as idonly_router
from tongban.licenses.api import router as licenses_router
from tongban.org.api import router as org_router
from tongban.policy.api import router as policy_router
from tongban.service.api import router as service_router
from tongban.signing.api import router as signing_router

api = NinjaAPI(
    title="通办 tongban API",
    version="1",
    description="Integrated government service platform. Errors are JSON `{code, message}`.",
    urls_namespace="api",
    docs_url="/docs",
)

api.add_router("/catalog", catalog_router)
api.add_router("/org", org_router)
api.add_router("/signing", signing_router)
api.add_router("/licenses", licenses_router)
api.add_router("/cases", cases_router)
api.add_router("/staff", notifications_router)
api.add_router("/public", public_router)
api.add_router("/federation", federation_router)
api.add_router("/idonly", idonly_router)
api.add_router("/archive", archive_router)
api.add_router("/policy", policy_router)
api.add_router("/service", service_router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body", "path", "form"))
    message = _("Invalid value for %(field)s: %(reason)s") % {
        "field": location or "request", "reason": first.get("msg", "")
    }
    return api.create_response(
        request,
        {"code": "validation_error", "message": message, "field": location,
         "errors": [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")} for e in exc.errors]},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "message": _("Please sign in first.")}, status=401
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return api.create_response(request, {"code": "http_error", "message": str(exc)}, status=exc.status_code)
