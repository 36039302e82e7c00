"""API tokens: a process keeps the user behind a token in memory, but whatever decides access
(the token revoked, the account disabled, the role or the center changed) counts from the
very next request."""

import pytest

from tongban.org.models import ApiToken, Center, StaffProfile
from tongban.org.services import token_create


@pytest.fixture
def bearer(fd_clerk):
    _token, raw = token_create(user=fd_clerk, name="window client")
    return {"Authorization": f"Bearer {raw}"}


def me(client, headers):
    return client.get("/api/org/me", headers=headers)


def test_a_revoked_token_is_refused_at_once(client, bearer):
    assert me(client, bearer).status_code == 200  # now remembered
    ApiToken.objects.update(revoked=True)
    response = me(client, bearer)
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_a_disabled_account_is_refused_at_once(client, bearer, fd_clerk):
    assert me(client, bearer).status_code == 200
    type(fd_clerk).objects.filter(pk=fd_clerk.pk).update(is_active=False)
    assert me(client, bearer).status_code == 401


def test_a_new_role_or_center_counts_at_once(client, bearer, fd_clerk):
    assert me(client, bearer).json()["role"] == "clerk"
    StaffProfile.objects.filter(user=fd_clerk).update(role="approver")
    assert me(client, bearer).json()["role"] == "approver"
    StaffProfile.objects.filter(user=fd_clerk).update(center=Center.objects.get(code="jinghe"), window=None)
    assert me(client, bearer).json()["center"] == "jinghe"


def test_each_request_gets_its_own_user_object(client, bearer, fd_clerk):
    from tongban.org.services import token_authenticate

    raw = bearer["Authorization"].removeprefix("Bearer ")
    first, second = token_authenticate(raw), token_authenticate(raw)
    assert first == second == fd_clerk and first is not second
    first.first_name = "changed by one request"
    assert second.first_name != "changed by one request"
