"""Build the Linux one-folder bundle and the .deb (``make installer``).

Steps: PyInstaller with ``installer/urbanops.spec`` → strip debug symbols from the bundle's ELF files where that is
safe → print the unpacked size against the 250 MB target → lay out a Debian package tree (``/opt/urbanops``,
``/usr/bin/urbanops``, desktop entry, hicolor icons) → ``dpkg-deb --build``.

Stripping is checked file by file: wheel libraries rewritten by patchelf (auditwheel) can come out of ``strip`` with
LOAD segments whose offset and address disagree modulo the page size, which the loader refuses ("ELF load command
address/offset not page-aligned", seen with numpy's OpenBLAS). Such a result is thrown away and the original kept.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
INSTALLER = REPO / "installer"
DIST = INSTALLER / "dist"
WORK = INSTALLER / "build"
BUNDLE = DIST / "urbanops"
ICON_DIR = INSTALLER / "icons"
HICOLOR_SIZES_PX = (16, 24, 32, 48, 64, 128, 256, 512)
SIZE_TARGET_MB = 250.0
DEB_DEPENDS = (  # libc6 is added by build_deb with the glibc version the bundle actually needs (see glibc_needed)
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libglib2.0-0 | libglib2.0-0t64",
    "libx11-xcb1",
    "libxcb1",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-cursor0",
    "libxcb-xinerama0",
)
DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Version=1.0
Name=Urbanops Command Console
Name[zh_CN]=长宁区城管指挥调度台
GenericName=Urban management command and dispatch
GenericName[zh_CN]=城管指挥调度
Comment=Closed-loop case handling, dispatch and live map for the urban-management enforcement bureau
Comment[zh_CN]=城市管理执法：案件闭环处置、指挥派遣与实时地图
Exec=urbanops demo
Icon=urbanops
Terminal=false
Categories=Office;Geography;
Keywords=城管;指挥;调度;GIS;dispatch;
StartupWMClass=urbanops
"""
LAUNCHER = """#!/bin/sh
# urbanops launcher: the bundle lives in /opt/urbanops.
exec /opt/urbanops/urbanops "$@"
"""


def version() -> str:
    for line in (REPO / "console" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("no __version__ in console/__init__.py")


def tree_size_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def is_elf(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"\x7fELF"


def load_segments_aligned(path: Path) -> bool:
    """True when every PT_LOAD segment of a 64-bit little-endian ELF has offset ≡ vaddr (mod its alignment)."""
    data = path.read_bytes()
    if len(data) < 64 or data[4] != 2 or data[5] != 1:
        return False
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr = struct.unpack_from("<IIQQ", data, phoff + i * phentsize)
        p_align = struct.unpack_from("<Q", data, phoff + i * phentsize + 48)[0]
        if p_type == 1 and p_align > 1 and (p_offset - p_vaddr) % p_align != 0:
            return False
    return True


def strip_bundle(root: Path) -> int:
    """Strip ELF files in place where the result stays loadable; returns the bytes saved."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found: bundle left unstripped")
        return 0
    saved = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink() or not is_elf(path) or path == root / "urbanops":
            continue  # the executable carries the PYZ archive appended after its ELF image: never strip it
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / path.name
            result = subprocess.run([strip, "--strip-unneeded", "-o", str(out), str(path)], capture_output=True)
            if result.returncode != 0 or not load_segments_aligned(out):
                continue
            before, after = path.stat().st_size, out.stat().st_size
            if after < before:
                mode = path.stat().st_mode
                shutil.copyfile(out, path)
                os.chmod(path, mode)
                saved += before - after
    return saved


def glibc_needed(root: Path) -> str:
    """Highest GLIBC_x.y symbol version any ELF file in the bundle needs (objdump -T), e.g. "2.36".

    The bundle runs only where glibc is at least this new: built on Debian 12 that is 2.36 (Ubuntu 22.04, UOS 20 and
    Kylin V10 are older) — build on the oldest target system to reach them; the .deb states the real floor.
    """
    objdump = shutil.which("objdump")
    best = (2, 17)
    if objdump is None:
        return "2.28"
    for path in root.rglob("*"):
        if not path.is_file() or path.is_symlink() or not is_elf(path):
            continue
        out = subprocess.run([objdump, "-T", str(path)], capture_output=True, text=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", out):
            best = max(best, (int(major), int(minor)))
    return f"{best[0]}.{best[1]}"


def build_bundle() -> None:
    cmd = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(DIST), "--workpath", str(WORK), str(INSTALLER / "urbanops.spec"),
    ]  # fmt: skip
    subprocess.run(cmd, check=True, cwd=REPO)


def build_deb(out_dir: Path) -> Path:
    ver = version()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        shutil.copytree(BUNDLE, root / "opt" / "urbanops", symlinks=True)
        bin_dir = root / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / "urbanops").write_text(LAUNCHER, encoding="utf-8")
        (bin_dir / "urbanops").chmod(0o755)
        apps = root / "usr" / "share" / "applications"
        apps.mkdir(parents=True)
        (apps / "urbanops.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        for side_px in HICOLOR_SIZES_PX:
            icon_dir = root / "usr" / "share" / "icons" / "hicolor" / f"{side_px}x{side_px}" / "apps"
            icon_dir.mkdir(parents=True)
            shutil.copyfile(ICON_DIR / f"urbanops-{side_px}.png", icon_dir / "urbanops.png")
        installed_kb = tree_size_bytes(root) // 1024
        depends = (f"libc6 (>= {glibc_needed(BUNDLE)})", *DEB_DEPENDS)
        debian = root / "DEBIAN"
        debian.mkdir()
        control = (
            "Package: urbanops\n"
            f"Version: {ver}\n"
            "Section: misc\n"
            "Priority: optional\n"
            "Architecture: amd64\n"
            f"Installed-Size: {installed_kb}\n"
            f"Depends: {', '.join(depends)}\n"
            "Maintainer: Changning urban-management bureau IT <it@example.invalid>\n"
            "Description: 长宁区城管指挥调度台 urban-management command and dispatch console\n"
            " Desktop GIS console for an urban-management enforcement bureau: closed-loop case\n"
            " handling (GB/T 30428), dispatch, live map of officers, cameras and workrooms,\n"
            " event log with a hash chain. Self-contained PyInstaller bundle in /opt/urbanops.\n"
        )
        (debian / "control").write_text(control, encoding="utf-8")
        for path in root.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        out_dir.mkdir(parents=True, exist_ok=True)
        deb = out_dir / f"urbanops_{ver}_amd64.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(deb)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--no-deb", action="store_true", help="build and measure the bundle only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    build_bundle()
    built = time.monotonic()
    saved = strip_bundle(BUNDLE)
    size_mb = tree_size_bytes(BUNDLE) / 1e6
    verdict = "within" if size_mb <= SIZE_TARGET_MB else "OVER"
    print(f"bundle: {BUNDLE}")
    print(
        f"bundle size unpacked: {size_mb:.1f} MB (target ≤ {SIZE_TARGET_MB:.0f} MB: {verdict}); strip saved "
        f"{saved / 1e6:.1f} MB; PyInstaller {built - started:.0f} s"
    )
    if not args.no_deb:
        deb = build_deb(DIST)
        print(f"deb: {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    print(f"installer build time: {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
