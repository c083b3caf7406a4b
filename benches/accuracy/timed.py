#!/usr/bin/env python3
"""Run a command and write its wall and CPU time (user + system, children included) as JSON.

    timed.py OUT.json COMMAND [ARG]...

Exits with the command's exit code. CPU time is printed beside wall time because the
benchmark machine is often shared, and wall time then says more about the neighbours.
"""

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    rc = subprocess.call(cmd)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "exit": rc}, f)
    return rc


if __name__ == "__main__":
    sys.exit(main())
