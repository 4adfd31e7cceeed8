"""A second worker for `make bench`: runs a sweep as of the moment given, as the helper a sweep
that found a backlog asks for does (`workflows.tasks.help_with_sweep`), with the settings of the
bench that started it (its environment).

    python -m bench.helper auto_close 2026-12-07T10:00:00+00:00
"""

import os
import sys
from datetime import datetime

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from workflows.sweeps import stream

    name, moment = sys.argv[1:3]
    for _ in stream(name, now=datetime.fromisoformat(moment)):
        pass


if __name__ == "__main__":
    main()
