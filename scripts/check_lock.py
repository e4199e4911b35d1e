"""Check that the lock files pin every dependency pyproject.toml declares, at a version it allows.

Usage: python scripts/check_lock.py [PROJECT_DIR]. Prints each mismatch and exits 1; refresh the
locks with `make lock` after changing the dependencies.
"""

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==([^\s;#]+)")


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonicalize_name(match.group(1).split("[")[0])] = match.group(2)
    return found


def problems(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    runtime = project.get("dependencies", [])
    test = runtime + project.get("optional-dependencies", {}).get("test", [])
    for lock, wanted in (("requirements.txt", runtime), ("requirements-test.txt", test)):
        pinned = pins(root / lock)
        for text in wanted:
            requirement = Requirement(text)
            version = pinned.get(canonicalize_name(requirement.name))
            if version is None:
                yield f"{lock}: {text} is not pinned"
            elif not requirement.specifier.contains(version, prereleases=True):
                yield f"{lock}: {text} is pinned at {version}"


def main():
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    found = list(problems(root))
    for problem in found:
        print(problem)
    if found:
        print("The lock files are out of step with pyproject.toml: run `make lock` and commit them.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
