"""Time and peak memory of `fundament inventory check` on generated designs of ~1k, 5k and 10k devices.

Goal: under 2 s at 1k devices. Runs the real command in a fresh process (start-up and imports count), and
the load in-process (what the command spends on the design itself). Prints figures; asserts nothing.
"""

import time

from scale import SITES, generated, measured

from inventory import load


def main() -> None:
    print(
        f"{'size':>5} {'devices':>8} {'links':>6} {'command s':>10} {'peak MB':>8} {'in-process load s':>18}"
    )
    for size, sites in SITES.items():
        with generated(sites) as folder:
            seconds, peak = measured("inventory", "check", "-i", str(folder))
            started = time.perf_counter()
            design = load(folder).design
            in_process = time.perf_counter() - started
            devices, links = len(design.devices), len(design.links)
            print(f"{size:>5} {devices:>8} {links:>6} {seconds:>10.2f} {peak:>8.0f} {in_process:>18.2f}")


if __name__ == "__main__":
    main()
