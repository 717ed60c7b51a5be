"""Time `fundament inventory check` on generated designs up to 1,000+ devices (goal: < 2 s at 1,000).

Runs the real command in a fresh process (start-up and imports count), and the load in-process.
Prints figures; asserts nothing.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inventory import generate, load

SIZES = [(3, 2), (33, 2), (110, 2), (330, 2), (660, 2)]


def main() -> None:
    fundament = Path(sys.executable).parent / "fundament"
    print(f"{'devices':>8} {'links':>6} {'command s':>10} {'in-process load s':>18}")
    for sites, access in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            files = generate.generate(sites, access_per_site=access)
            generate.write(files, Path(folder))
            started = time.perf_counter()
            subprocess.run(
                [str(fundament), "inventory", "check", "-i", folder], check=True, capture_output=True
            )
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            load(Path(folder))
            in_process = time.perf_counter() - started
            devices, links = len(files["devices.yaml"]["devices"]), len(files["links.yaml"]["links"])
            print(f"{devices:>8} {links:>6} {seconds:>10.2f} {in_process:>18.2f}")


if __name__ == "__main__":
    main()
