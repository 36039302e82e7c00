"""Run inside a test deployment (`tongban shell -c`): the demo organisation, a few catalog items,
the platform key, the demo partner and agreement, API tokens. Prints JSON."""

import json

import yaml
from django.db import transaction

ITEMS = ("CJ-0002", "GJJ-0006", "SB-0002")
USERS = ("fd_clerk", "fd_approver", "xy_clerk", "xy_approver")


def setup() -> None:
    from django.contrib.auth import get_user_model

    from tongban.catalog import demo as catalog_demo
    from tongban.catalog.services import department_ensure, item_create
    from tongban.core import demo as core_demo
    from tongban.federation import demo as federation_demo
    from tongban.federation.registry import own_key_pem
    from tongban.org import demo as org_demo
    from tongban.org.services import token_create

    with transaction.atomic():
        core_demo.load()
        org_demo.load()
        data = yaml.safe_load(catalog_demo.DATA.read_text(encoding="utf-8"))
        for code, name in data["departments"].items():
            department_ensure(code=code, name=name)
        for row in data["items"]:
            if row["code"] in ITEMS:
                item_create(code=row["code"], spec=catalog_demo.spec_from_row(row))
        federation_demo.load()
        User = get_user_model()
        tokens = {u: token_create(user=User.objects.get(username=u), name="test")[1] for u in USERS}
        print(json.dumps({"tokens": tokens, "pem": own_key_pem()}))
