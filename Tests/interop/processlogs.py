"""The process logs of Rampart's own programs (rampart serve, the test SCP) in this run, kept
for test_process_log.py, which reads them all at the end for patient data (DESIGN.md rule 4).

The temporary folders of passing tests are removed when each test ends, so the logs and the
patients of each server's archive are read while they exist: after every test (`harvest`, from
conftest.py) and once more at the end.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Watched:
    log: Path
    data: Path | None
    text: str = ""


OPEN: list[Watched] = []
CLOSED: list[Watched] = []
PATIENT_VALUES: set[str] = set()


def watch(log: Path, cmd: list[str]) -> None:
    """Keeps `log`, and the patients of the archive in the command's --data-dir, for the scan."""
    data = Path(cmd[cmd.index("--data-dir") + 1]) if "--data-dir" in cmd[:-1] else None
    OPEN.append(Watched(log, data))


def harvest() -> None:
    for watched in list(OPEN):
        if watched.log.exists():
            watched.text = watched.log.read_text(errors="replace")
        index = watched.data / "archive" / "index.sqlite" if watched.data else None
        if index is not None and index.exists():
            PATIENT_VALUES.update(patients(index))
        if not watched.log.exists():
            OPEN.remove(watched)
            CLOSED.append(watched)


def patients(index: Path) -> set[str]:
    """Patient IDs, names (as stored, and with spaces for ^) and birth dates of an archive index."""
    values = set()
    try:
        with sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=5) as db:
            for patient_id, name, birth in db.execute("SELECT patientID, patientName, patientBirthDate FROM patient"):
                values.update(v for v in (patient_id, birth) if v)
                if name:
                    values.update({name, name.replace("^", " ").strip()})
    except sqlite3.Error:
        pass  # an archive mid-creation or already removed has nothing to add
    return values


def all_logs() -> list[Watched]:
    harvest()
    return CLOSED + OPEN
