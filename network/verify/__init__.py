"""Verification derived from the design: a check catalog, a runner with bounded retries, reporters.

    fundament net verify catalog -o catalog.yaml     # the catalog the design implies, to read and extend
    fundament net verify [--catalog FILE] [-d DEVICE] [-r ROLE] [-s SITE] [-t TAG] [--check-name NAME]
                         [--wait 60] [--junit FILE] [--markdown FILE] [--json] [--record FILE | --replay FILE]

Exit 0 every check passed, 1 any check failed or could not run, 3 warnings only.

A catalog entry names a check class (`checks/`, registry in `checks/__init__.py`) and its inputs, which the
class's pydantic `Input` model validates (unknown keys are errors). Entries carry the design facts they
check, so a hand-written entry needs nothing else. Checks name the answers they need (`observe.py`: NAPALM
getters and pings, endpoint pings, management-port and login probes); the runner asks every distinct
question once, one worker per connection, then evaluates each check as a pure function of the answers.
Failed checks are asked again and re-evaluated until they pass or `--wait` seconds have passed.

`runner.post_checks` is what the apply stage calls to decide whether a committed change is confirmed.
Nothing is re-exported here, so importing the catalog does not pull in the SSH and NAPALM machinery.
"""
