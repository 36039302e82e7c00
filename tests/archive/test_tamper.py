"""Tampering with the archive in each way the issue names is caught by `archive verify`, which
names the exact item."""

import shutil

import bagit
import pytest
from django.core.management import call_command

from tests.archive.conftest import contract_pdf
from tongban.archive import services
from tongban.archive.models import ArchivePackage, RegisterBatch
from tongban.archive.storage import get_storage
from tongban.archive.verify import verify


@pytest.fixture
def archived(delivered_case):
    """Two archived packages sealed into the register."""
    packages = [services.case_archive(number=delivered_case()) for _ in range(2)]
    services.register_close()
    assert verify().ok
    return [ArchivePackage.objects.get(pk=p.pk) for p in packages]


def _root(package):
    return get_storage().local_path(package.storage_key)


def test_a_file_edited_on_disk_is_named(archived):
    target = _root(archived[0]) / "data/case.json"
    target.write_text(target.read_text().replace("pickup", "post"))
    report = verify()
    assert report.problems == [f"package {archived[0].case_number}: file data/case.json changed"]


def test_a_deleted_file_is_named(archived):
    (_root(archived[1]) / "data/events.json").unlink()
    assert f"package {archived[1].case_number}: file data/events.json deleted" in verify().problems


def test_a_swapped_pdf_is_caught_even_when_the_bag_is_rebuilt(archived):
    root = _root(archived[0])
    (root / "data/documents/decision.pdf").write_bytes(contract_pdf("forged decision"))
    bagit.Bag(str(root)).save(manifests=True)  # the forger regenerates every manifest
    assert bagit.Bag(str(root)).is_valid()  # ...so BagIt alone is satisfied
    problems = verify().problems
    assert f"package {archived[0].case_number}: file data/documents/decision.pdf changed" in problems


def test_a_deleted_package_is_named(archived):
    shutil.rmtree(_root(archived[0]))
    assert verify().problems == [
        f"package {archived[0].case_number}: deleted from storage ({archived[0].storage_key})"]


def test_a_removed_register_entry_breaks_the_batch_and_is_named(archived):
    batch = RegisterBatch.objects.get()
    batch.members = [m for m in batch.members if m[1] != archived[1].case_number]
    batch.save(update_fields=["members"])
    problems = verify().problems
    assert "register batch #1: 2 entries sealed, 1 present" in problems
    assert "register batch #1: entries do not match the sealed Merkle root" in problems
    assert f"package {archived[1].case_number}: its register entry was removed" in problems


def test_a_deleted_package_record_is_named(archived):
    ArchivePackage.objects.filter(pk=archived[0].pk).delete()
    problems = verify().problems
    assert f"package {archived[0].case_number}: in the register (batch #1) but its record was deleted" in problems
    assert f"package {archived[0].storage_key}: in storage but not in the register" in problems


def test_a_rewritten_chain_is_caught(archived, delivered_case):
    services.case_archive(number=delivered_case())
    services.register_close()
    RegisterBatch.objects.filter(seq=1).update(chain_root="ab" * 32)
    problems = verify(chain_only=True).problems
    assert "register batch #1: chain broken (root does not follow batch #0)" in problems
    assert "register batch #1: timestamp is over another root" in problems
    assert "register batch #2: chain broken (root does not follow batch #1)" in problems


def test_verify_command_exits_non_zero_and_prints_the_item(archived, capsys):
    (_root(archived[0]) / "premis.xml").write_text("<x/>")
    with pytest.raises(SystemExit) as exc:
        call_command("archive", "verify")
    assert exc.value.code == 1
    assert f"package {archived[0].case_number}: file premis.xml changed" in capsys.readouterr().out
