"""Domain errors with stable English codes; the API maps them to 4xx `{code, message}`.

Messages are written for a window clerk and go through i18n (Chinese by default).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "domain_error"
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.field:
            body["field"] = self.field
        return body


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("Someone else changed this record first. Reload and try again.")


class RequestTooLarge(DomainError):
    status = 413
    code = "request_too_large"
    default_message = _("The request is too large: too many fields or files, or too much form data.")


class CalendarNotCovered(DomainError):
    status = 422
    code = "calendar_year_not_covered"
