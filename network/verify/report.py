"""Reporters for a finished run: a rich table, a JSON document, JUnit XML and Markdown."""

from collections import defaultdict
from typing import Any
from xml.etree import ElementTree as ET

from rich.table import Table

from network.verify.check import CheckResult, Status
from network.verify.runner import Run

STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.WARN: "yellow", Status.ERROR: "magenta"}
ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.PASS: 3}


def summary(run: Run) -> str:
    counts = ", ".join(f"{run.count(status)} {status.value}" for status in Status)
    return f"{len(run.results)} checks: {counts} in {run.seconds:.1f} s; {run.retry_note}"


def table(run: Run, *, all_results: bool = True) -> Table:
    """Failures first; passes only when `all_results`."""
    shown = sorted(run.results, key=lambda r: ORDER[r.status])
    if not all_results:
        shown = [result for result in shown if result.status is not Status.PASS]
    grid = Table("status", "check", "subject", "message", title="Verification", title_justify="left")
    for result in shown:
        grid.add_row(
            f"[{STYLE[result.status]}]{result.status.value}[/]", result.check, result.title, result.message
        )
    return grid


def as_json(run: Run) -> dict[str, Any]:
    return {
        "passed": run.exit_code == 0,
        "exit_code": int(run.exit_code),
        "summary": {status.value: run.count(status) for status in Status},
        "seconds": round(run.seconds, 2),
        "retry": {"wait": run.wait, "waited": round(run.waited, 2), "note": run.retry_note},
        "results": [result.model_dump(mode="json") for result in run.results],
    }


def junit(run: Run) -> str:
    """One testsuite per check class, one testcase per catalog entry; warnings are passes with system-out."""
    by_check: dict[str, list[CheckResult]] = defaultdict(list)
    for result in run.results:
        by_check[result.check].append(result)
    suites = ET.Element(
        "testsuites",
        name="fundament net verify",
        tests=str(len(run.results)),
        failures=str(run.count(Status.FAIL)),
        errors=str(run.count(Status.ERROR)),
        time=f"{run.seconds:.3f}",
    )
    for check, results in by_check.items():
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=check,
            tests=str(len(results)),
            failures=str(sum(r.status is Status.FAIL for r in results)),
            errors=str(sum(r.status is Status.ERROR for r in results)),
            skipped="0",
        )
        for result in results:
            case = ET.SubElement(suite, "testcase", classname=f"verify.{check}", name=result.title)
            if result.status is Status.FAIL:
                ET.SubElement(case, "failure", message=result.message, type="fail").text = result.message
            elif result.status is Status.ERROR:
                ET.SubElement(case, "error", message=result.message, type="error").text = result.message
            out = f"{result.status.value}: {result.message}\ntags: {', '.join(result.tags)}"
            out += f"\nattempts: {result.attempts}"
            ET.SubElement(case, "system-out").text = out
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(run: Run) -> str:
    icon = {Status.PASS: "✅", Status.FAIL: "❌", Status.WARN: "⚠️", Status.ERROR: "💥"}
    verdict = {0: "passed", 1: "FAILED", 3: "passed with warnings"}.get(int(run.exit_code), "failed")
    lines = [
        f"# Network verification: {verdict}",
        "",
        summary(run),
        "",
        "| status | count |",
        "|---|---|",
        *(f"| {icon[status]} {status.value} | {run.count(status)} |" for status in Status),
        "",
    ]
    problems = [result for result in run.results if result.status is not Status.PASS]
    if problems:
        lines += ["## Problems", "", "| status | check | subject | message |", "|---|---|---|---|"]
        lines += [
            f"| {icon[r.status]} {r.status.value} | {r.check} | {_cell(r.title)} | {_cell(r.message)} |"
            for r in sorted(problems, key=lambda r: ORDER[r.status])
        ]
        lines.append("")
    lines += [
        "## All checks",
        "",
        "| status | check | subject | result | tags | attempts |",
        "|---|---|---|---|---|---|",
    ]
    for r in run.results:
        cells = [
            icon[r.status],
            r.check,
            _cell(r.title),
            _cell(r.message),
            ", ".join(r.tags),
            str(r.attempts),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
