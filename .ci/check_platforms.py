"""Check that requirements.txt installs on the platforms learners have, from wheels only.

For each platform below: keep the pins whose environment markers hold there, ask pip which wheel it would
take for each (``pip install --dry-run --platform ... --only-binary=:all: --no-deps --report``), then check
that the pins satisfy every dependency those wheels declare for that platform. A dependency that is not
pinned at all is listed (pip will choose its version there), not failed: on Linux, PyPI's torch is the
CUDA build and brings CUDA packages that requirements.txt leaves to pip. pip's --platform changes only the wheel tags it accepts, not the markers it evaluates (they stay the
running machine's), which is why the markers are evaluated here, once per platform, with that platform's
values. The platforms are resolved in parallel (the time is spent waiting for the package index).

Usage: python .ci/check_platforms.py [requirements.txt]; exit status 1 if a platform fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYTHON = "3.11.5"  # the oldest Python 3.11 that every pin accepts (soupsieve needs 3.11.5)
# glibc 2.17 (manylinux2014) to 2.35 (Ubuntu 22.04): pip expands only the legacy manylinux names itself.
GLIBC_MINORS = range(17, 36)


@dataclass(frozen=True)
class Platform:
    name: str
    pip_platforms: tuple[str, ...]
    markers: dict[str, str]


def linux(machine: str) -> Platform:
    tags = tuple(f"manylinux_2_{minor}_{machine}" for minor in GLIBC_MINORS)
    return Platform(
        f"Linux {machine}",
        tags + (f"manylinux2014_{machine}",),
        _markers("linux", "Linux", machine),
    )


def _markers(sys_platform: str, system: str, machine: str) -> dict[str, str]:
    return {
        "sys_platform": sys_platform,
        "platform_system": system,
        "platform_machine": machine,
        "os_name": "posix",
        "python_version": PYTHON.rsplit(".", 1)[0],
        "python_full_version": PYTHON,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_version": "",
        "implementation_version": PYTHON,
        "extra": "",
    }


# macosx_14_0 also accepts wheels for macOS 11.0 to 13 (pip expands it).
PLATFORMS = (
    Platform(
        "macOS arm64",
        ("macosx_14_0_arm64",),
        _markers("darwin", "Darwin", "arm64"),
    ),
    linux("aarch64"),
)


def pins_for(platform: Platform, lines: list[str]) -> list[Requirement]:
    pins = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(
            platform.markers
        ):
            requirement.marker = None
            pins.append(requirement)
    return pins


def check(platform: Platform, lines: list[str]) -> tuple[bool, str]:
    start = time.perf_counter()
    pins = pins_for(platform, lines)
    with tempfile.TemporaryDirectory(prefix="tconv-platforms-") as tmp:
        requirements = Path(tmp, "requirements.txt")
        requirements.write_text("".join(f"{pin}\n" for pin in pins))
        report = Path(tmp, "report.json")
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            PYTHON,
            "--target",
            str(Path(tmp, "target")),
            "--quiet",
            "--report",
            str(report),
            "-r",
            str(requirements),
        ]
        for tag in platform.pip_platforms:
            command += ["--platform", tag]
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            errors = [
                line
                for line in run.stderr.splitlines()
                if line.startswith("ERROR")
            ]
            return (
                False,
                f"{platform.name}: pip found no wheel:\n  "
                + "\n  ".join(errors[-3:]),
            )
        installed = json.loads(report.read_text())["install"]
    versions = {
        canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
        for item in installed
    }
    problems, unpinned = [], []
    for item in installed:
        for text in item["metadata"].get("requires_dist", []):
            dependency = Requirement(text)
            if dependency.marker is not None and not dependency.marker.evaluate(
                platform.markers
            ):
                continue
            version = versions.get(canonicalize_name(dependency.name))
            if version is None:
                unpinned.append(
                    f"{item['metadata']['name']} needs {dependency}"
                )
            elif not dependency.specifier.contains(version, prereleases=True):
                problems.append(
                    f"{item['metadata']['name']} needs {dependency}, the pin is {version}"
                )
    seconds = time.perf_counter() - start
    if problems:
        return False, f"{platform.name}: " + "\n  ".join(
            ["the pins conflict with dependencies:"] + problems
        )
    message = f"{platform.name}: all {len(pins)} pins have wheels and satisfy each other ({seconds:.0f} s)"
    if unpinned:
        message += "\n  not pinned (pip chooses):\n  " + "\n  ".join(unpinned)
    return True, message


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.txt")
    lines = path.read_text().splitlines()
    with ThreadPoolExecutor(len(PLATFORMS)) as pool:
        results = list(
            pool.map(lambda platform: check(platform, lines), PLATFORMS)
        )
    for ok, message in results:
        print(("ok   " if ok else "FAIL ") + message)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
