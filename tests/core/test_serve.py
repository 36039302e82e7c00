"""`tongban serve` sizes gunicorn by the cores it may run on, unless told otherwise."""

import os

from tongban.core.management.commands.serve import Command, default_web_workers


def workers_option(*argv: str) -> int:
    return Command().create_parser("tongban", "serve").parse_args(list(argv)).workers


def test_without_a_setting_serve_runs_one_worker_per_usable_core_and_one_more(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert default_web_workers() == cores + 1
    assert workers_option() == cores + 1


def test_the_cores_counted_are_those_the_process_may_use_not_the_machines(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})  # as under `taskset -c 0`
    assert default_web_workers() == 2


def test_web_concurrency_and_the_option_override_the_default(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert workers_option() == 7
    assert workers_option("--workers", "2") == 2
