"""Staff sign-in: the second factor for approvers, admins and leaders, lock-out after five wrong
passwords, idle expiry, sign out everywhere, security headers."""

from __future__ import annotations

import time

import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tongban.core.models import AuditEntry
from tongban.security.second_factor import device_install

KEY = "3132333435363738393031323334353637383930"


def code(device, *, step: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + step)
    return f"{totp.token():06d}"


def password_sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/workbench/login/", {"username": username, "password": password}, **extra)


def test_an_approver_with_only_a_password_is_asked_for_the_code_everywhere(db, fd_approver):
    device = device_install(user=fd_approver, key_hex=KEY)
    client = Client()
    password_sign_in(client, "fd_approver")
    home = client.get("/workbench/")
    assert home.status_code == 302 and home["Location"].startswith("/security/second-factor/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/cases").status_code == 401  # a password-only session is no API session
    assert client.post("/security/second-factor/", {"code": "000000", "next": "/workbench/"}).status_code == 400
    time.sleep(1.1)  # django-otp throttles: after a wrong code the next try waits 2^(n-1) seconds
    answer = client.post("/security/second-factor/", {"code": code(device), "next": "/workbench/"})
    assert answer.status_code == 302 and answer["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    assert client.get("/api/cases").status_code == 200
    actions = list(AuditEntry.objects.filter(action__startswith="second_factor").values_list("action", flat=True))
    assert actions[-2:] == ["second_factor.failed", "second_factor.ok"]


def test_a_used_code_cannot_be_replayed(db, fd_approver):
    device = device_install(user=fd_approver, key_hex=KEY)
    first, second = Client(), Client()
    password_sign_in(first, "fd_approver")
    password_sign_in(second, "fd_approver")
    used = code(device)
    assert first.post("/security/second-factor/", {"code": used}).status_code == 302
    assert second.post("/security/second-factor/", {"code": used}).status_code == 400


def test_a_clerk_needs_no_second_factor(db, fd_clerk):
    client = Client()
    password_sign_in(client, "fd_clerk")
    assert client.get("/workbench/").status_code == 200


def test_a_leader_without_a_device_enrols_one_on_first_sign_in(db, leader):
    client = Client()
    password_sign_in(client, "leader")
    enrol = client.get("/workbench/", follow=True)
    assert enrol.request["PATH_INFO"] == "/security/second-factor/enrol/"
    page = enrol.content.decode()
    device = TOTPDevice.objects.get(user=leader, confirmed=False)
    from tongban.security.second_factor import secret_base32

    assert secret_base32(device) in page and "data:image/svg+xml" in page
    assert client.post("/security/second-factor/enrol/", {"code": code(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=leader).confirmed
    assert client.get("/workbench/").status_code == 200


def test_five_wrong_passwords_lock_the_account_for_this_address_even_with_the_right_one(db, fd_clerk):
    client = Client()
    for _ in range(5):
        assert password_sign_in(client, "fd_clerk", "wrong-password").status_code in (200, 429)
    locked = password_sign_in(client, "fd_clerk")
    assert locked.status_code == 429
    assert client.get("/workbench/").status_code == 302  # not signed in
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")  # lock-out is per user name and address
    assert password_sign_in(elsewhere, "fd_clerk").status_code == 302
    with time_machine.travel("2023-06-05 09:50 +0800"):  # 15 minutes later the lock is gone
        assert password_sign_in(Client(), "fd_clerk").status_code == 302


def test_a_session_idle_for_more_than_thirty_minutes_is_signed_out(db, fd_clerk):
    client = Client()
    password_sign_in(client, "fd_clerk")
    with time_machine.travel("2023-06-05 09:55 +0800"):
        assert client.get("/workbench/").status_code == 200  # 25 minutes: still there, and renewed
    with time_machine.travel("2023-06-05 10:20 +0800"):
        assert client.get("/workbench/").status_code == 200
    with time_machine.travel("2023-06-05 10:51 +0800"):
        response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/workbench/login/")


def test_sign_out_everywhere_ends_the_sessions_on_other_devices(db, fd_clerk):
    office, phone = Client(), Client()
    password_sign_in(office, "fd_clerk")
    password_sign_in(phone, "fd_clerk")
    assert phone.get("/workbench/").status_code == 200
    assert "sign-out-everywhere" in office.get("/workbench/").content.decode()
    office.post("/security/sign-out-everywhere/")
    assert phone.get("/workbench/").status_code == 302
    assert office.get("/workbench/").status_code == 302
    assert AuditEntry.objects.filter(action="session.sign_out_everywhere").exists()


def test_pages_carry_a_content_security_policy_and_refuse_framing(db, fd_clerk):
    response = Client().get("/workbench/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    docs = Client().get("/api/docs").content.decode()  # the API docs load their scripts from here, no CDN
    assert "cdn." not in docs and "/static/ninja/swagger-ui-bundle.js" in docs
