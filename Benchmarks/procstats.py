"""Peak memory of a server the benchmarks started, read from /proc before it is stopped.

Every peer runs under /usr/bin/timeout in a process group of its own (netpeers.spawn): the
group is the wrapper, the server and, for forking servers (storescp --fork, dcmqrscp), one child
per open association. Not a benchmark itself.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TIMEOUT_TOOL = "timeout"


def _group_members(pgid: int) -> list[int]:
    """The live processes of process group `pgid`, without the /usr/bin/timeout wrapper."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            # the command name is in parentheses and may hold spaces: split after its closing one
            name = stat[stat.index("(") + 1: stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and name != TIMEOUT_TOOL:
                members.append(int(entry.name))
    return members


def _status_kib(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def peak_rss_mb(wrapper_pid: int) -> float | None:
    """The largest VmHWM (peak resident set) among the server's live processes, in MB; None when
    none is left. A forking server's association children that already ended are not counted:
    their parent is what stays resident."""
    pids = _group_members(os.getpgid(wrapper_pid)) if _alive(wrapper_pid) else []
    peaks = [_status_kib(pid, "VmHWM") for pid in pids]
    return max(peaks) / 1024 if peaks and max(peaks) > 0 else None


def _alive(pid: int) -> bool:
    try:
        os.getpgid(pid)
        return True
    except ProcessLookupError:
        return False
