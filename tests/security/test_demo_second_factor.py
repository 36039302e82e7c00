"""Demo approvers, admins and leaders get authenticators with the published keys; `tongban totp`
prints the code an authenticator app shows now, and that code signs them in."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD
from tongban.security import demo


def test_demo_keys_are_the_published_ones_and_the_printed_code_signs_in(db, fd_approver, fd_clerk):
    demo.load()
    assert demo.demo_secret("fd_approver") == "GWG4SYBKAWEWSOEGVU6YB6H6444GTFBR"  # README, demo accounts
    assert not fd_clerk.totpdevice_set.exists()  # clerks need none
    out = StringIO()
    call_command("totp", "fd_approver", stdout=out)
    code = out.getvalue().split()[0]
    client = Client()
    client.post("/workbench/login/", {"username": "fd_approver", "password": PASSWORD})
    assert client.post("/security/second-factor/", {"code": code}).status_code == 302
    assert client.get("/workbench/").status_code == 200
