"""The platform's own electronic-license library as a provider.

`tongban.licenses` is called lazily through this adapter: if the app is missing, or its
selector fails, the material is "not fetched" like any other provider failure."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from tongban.idonly.models import FetchReason
from tongban.idonly.providers.base import FetchRequest, ProviderError

# data item of the catalog -> license type code(s) in the license library
DEFAULT_LICENSE_TYPES = {
    "business_license": ("YYZZ",),
    "property_certificate": ("BDCQZ",),
    "marriage_certificate": ("JHZ",),
    "driver_license": ("JSZ",),
}


class LicenseLibraryProvider:
    source = "license"
    local = True

    def __init__(self, types: dict[str, tuple[str, ...]] | None = None):
        self.types = types or getattr(settings, "TONGBAN_IDONLY_LICENSE_TYPES", DEFAULT_LICENSE_TYPES)

    def fetch(self, request: FetchRequest) -> tuple[dict, int]:
        codes = self.types.get(request.data_item)
        if not codes:
            raise ProviderError(FetchReason.NOT_CONFIGURED, f"no license type for {request.data_item}")
        try:
            from tongban.licenses import selectors

            licenses = list(selectors.licenses_for_holder(id_number=request.id_number)
                            .filter(license_type__code__in=codes)[:20])
        except Exception as exc:  # noqa: BLE001 - any failure of the library is "not fetched", never a 500
            raise ProviderError(FetchReason.UNAVAILABLE, f"license library: {type(exc).__name__}") from None
        today = timezone.localdate()
        usable = [lic for lic in licenses if lic.effective_status(today) == "valid"]
        if not usable:
            raise ProviderError(FetchReason.NOT_FOUND, "no valid license of this type")
        lic = usable[0]
        return {
            "source": self.source, "data_item": request.data_item, "id_number": request.id_number,
            "name": lic.holder_name, "as_of": timezone.now().isoformat(timespec="seconds"),
            "record": {"identifier": lic.identifier, "type": lic.license_type.name,
                       "valid_from": lic.valid_from.isoformat(),
                       "valid_until": lic.valid_until.isoformat() if lic.valid_until else "",
                       "issuer": lic.issuer_department.name, "data": lic.data},
        }, 1
