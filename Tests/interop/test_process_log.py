"""DESIGN.md rule 4: the process log never names a patient. Runs after every other test (see
conftest.py) and reads every process log that Rampart's programs (rampart serve, the test SCP)
wrote in this run (processlogs.py keeps them), looking for the synthetic patients' names, IDs
and dates of birth: those of every archive the run's servers held, and the fixed ones the tests
write. The audit log (audit.sqlite) is not the process log: it names patients by ID, by design.
"""

from __future__ import annotations

import processlogs
import test_net_serve_matrix
import test_net_serve_roles


def test_no_process_log_names_a_patient(stats):
    logs = processlogs.all_logs()
    values = processlogs.PATIENT_VALUES | set(test_net_serve_matrix.SECRETS.values()) | set(test_net_serve_roles.IDENTIFIERS.values())
    # Short values (a one-letter ID) would match by chance, not by leak.
    values = {v for v in values if len(v) >= 6}
    assert values, "no synthetic patients found: the scan would prove nothing"
    leaks, lines = [], 0
    for watched in logs:
        for number, line in enumerate(watched.text.splitlines(), 1):
            lines += 1
            found = [v for v in values if v in line]
            if found:
                # Say where, not what: the report must not repeat the leak.
                leaks.append(f"{watched.log}:{number}: {len(found)} patient value(s)")
    assert not leaks, "\n".join(leaks[:20])
    stats.lines.append(f"process logs: {len(logs)} logs, {lines} lines of Rampart's programs, "
                       f"none names any of {len(values)} synthetic patient values")
