"""Federation settings (Django settings or the environment).

TONGBAN_FEDERATION_RETRY_BASE_SECONDS  first retry delay after a failed delivery (default 5);
                                       doubles on each failure, with 10 % jitter
TONGBAN_FEDERATION_RETRY_MAX_SECONDS   cap of the delay (default 3600): messages never expire
TONGBAN_FEDERATION_HTTP_TIMEOUT        seconds per delivery request (default 15)
TONGBAN_FEDERATION_BATCH               messages per delivery request (default 50)
TONGBAN_FEDERATION_CRASH_ONCE_FILE     fault injection for the tests only: when this file exists,
                                       the inbox deletes it and kills the worker process right
                                       after committing a batch of receipts, before acknowledging it
"""

import os

from django.conf import settings


def _get(name: str, default: str) -> str:
    return str(getattr(settings, name, None) or os.environ.get(name) or default)


def retry_base() -> float:
    return float(_get("TONGBAN_FEDERATION_RETRY_BASE_SECONDS", "5"))


def retry_max() -> float:
    return float(_get("TONGBAN_FEDERATION_RETRY_MAX_SECONDS", "3600"))


def http_timeout() -> float:
    return float(_get("TONGBAN_FEDERATION_HTTP_TIMEOUT", "15"))


def batch_size() -> int:
    return max(1, min(200, int(_get("TONGBAN_FEDERATION_BATCH", "50"))))


def crash_once_file() -> str:
    return _get("TONGBAN_FEDERATION_CRASH_ONCE_FILE", "")


def local_region() -> str:
    return settings.TONGBAN_REGION_CODE
