"""Verification derived from the design: a check catalog, a runner with bounded retries, reporters.

`runner.post_checks` is what the apply stage calls to decide whether a committed change is confirmed.
Nothing is re-exported here, so importing the catalog does not pull in the SSH and NAPALM machinery.
"""
