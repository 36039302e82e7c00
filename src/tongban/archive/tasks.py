"""Background work of the archive: package a delivered case; close the day's register."""

from django_tasks import task


@task()
def archive_case(number: str) -> str:
    from tongban.archive.services import case_archive

    package = case_archive(number=number)
    return "archived" if package is not None else "failed"


@task()
def close_register() -> int:
    from tongban.archive.services import register_close

    batch = register_close()
    return batch.seq if batch else 0
