"""Parts of the installer that need no bundle: the icons, the ELF alignment check used when stripping, the .deb text."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"installer_{name}", REPO / "installer" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _png_size_px(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_installer_icons_exist_in_every_hicolor_size() -> None:
    build = _load("build_linux")
    for side_px in build.HICOLOR_SIZES_PX:
        assert _png_size_px(REPO / "installer" / "icons" / f"urbanops-{side_px}.png") == (side_px, side_px)
    ico = (REPO / "installer" / "icons" / "urbanops.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5


def test_installer_alignment_check_accepts_a_real_library_and_refuses_a_shifted_one(tmp_path: Path) -> None:
    build = _load("build_linux")
    import _ctypes

    lib = Path(_ctypes.__file__)
    assert build.is_elf(lib)
    assert build.load_segments_aligned(lib)
    data = bytearray(lib.read_bytes())
    phoff = struct.unpack_from("<Q", data, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        base = phoff + i * phentsize
        if struct.unpack_from("<I", data, base)[0] == 1:  # first PT_LOAD: move its offset off the page grid
            offset = struct.unpack_from("<Q", data, base + 8)[0]
            struct.pack_into("<Q", data, base + 8, offset + 8)
            break
    shifted = tmp_path / "shifted.so"
    shifted.write_bytes(bytes(data))
    assert not build.load_segments_aligned(shifted)


def test_installer_desktop_entry_has_chinese_name_and_valid_keys(tmp_path: Path) -> None:
    build = _load("build_linux")
    assert "Name[zh_CN]=长宁区城管指挥调度台" in build.DESKTOP_ENTRY
    assert "Icon=urbanops" in build.DESKTOP_ENTRY
    lines = build.DESKTOP_ENTRY.strip().splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = [line.split("=", 1)[0] for line in lines[1:]]
    assert all("=" in line for line in lines[1:]) and len(keys) == len(set(keys))
    assert {"Type", "Name", "Exec", "Icon", "Categories"} <= set(keys)
    validator = shutil.which("desktop-file-validate")  # freedesktop's own check where installed
    if validator is not None:
        entry = tmp_path / "urbanops.desktop"
        entry.write_text(build.DESKTOP_ENTRY, encoding="utf-8")
        result = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_installer_spec_ships_migrations_where_migrations_api_looks() -> None:
    from console.storage import migrations_api

    spec_text = (REPO / "installer" / "urbanops.spec").read_text(encoding="utf-8")
    assert migrations_api.MIGRATIONS_DIR.relative_to(REPO).as_posix() == "console/storage/migrations"
    assert 'tree(MIGRATIONS, "console/storage/migrations")' in spec_text
    assert 'tree(REPO / "resources", "resources")' in spec_text
