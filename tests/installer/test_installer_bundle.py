"""The built bundle and .deb (from ``make installer``) start, migrate, draw, and carry what they must.

Skipped with a reason when no bundle was built: ``make test`` does not build one; ``make installer-test`` does.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "installer" / "dist" / "urbanops"
INTERNAL = BUNDLE / "_internal"

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(not (BUNDLE / "urbanops").is_file(), reason="no bundle: run 'make installer' first"),
]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}", REPO / "installer" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_installer_bundle_runs_version_upgrade_and_demo_screenshot() -> None:
    smoke = _load("smoke_test")
    assert smoke.check(BUNDLE / "urbanops") == []


def test_installer_bundle_holds_every_resource_and_migration() -> None:
    for src_root, dest_root in (
        (REPO / "resources", INTERNAL / "resources"),
        (REPO / "console" / "storage" / "migrations", INTERNAL / "console" / "storage" / "migrations"),
    ):
        wanted = [
            p.relative_to(src_root)
            for p in src_root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        ]
        assert wanted, src_root
        missing = [str(rel) for rel in wanted if not (dest_root / rel).is_file()]
        assert missing == [], f"not in the bundle: {missing[:10]}"


def test_installer_bundle_leaves_out_unused_heavy_modules() -> None:
    present = {p.name for p in INTERNAL.rglob("*")}
    for unwanted in ("QtWebEngineCore.abi3.so", "Qt3DCore.abi3.so", "QtQuick.abi3.so", "libQt6Quick.so.6", "_tkinter"):
        assert not any(name.startswith(unwanted) for name in present), unwanted
    assert not (INTERNAL / "matplotlib").exists()
    assert not (INTERNAL / "tests").exists()


def _deb() -> Path:
    debs = sorted((REPO / "installer" / "dist").glob("urbanops_*_amd64.deb"))
    if not debs:
        pytest.skip("no .deb: run 'make installer' (not --no-deb)")
    return debs[-1]


def test_installer_deb_layout_desktop_entry_and_depends() -> None:
    deb = _deb()
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in (
        "./opt/urbanops/urbanops",
        "./opt/urbanops/_internal/resources/fonts/wqy-microhei.ttc",
        "./usr/bin/urbanops",
        "./usr/share/applications/urbanops.desktop",
        "./usr/share/icons/hicolor/48x48/apps/urbanops.png",
        "./usr/share/icons/hicolor/256x256/apps/urbanops.png",
    ):
        assert f" {path}" in listing, path
    depends = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True, text=True, check=True).stdout
    for package in ("libxkbcommon0", "libegl1", "libfontconfig1", "libdbus-1-3"):
        assert package in depends
    build = _load("build_linux")
    assert f"libc6 (>= {build.glibc_needed(BUNDLE)})" in depends  # the real glibc floor of what was bundled
    desktop = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True
    ).stdout  # the tar stream; the entry's text is stored uncompressed inside it
    assert "Name[zh_CN]=长宁区城管指挥调度台".encode() in desktop
