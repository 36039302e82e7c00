"""Background delivery: the scheduler enqueues `send_outbox` every few seconds
(settings.TONGBAN_SCHEDULE); the task worker runs it."""

from django_tasks import task

from tongban.federation.outbox import outbox_send


@task()
def send_outbox() -> dict:
    return outbox_send()
