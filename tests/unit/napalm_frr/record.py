"""Record a conformance case from a live FRR node.

    .venv/bin/python -m tests.unit.napalm_frr.record HOST CASE GETTER [key=value ...]

runs GETTER once through the real driver, keeps every command's output under
mocked_data/GETTER/CASE/ and writes what the getter returned as expected_result.json, so the
unit test replays exactly what the device said. Review the result before committing it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.unit.napalm_frr.conformance import GETTERS, MOCKED_DATA, RecordingTransport, live_driver


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[2] not in GETTERS:
        sys.stderr.write(__doc__ or "")
        return 1
    host, case, getter, *pairs = argv
    kwargs = {key: _value(value) for key, _, value in (pair.partition("=") for pair in pairs)}
    case_dir = MOCKED_DATA / getter / case
    case_dir.mkdir(parents=True, exist_ok=True)
    name, _, port = host.partition(":")
    driver = live_driver(name, int(port or 22))
    assert driver._transport is not None
    driver._transport = RecordingTransport(driver._transport, case_dir)
    result = getattr(driver, getter)(**kwargs)
    driver.close()
    if kwargs:
        (case_dir / "arguments.json").write_text(json.dumps(kwargs, indent=2) + "\n")
    (case_dir / "expected_result.json").write_text(json.dumps(result, indent=2) + "\n")
    sys.stdout.write(f"recorded {getter}/{case} in {case_dir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
