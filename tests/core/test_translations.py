"""The UI is Chinese first: every user-facing string in the code has a zh-hans translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tongban"
CATALOGUE = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_committed_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.slow
def test_every_string_marked_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh (as a developer would with makemessages) into a copy of the
    catalogue: a string added to the code without a translation shows up as untranslated."""
    tree = tmp_path / "tongban"
    shutil.copytree(SOURCE, tree, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    locale = tmp_path / "locale"
    shutil.copytree(SOURCE / "locale", locale)
    env = dict(os.environ, TONGBAN_LOCALE_DIR=str(locale), DJANGO_SETTINGS_MODULE="tongban.settings")
    subprocess.run([sys.executable, "-m", "tongban.cli", "makemessages", "-l", "zh_Hans", "--no-obsolete",
                    "-v", "0"], cwd=tree, env=env, check=True, timeout=300)
    fresh = polib.pofile(str(locale / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in fresh.untranslated_entries()] == []
    assert [e.msgid for e in fresh.fuzzy_entries()] == []


@pytest.mark.django_db
def test_a_citizen_and_a_clerk_read_chinese_without_choosing_a_language(seeded_calendar):
    page = Client().get("/track/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="zh-hans"' in html
    assert "Track my application" not in html
    refused = Client().get("/api/staff/notifications")
    assert refused.status_code == 401
    assert refused.json() == {"code": "unauthorized", "message": "请先登录。"}
