"""The wheel built from pyproject.toml carries the data the app needs: the icons under the
top-level `resources/` folder, installed beside `ui/` so that ui/app.py finds them the
same way as in a source checkout.

The wheel is built offline with the setuptools already installed (no build isolation, no
index); without a setuptools that can build wheels the test is skipped, saying why."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a wheel is built from: the packages, the data beside them, and the metadata files.
SOURCES = ("pyproject.toml", "README.md", "coordinator", "ui", "resources")


def wheel_backend_problem() -> str | None:
    """Why setuptools cannot build a wheel here, or None when it can.

    Read from the installed metadata rather than by importing setuptools, which would
    patch distutils inside the test process."""
    try:
        version = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return "setuptools (the build backend in pyproject.toml) is not installed"
    major, minor = (int(part) for part in version.split(".")[:2])
    if (major, minor) >= (70, 1) or find_spec("wheel") is not None:
        return None
    return (f"setuptools {version} builds wheels only with the 'wheel' package, which is not "
            "installed; `pip install -e .[dev]` installs setuptools>=70.1")


def build_wheel(dest: Path) -> Path:
    """Build the project's wheel from a copy of the sources (the build writes build/ and
    an egg-info folder into the tree it builds)."""
    tree = dest / "src"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            tree.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "-w", str(dest / "dist")],
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (dest / "dist").glob("coordinator-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    problem = wheel_backend_problem()
    if problem:
        pytest.skip(f"cannot build the wheel offline: {problem}")
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_wheel_carries_every_file_under_resources(wheel: Path) -> None:
    expected = {path.relative_to(ROOT).as_posix() for path in (ROOT / "resources").rglob("*")
                if path.is_file()}
    assert any(name.startswith("resources/icons/") for name in expected)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert expected <= names, sorted(expected - names)
    assert "ui/app.py" in names and "coordinator/resources/fonts/DejaVuSans.ttf" in names


def test_app_finds_its_icons_when_installed_from_the_wheel(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
    script = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "import ui.app\n"
        "assert ui.app.__file__.startswith(sys.argv[1]), ui.app.__file__\n"
        "app = QApplication([])\n"
        "icon = ui.app.app_icon()\n"
        "assert not icon.isNull() and len(icon.availableSizes()) >= 5, icon.availableSizes()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(installed), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script, str(installed)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

