"""The zone policy from the machine itself: from the profile's segment it opens exactly the services of other
zones' hosts that `security.allowed` permits (`fundament workplace verify --zones`, probes from
`workplace.zones`). Collected only when verify was given the probes (conftest.py)."""

import shlex
from typing import Any


def _probe(index: int, address: str, port: int) -> str:
    """One TCP connection attempt in the background (3 s at most: a dropped one waits out the timeout)."""
    connect = shlex.quote(f"exec 3<>/dev/tcp/{address}/{port}")
    return f"(timeout 3 bash -c {connect} 2>/dev/null && echo {index} open || echo {index} blocked) &"


def test_zone_policy_holds_from_the_machine(host: Any, expected: dict[str, Any]) -> None:
    probes = expected["workplace_zone_probes"]
    script = " ".join(_probe(index, probe["address"], probe["port"]) for index, probe in enumerate(probes))
    seen = dict(line.split() for line in host.check_output(f"{script} wait").splitlines())
    wrong = [
        f"{probe['service']} ({probe['port']}/tcp) on {probe['host']} {probe['address']} ({probe['zone']}): "
        f"{seen.get(str(index), 'no answer')}, expected {probe['expect']}: {probe['reason']}"
        for index, probe in enumerate(probes)
        if seen.get(str(index)) != probe["expect"]
    ]
    assert not wrong, "; ".join(wrong)
