"""Verification derived from the design: a check catalog, a runner with bounded retries, reporters.

`post_checks` is what the apply stage calls to decide whether a committed change is confirmed.
"""

from network.verify.catalog import CatalogError, Target, generate
from network.verify.check import Check, CheckResult, Status
from network.verify.reach import LiveReach, NornirConnections, RecordedReach
from network.verify.runner import Run, post_checks, run, select

__all__ = [
    "CatalogError",
    "Check",
    "CheckResult",
    "LiveReach",
    "NornirConnections",
    "RecordedReach",
    "Run",
    "Status",
    "Target",
    "generate",
    "post_checks",
    "run",
    "select",
]
