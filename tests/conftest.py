"""Shared fixtures: the working-day calendar, a small organisation and personas.

Personas (permission tests read like sentences):
  fd_clerk / fd_approver  - window clerk and approver of 沣东新城
  jh_clerk                - window clerk of 泾河新城
  fd_admin                - center administrator of 沣东 (sees its street station too)
  leader                  - bureau leader (sees every center of the region)
"""

import shutil
import socket
import subprocess
import time

import pytest

from tests import factories
from tongban.core import calendar
from tongban.core.services import calendar_seed_from_package
from tongban.org.models import CenterLevel, Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness would dominate the suite; the hasher is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _forget_process_memory():
    """Each test's database is rolled back, and SQLite hands the same ids out again (under a
    frozen clock, with the same creation times): what this process remembered of the rows
    (item versions, their materials, API token users) must go with them."""
    from tongban.catalog import selectors
    from tongban.org import services as org_services

    yield
    for memory in (selectors._shared, selectors._by_code, selectors._materials, org_services._token_memory):
        memory.clear()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A private Redis server for this test process (the production cache, rate limits and
    task queue run on Redis): started from Debian's redis-server on a free port, stopped at the end."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is needed by the tests: apt-get install redis-server (python3 dev.py test does it as root)"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path_factory.mktemp("redis"))], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def redis_cache(settings, redis_url):
    """The default cache on Redis, as in production."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    from django.core.cache import cache

    cache.clear()
    return cache


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def seeded_calendar(db):
    calendar_seed_from_package()
    calendar.invalidate()
    return calendar.get_calendar()


@pytest.fixture
def org(db, seeded_calendar):
    area = factories.center("xixian", "西咸新区政务服务中心", level=CenterLevel.AREA)
    fengdong = factories.center("fengdong", "沣东新城政务服务中心", parent=area)
    jinghe = factories.center("jinghe", "泾河新城政务服务中心", parent=area)
    station = factories.center("fengdong-wangsi", "王寺街道便民服务站", level=CenterLevel.STATION, parent=fengdong)
    factories.region("610400", "咸阳市")
    return {"area": area, "fengdong": fengdong, "jinghe": jinghe, "wangsi": station}


@pytest.fixture
def fd_clerk(org):
    return factories.staff("fd_clerk", center_code="fengdong", role=Role.CLERK, name="李娜")


@pytest.fixture
def fd_approver(org):
    return factories.staff("fd_approver", center_code="fengdong", role=Role.APPROVER, name="陈静")


@pytest.fixture
def jh_clerk(org):
    return factories.staff("jh_clerk", center_code="jinghe", role=Role.CLERK, name="何勇")


@pytest.fixture
def fd_admin(org):
    return factories.staff("fd_admin", center_code="fengdong", role=Role.CENTER_ADMIN, name="刘洋")


@pytest.fixture
def leader(org):
    return factories.staff("leader", center_code="xixian", role=Role.LEADER, name="王局长")


@pytest.fixture
def wangsi_clerk(org):
    return factories.staff("wangsi_clerk", center_code="fengdong-wangsi", role=Role.CLERK, name="罗红")


@pytest.fixture(autouse=True)
def _test_client_sign_in_includes_the_second_factor(monkeypatch):
    """`client.force_login` / `client.login` mean "fully signed in": for roles that need a
    second factor (tongban.security) the session is marked verified with a TOTP device. Tests
    of the second factor itself sign in through the pages (tests/security, browser_support)."""
    from django.test import Client

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tongban.security.second_factor import confirmed_device, requires_second_factor

        if requires_second_factor(user):  # made directly: no audit entry for other tests to count
            device = confirmed_device(user) or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "_login", _login)
