"""Running the `rampart` binary under test, and judging how it ended."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

DEFAULT_TIMEOUT = 120  # seconds; a debug build parses the largest corpus file in well under that

# "… at byte 1234", "byte offset 0x4d2", "byte: 12": the word "byte", then an offset number.
BYTE_OFFSET = re.compile(r"\bbyte\b\D{0,16}?(\d+|0x[0-9a-fA-F]+)\b")


def binary_from_environment() -> tuple[Path | None, str]:
    """The binary named by $RAMPART, or None and why it can't be used."""
    value = os.environ.get("RAMPART", "")
    if not value:
        return None, "RAMPART is not set: point it at the built binary, e.g. RAMPART=$PWD/.build/debug/rampart (or run `make test`)"
    path = Path(value)
    if not path.is_file():
        return None, f"RAMPART={value}: no such file: build it first (`swift build`, or run `make test`)"
    if not os.access(path, os.X_OK):
        return None, f"RAMPART={value}: not executable"
    return path.resolve(), ""


def run(rampart: Path, *args, timeout: float = DEFAULT_TIMEOUT, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """Run `rampart ARGS…`; raises subprocess.TimeoutExpired (the child is killed) after `timeout`."""
    return subprocess.run(
        [str(rampart), *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )


def signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    return (result.stderr or b"").decode("utf-8", "replace").splitlines()


def describe(result: subprocess.CompletedProcess, limit: int = 600) -> str:
    """Exit status and (truncated) stderr, for assertion messages."""
    status = f"killed by {signal_name(result.returncode)}" if result.returncode < 0 else f"exit {result.returncode}"
    err = (result.stderr or b"").decode("utf-8", "replace")
    if len(err) > limit:
        err = err[:limit] + "…"
    return f"{status}; stderr: {err!r}"


def clean_refusal_problem(result: subprocess.CompletedProcess, *, need_offset: bool) -> str | None:
    """Why a non-zero exit is not a clean refusal (None when it is one).

    A clean refusal: not killed by a signal, exactly one line on stderr and, when
    `need_offset`, that line names the byte offset of the problem.
    """
    if result.returncode < 0:
        return f"killed by {signal_name(result.returncode)}"
    lines = stderr_lines(result)
    if len(lines) != 1:
        return f"stderr has {len(lines)} lines, expected exactly 1"
    if need_offset and not BYTE_OFFSET.search(lines[0]):
        return "stderr does not say 'byte' followed by an offset number"
    return None
