"""The providers of this deployment, built from settings.TONGBAN_IDONLY_PROVIDERS."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from tongban.idonly.providers.base import Provider
from tongban.idonly.providers.http import HttpProvider
from tongban.idonly.providers.licenses import LicenseLibraryProvider


@cache
def providers() -> dict[str, Provider]:
    configured: dict[str, Provider] = {
        source: HttpProvider(source, url=conf["url"], token=conf["token"], timeout=float(conf.get("timeout", 3)),
                             retries=int(conf.get("retries", 1)))
        for source, conf in settings.TONGBAN_IDONLY_PROVIDERS.items()
    }
    configured["license"] = LicenseLibraryProvider()
    return configured


def reset() -> None:
    """Forget the built providers (after settings change: tests, benchmarks)."""
    providers.cache_clear()
