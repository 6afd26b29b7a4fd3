"""Crash safety of `rampart serve` (DESIGN.md rule 5: nothing acknowledged is lost).

Four pynetdicom associations send generated instances at once; at a seeded random moment the
server is killed with SIGKILL, and started again; ROUNDS times. Each association counts an
instance as acknowledged only when its C-STORE response came back with status 0x0000. An
association re-sends, next round, the instance whose response it never got (as a modality
would), and begins each round with a re-send of the last instance it had acknowledged (a
duplicate: the policy `keep` answers success). After the last restart:

* every acknowledged instance is found by a C-FIND at IMAGE level,
* every blob (acknowledged or not) holds the data set exactly as sent (sha256 after the file
  meta group), and a C-GET of a sample returns them byte-identical,
* the index (the C-FIND answer) and the blob store hold the same instances, with no temporary
  file left, and no start-up recovery ever reported an indexed instance without a blob.

The figures go to .build/reports/crash-safety.txt and to the end-of-run summary.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pynetdicom import AE, evt
from pynetdicom.sop_class import StudyRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelGet

import netdata
import nethelpers as h
import netpeers
import netserve
from netpeers import Peer, read_folder

pytestmark = pytest.mark.net

# `make soak` runs many more rounds, with other kill moments (RAMPART_CRASH_ROUNDS, RAMPART_CRASH_SEED).
ROUNDS = int(os.environ.get("RAMPART_CRASH_ROUNDS", "24"))
ASSOCIATIONS = 4
SEED = int(os.environ.get("RAMPART_CRASH_SEED", "20240611"))  # the kill moments
COLLECTION = (1000, 5)  # instances, seed: the set test_net_serve_archive.py stores (generated once)
KILL_AFTER = (0.05, 1.0)  # seconds after all associations are established
ROUND_LIMIT = 20.0  # seconds a round's senders may run (they stop at the kill long before)
CALLING_AE = "CRASHSCU"
SAMPLE = 25  # acknowledged instances fetched back with C-GET


@dataclass
class Sender:
    """One association's queue across rounds: what it acknowledged, what it tried."""

    queue: list[netdata.Instance]
    cursor: int = 0
    acknowledged: set[str] = field(default_factory=set)
    attempts: int = 0
    successes: int = 0
    duplicates_acknowledged: int = 0
    other_statuses: dict[int, int] = field(default_factory=dict)
    in_flight_at_kill: int = 0
    failed_associations: int = 0
    last_acknowledged: netdata.Instance | None = None

    def run(self, server: Peer, contexts: list[tuple[str, str]], ready: threading.Barrier, deadline: float) -> None:
        ae = AE(CALLING_AE)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 15
        for sop_class, ts in contexts:
            ae.add_requested_context(sop_class, [ts])
        try:
            assoc = h.associate(ae, server)
        except Exception:  # noqa: BLE001 - the server may already be dead
            assoc = None
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            pass
        if assoc is None or not assoc.is_established:
            self.failed_associations += 1
            return
        try:
            # first a re-send of an instance acknowledged in an earlier round (a duplicate)
            if self.last_acknowledged is not None and not self.store(assoc, self.last_acknowledged):
                return
            for _ in range(len(self.queue)):  # bounded; the kill ends it far sooner
                if time.monotonic() > deadline or not self.store(assoc, self.queue[self.cursor % len(self.queue)]):
                    break
                self.cursor += 1
        finally:
            if assoc.is_established:
                assoc.abort()

    def store(self, assoc, instance: netdata.Instance) -> bool:
        """One C-STORE; False when no response came (the server is gone: the instance is re-sent
        next round, as its outcome is unknown)."""
        self.attempts += 1
        try:
            status = assoc.send_c_store(instance.path)
        except Exception:  # noqa: BLE001 - the association died under us
            status = None
        code = int(status.Status) if status is not None and "Status" in status else None
        if code is None:
            self.in_flight_at_kill += 1
            return False
        if code == 0x0000:
            self.successes += 1
            if instance.sop_instance_uid in self.acknowledged:
                self.duplicates_acknowledged += 1
            self.acknowledged.add(instance.sop_instance_uid)
            self.last_acknowledged = instance
        else:
            self.other_statuses[code] = self.other_statuses.get(code, 0) + 1
        return True


def kill_rounds(rampart: Path, data: Path, logs: Path, senders: list[Sender], contexts) -> list[netserve.Recovery | None]:
    """ROUNDS of: start serve, send on every association, SIGKILL at a seeded moment. Returns
    the recovery report of each start."""
    rng = random.Random(SEED)
    reports = []
    for round_number in range(ROUNDS):
        log = logs / f"serve-{round_number:02d}.log"
        server = netserve.start(rampart, data, log, lifetime=300)
        ready = threading.Barrier(len(senders) + 1, timeout=30)
        deadline = time.monotonic() + ROUND_LIMIT
        threads = [threading.Thread(target=s.run, args=(server, contexts, ready, deadline), daemon=True) for s in senders]
        for thread in threads:
            thread.start()
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            pass
        time.sleep(rng.uniform(*KILL_AFTER))
        netserve.kill(server)
        reports.append(netserve.recovery(log))
        for thread in threads:
            thread.join(ROUND_LIMIT + 30)
            assert not thread.is_alive(), f"round {round_number}: a sender did not stop after the kill"
    return reports


def test_no_acknowledged_instance_is_lost(rampart, tmp_path, stats):
    started = time.monotonic()
    collection = netdata.collection_cached(*COLLECTION)
    contexts = sorted({(i.sop_class_uid, str(i.transfer_syntax)) for i in collection.instances})
    data = tmp_path / "data"
    netserve.register(rampart, data, CALLING_AE, role=netserve.WORKSTATION)  # stores, then fetches back
    senders = [Sender(queue=collection.instances[n::ASSOCIATIONS]) for n in range(ASSOCIATIONS)]

    reports = kill_rounds(rampart, data, tmp_path / "logs", senders, contexts)

    final_log = tmp_path / "logs" / "serve-final.log"
    with netserve.serve(rampart, data, final_log, lifetime=300) as server:
        reports.append(netserve.recovery(final_log))
        # Transfers cut off by the last kill were spooled, never acknowledged: start-up removes them.
        assert not list((data / "spool").iterdir()), sorted((data / "spool").iterdir())[:5]
        indexed = find_all(server)
        acknowledged = set().union(*(s.acknowledged for s in senders))
        sample = random.Random(SEED + 1).sample(sorted(acknowledged), min(SAMPLE, len(acknowledged)))
        fetched = get_instances(server, sample, tmp_path / "get", contexts)

    by_uid = collection.by_uid
    blobs = netserve.blob_files(data)
    lost = sorted(acknowledged - indexed)
    damaged = h.check_identical([by_uid[uid] for uid in sorted(blobs)], blobs, exact=False)
    fetched_problems = h.check_identical([by_uid[uid] for uid in sample], fetched)
    missing_blobs = sum(r.missing_blobs for r in reports if r)
    figures = {
        "rounds (SIGKILL each)": ROUNDS,
        "seed of the kill moments": SEED,
        "concurrent associations": ASSOCIATIONS,
        "C-STORE requests sent": sum(s.attempts for s in senders),
        "C-STORE success responses": sum(s.successes for s in senders),
        "acknowledged instances (distinct)": len(acknowledged),
        "re-sends of archived instances acknowledged": sum(s.duplicates_acknowledged for s in senders),
        "stores in flight at a kill (no response)": sum(s.in_flight_at_kill for s in senders),
        "associations refused or failed": sum(s.failed_associations for s in senders),
        "other statuses": sum(sum(s.other_statuses.values()) for s in senders),
        "indexed after the last restart": len(indexed),
        "indexed but never acknowledged": len(indexed - acknowledged),
        "lost (acknowledged, not found)": len(lost),
        "damaged blobs": len(damaged),
        "orphan blobs removed at start-up": sum(r.orphans_removed for r in reports if r),
        "temporary files removed at start-up": sum(r.temporary_removed for r in reports if r),
        "indexed instances without a blob (recovery reports)": missing_blobs,
        "C-GET sample byte-identical": f"{len(sample) - len(fetched_problems)} of {len(sample)}",
        "seconds": round(time.monotonic() - started, 1),
    }
    record(figures, stats)

    assert not lost, f"{len(lost)} acknowledged instances are not in the index after the last restart: {lost[:5]}"
    assert missing_blobs == 0, f"start-up recovery reported indexed instances without a blob: {reports}"
    assert not damaged, h.summary(damaged)
    assert set(blobs) == indexed, (f"index and blob store disagree: {len(set(blobs) - indexed)} blobs not indexed, "
                                   f"{len(indexed - set(blobs))} indexed without a blob")
    assert not netserve.temporary_files(data), netserve.temporary_files(data)[:5]
    assert not fetched_problems, h.summary(fetched_problems)
    assert sum(sum(s.other_statuses.values()) for s in senders) == 0, [s.other_statuses for s in senders]
    assert acknowledged, "nothing was acknowledged: the kills came before any store"


def find_all(server: Peer) -> set[str]:
    """SOP Instance UIDs of a C-FIND at IMAGE level (Study Root) with universal matching."""
    ae = AE(CALLING_AE)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
    assoc = h.associate(ae, server)
    assert assoc.is_established, h.association_outcome(assoc)
    try:
        responses = list(assoc.send_c_find(h.identifier("IMAGE", {"SOPInstanceUID": ""}), StudyRootQueryRetrieveInformationModelFind))
    finally:
        assoc.release()
    assert responses and int(responses[-1][0].Status) == 0x0000, f"final C-FIND status {responses[-1:]}"
    return {str(ds.SOPInstanceUID) for status, ds in responses if ds is not None and int(status.Status) in (0xFF00, 0xFF01)}


def get_instances(server: Peer, uids: list[str], folder: Path, contexts) -> dict[str, Path]:
    """C-GET at IMAGE level of a list of SOP Instance UIDs (Study Root: no upper keys needed by
    the server), as received."""
    ae, roles = h.get_ae(CALLING_AE, StudyRootQueryRetrieveInformationModelGet, sorted({c for c, _ in contexts}))
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 60
    assoc = h.associate(ae, server, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, h.store_to(folder))])
    assert assoc.is_established, h.association_outcome(assoc)
    try:
        list(assoc.send_c_get(h.identifier("IMAGE", {"SOPInstanceUID": "\\".join(uids)}), StudyRootQueryRetrieveInformationModelGet))
    finally:
        assoc.release()
    return read_folder(folder)


def record(figures: dict, stats) -> None:
    """Writes the figures to .build/reports/crash-safety.txt and the end-of-run summary."""
    width = max(len(k) for k in figures)
    lines = [f"{k.ljust(width)}  {v}" for k, v in figures.items()]
    report = netpeers.REPO / ".build" / "reports" / "crash-safety.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("rampart serve crash safety (Tests/interop/test_net_serve_crash.py)\n" + "\n".join(lines) + "\n")
    stats.lines.append(
        f"crash safety: {figures['rounds (SIGKILL each)']} SIGKILLs (seed {SEED}), {figures['acknowledged instances (distinct)']} acknowledged "
        f"instances, lost {figures['lost (acknowledged, not found)']}, damaged {figures['damaged blobs']}, "
        f"{figures['orphan blobs removed at start-up']} orphan blobs removed (details: {report})")
