from tongban.org.services import token_create


def test_centers_are_public_with_halls_and_windows(client, org):
    response = client.get("/api/org/centers?level=city")
    assert response.status_code == 200
    assert {c["code"] for c in response.json()} == {"fengdong", "jinghe"}
    detail = client.get("/api/org/centers/fengdong").json()
    assert detail["parent"] == "xixian"
    assert detail["halls"][0]["windows"][0]["number"] == "A01"


def test_unknown_center_is_a_404_with_a_code(client, org):
    response = client.get("/api/org/centers/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_me_needs_sign_in(client, org):
    response = client.get("/api/org/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_token_and_session_sign_in(client, fd_clerk, jh_clerk):
    _token, raw = token_create(user=fd_clerk, name="window client")
    me = client.get("/api/org/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert me["center"] == "fengdong" and me["role"] == "clerk"
    assert client.get("/api/org/me", headers={"Authorization": "Bearer tb_wrong"}).status_code == 401
    client.force_login(jh_clerk)
    assert client.get("/api/org/me").json()["username"] == "jh_clerk"


def test_staff_list_through_the_api_is_scoped(client, fd_clerk, jh_clerk):
    client.force_login(jh_clerk)
    usernames = [s["username"] for s in client.get("/api/org/staff").json()]
    assert usernames == ["jh_clerk"]
