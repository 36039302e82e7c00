"""The test suite's settings: the platform's, plus a second database standing in for a read
replica (alias "replica"), so that the reporting router is tested against a real second database.

Outside tests the replica alias points at the same database as "default" (a replica that is
never behind); under test it gets its own test database, created from the models, so a test can
tell which database a query read. Reporting stays on "default" unless a test switches it.
"""

from tongban.settings import *  # noqa: F403
from tongban.settings import DATABASES

if "replica" not in DATABASES:
    _primary = DATABASES["default"]
    DATABASES["replica"] = {**_primary, "TEST": {"MIGRATE": False}}
    if _primary["ENGINE"].endswith("postgresql"):
        DATABASES["replica"]["TEST"]["NAME"] = f"test_{_primary['NAME']}_replica"
    else:  # its own in-memory database (spelled out: see tongban.settings)
        DATABASES["replica"]["TEST"]["NAME"] = ":memory:"
