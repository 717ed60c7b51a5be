"""Mutation testing of the safety modules with mutmut: the kill ratio per module, and every survivor.

    .venv/bin/python ci/mutation.py [--module PATH ... | --ci] [--strict] [--keep]

Runs mutmut 3 on a copy of the work tree (mutmut writes a `mutants/` tree and its own pyproject
section there, never here) against the safety unit tests, then prints per module how many mutants the
tests killed, and lists each surviving mutant with its diff, or with the reason it is equivalent when
`ci/mutation-equivalent.yaml` names it. With --strict the exit status is 1 when any survivor has no
such reason. Without --module every safety module is mutated (~25 min on a loaded 2-core machine);
ci/test.sh runs --ci --strict (the modules whose every mutant is killed or explained, ~3 min).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SAFETY_MODULES = [
    "network/lifecycle/stages.py",
    "network/lifecycle/tasks.py",
    "network/lifecycle/interrupt.py",
    "network/lifecycle/lock.py",
    "network/lifecycle/scrub.py",
    "network/migrate/engine.py",
    "network/migrate/steps.py",
    "network/migrate/state.py",
]
# Not here: the driver (network/napalm-frr/napalm_frr/frr.py). mutmut names a mutant after its file's path
# (network.napalm-frr.napalm_frr.frr...), the tests import it as napalm_frr.frr, so no test is ever
# matched to a mutant ("no tests" for all 566); it needs a run from the driver's own distribution.
# CI runs the modules below with --strict: every mutant of them is killed or explained in EQUIVALENT.
CI_MODULES = [
    "network/lifecycle/interrupt.py",
    "network/lifecycle/tasks.py",
    "network/lifecycle/scrub.py",
    "network/migrate/steps.py",
    "network/migrate/state.py",
]
SAFETY_TESTS = [
    "tests/unit/lifecycle",
    "tests/unit/migrate",
    "tests/unit/napalm_frr",
    "tests/unit/eos_driver",
]
EQUIVALENT = REPO / "ci" / "mutation-equivalent.yaml"
# mutmut's meaning of a mutant's exit code (mutmut/stats.py); anything else is "suspicious".
STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "no tests",
    33: "no tests",
    34: "skipped",
    36: "timeout",
}
STATUS.update(dict.fromkeys((-24, 24, 152, 255), "timeout"))


def copy_tree(target: Path) -> None:
    """The work tree as it is now (tracked and new files, not ignored ones)."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = REPO / name.decode()
        if source.is_file() and not source.is_symlink():
            (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name.decode())


def configure(target: Path, modules: list[str]) -> None:
    section = (
        "\n[tool.mutmut]\n"
        'source_paths = ["network"]\n'
        f"only_mutate = {json.dumps(modules)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(SAFETY_TESTS)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    )
    with (target / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write(section)


def run_mutmut(target: Path, log: Path) -> int:
    with log.open("w", encoding="utf-8") as output:
        return subprocess.run(
            ["nice", "-n", "10", str(REPO / ".venv" / "bin" / "mutmut"), "run"],
            cwd=target,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        ).returncode


def results(target: Path, modules: list[str]) -> dict[str, dict[str, str]]:
    """Per module: mutant name -> status."""
    found: dict[str, dict[str, str]] = {}
    for module in modules:
        meta = target / "mutants" / f"{module}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        found[module] = {name: STATUS.get(code, "suspicious") for name, code in codes.items()}
    return found


def diff(target: Path, name: str) -> str:
    shown = subprocess.run(
        [str(REPO / ".venv" / "bin" / "mutmut"), "show", name],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    changed = [line for line in shown.stdout.splitlines() if line[:2] in ("+ ", "- ")]
    return "\n".join(changed)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--module", action="append", choices=SAFETY_MODULES, help="mutate only these")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a survivor not explained")
    parser.add_argument("--ci", action="store_true", help="the modules CI runs (CI_MODULES)")
    parser.add_argument("--keep", action="store_true", help="keep the copy (mutmut browse/show there)")
    args = parser.parse_args(argv)
    modules = CI_MODULES if args.ci else args.module or SAFETY_MODULES
    equivalent: dict[str, str] = yaml.safe_load(EQUIVALENT.read_text()) or {} if EQUIVALENT.exists() else {}
    target = Path(tempfile.mkdtemp(prefix="fundament-mutation-"))
    try:
        copy_tree(target)
        configure(target, modules)
        log = target / "mutmut.log"
        status = run_mutmut(target, log)
        found = results(target, modules)
        if status != 0 or not any(found.values()):
            sys.stdout.write(
                log.read_text(errors="replace")[-3000:] + f"\nmutmut run failed (exit {status})\n"
            )
            return 1
        unexplained = 0
        sys.stdout.write(f"{'module':45} {'mutants':>8} {'killed':>7} {'ratio':>7}  other\n")
        for module, statuses in found.items():
            counts = Counter(statuses.values())
            judged = counts["killed"] + counts["survived"]
            ratio = f"{counts['killed'] / judged:.0%}" if judged else "-"
            other = ", ".join(
                f"{n} {s}" for s, n in sorted(counts.items()) if s not in ("killed", "survived")
            )
            sys.stdout.write(f"{module:45} {len(statuses):>8} {counts['killed']:>7} {ratio:>7}  {other}\n")
        for statuses in found.values():
            for name in sorted(n for n, s in statuses.items() if s == "survived"):
                reason = equivalent.get(name)
                unexplained += reason is None
                sys.stdout.write(f"\nsurvived {name}: {reason or 'NOT EXPLAINED'}\n{diff(target, name)}\n")
        sys.stdout.write(f"\n{unexplained} survivors without an equivalence reason\n")
        return 1 if args.strict and unexplained else 0
    finally:
        if args.keep:
            sys.stdout.write(f"mutmut's copy kept in {target}\n")
        else:
            shutil.rmtree(target, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
