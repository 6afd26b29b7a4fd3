"""Association limits of `rampart serve` (dicom.limits in rampart.yaml), with pynetdicom as the
peer: over a limit the A-ASSOCIATE-RQ gets A-ASSOCIATE-RJ rejected-transient (2), source
service-provider presentation (3), reason local-limit-exceeded (2) (PS3.8 9.3.4), the log names
the host and the limit, and the associations already open go on working. Loopback is not exempt.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pynetdicom import AE
from pynetdicom.sop_class import Verification

import nethelpers as h
from netpeers import HOST
from netserve import register, serve

pytestmark = pytest.mark.net

LOCAL_LIMIT_EXCEEDED = (2, 3, 2)
OTHER_HOST = "127.0.0.2"


def site(rampart: Path, data: Path, limits: dict[str, int]) -> None:
    """A data folder with these limits and two AEs: LIMITS from 127.0.0.1, OTHER from 127.0.0.2."""
    data.mkdir()
    (data / "rampart.yaml").write_text("dicom:\n  limits:\n" + "".join(f"    {key}: {value}\n" for key, value in limits.items()))
    register(rampart, data, "LIMITS", host=HOST)
    register(rampart, data, "OTHER", host=OTHER_HOST)


def echo_ae(title: str = "LIMITS") -> AE:
    ae = AE(ae_title=title)
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 20
    return ae


def test_a_third_concurrent_association_from_a_host_limited_to_two_is_refused(rampart, tmp_path):
    data = tmp_path / "data"
    site(rampart, data, {"max_associations_per_host": 2})
    with serve(rampart, data, tmp_path / "serve.log") as server:
        first, second = h.associate(echo_ae(), server), h.associate(echo_ae(), server)
        try:
            assert first.is_established and second.is_established, server.log_text()
            assert h.rejection_outcomes(echo_ae, server)[-1] == LOCAL_LIMIT_EXCEEDED
            # Another host has its own count.
            other = h.associate(echo_ae("OTHER"), server, bind_address=(OTHER_HOST, 0))
            assert other.is_established, h.association_outcome(other)
            other.release()
            assert first.send_c_echo().Status == 0x0000 and second.send_c_echo().Status == 0x0000
        finally:
            first.release()
            second.release()
        assert "rejected: 2 associations from 127.0.0.1 are open, the limit per host (max_associations_per_host)" in server.log_text(20_000)


def test_associations_beyond_the_rate_are_refused_and_another_address_still_gets_in(rampart, tmp_path):
    data = tmp_path / "data"
    rate = 3
    site(rampart, data, {"associations_per_minute_per_host": rate})
    with serve(rampart, data, tmp_path / "serve.log") as server:
        for n in range(rate):
            assoc = h.associate(echo_ae(), server)
            assert assoc.is_established, f"association {n + 1} of {rate}: {h.association_outcome(assoc)}"
            assoc.release()
        # The next within the minute: the bucket refills one association every 20 s.
        assert h.rejection_outcomes(echo_ae, server)[-1] == LOCAL_LIMIT_EXCEEDED
        other = h.associate(echo_ae("OTHER"), server, bind_address=(OTHER_HOST, 0))
        assert other.is_established, h.association_outcome(other)
        other.release()
        log = server.log_text(20_000)
    assert "127.0.0.1 is opening associations faster than 3 a minute, the limit per host (associations_per_minute_per_host)" in log
