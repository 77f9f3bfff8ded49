"""Fixtures of the platform tests: the wheel, built once per run as a customer builds it."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The sos-serial wheel, built from a clean copy of the source."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the source alone: setuptools reuses a build/ folder it finds, and a module
    # deleted from the tree would live on there and be packed again.
    source = tmp_path_factory.mktemp("build-src") / "sos-serial"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "instance", "test-artifacts", ".hypothesis"))
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(source)],
        check=True, capture_output=True, cwd=source,
    )
    (path,) = out.glob("*.whl")
    return path
