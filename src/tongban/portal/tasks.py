"""Periodic work: the portal's page views counted in Redis go into the statistics table."""

from django_tasks import task

from tongban.portal.services import page_views_flush


@task()
def flush_page_views() -> int:
    return page_views_flush()
