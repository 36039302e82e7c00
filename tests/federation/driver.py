"""A long-lived command runner inside a test deployment: one JSON list of `tongban` arguments
per stdin line, one JSON result per stdout line. Saves Django's start-up on every command."""

import io
import json
import sys
import traceback

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    real_stdout = sys.stdout
    for line in sys.stdin:
        args = json.loads(line)
        out, err, rc = io.StringIO(), io.StringIO(), 0
        try:
            if args[:1] == ["__setup__"]:
                from tests.federation.deploy_setup import setup

                sys.stdout = out
                try:
                    setup()
                finally:
                    sys.stdout = real_stdout
            elif args[:1] == ["__python__"]:  # benchmarks: run a snippet, `result` is printed as JSON
                scope = {}
                exec(args[1], scope)  # noqa: S102 - test/benchmark driver only
                out.write(json.dumps(scope.get("result")))
            else:
                call_command(*args, stdout=out, stderr=err)
        except (CommandError, SystemExit, Exception):  # noqa: BLE001 - reported to the test
            rc, _ = 1, err.write(traceback.format_exc())
        real_stdout.write(json.dumps({"stdout": out.getvalue(), "stderr": err.getvalue(), "rc": rc}) + "\n")
        real_stdout.flush()


if __name__ == "__main__":
    main()
