"""NAPALM community driver for Linux + FRR switches: ``napalm.get_network_driver("frr")``.

The driver (and NAPALM under it) loads on first use of ``FRRDriver``: the candidate format in
``napalm_frr.candidate`` is read by tools that render configurations without talking to a device.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from napalm_frr.frr import FRRDriver

__all__ = ["FRRDriver"]


def __getattr__(name: str) -> Any:
    if name == "FRRDriver":
        from napalm_frr.frr import FRRDriver

        return FRRDriver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # napalm.get_network_driver finds the driver class among the module's members (inspect.getmembers).
    return sorted([*globals(), *__all__])
