"""Smoke test of the built bundle (``make installer-test``): the frozen program starts, migrates and draws.

Runs ``urbanops --version``, ``urbanops db upgrade`` and ``urbanops demo --screenshot ... --quit-after 5`` offscreen
from ``installer/dist/urbanops`` against a throw-away SQLite file; checks exit codes and that the PNG exists, is
large and has many distinct colours (not a blank window). Exits non-zero naming the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

BUNDLE_EXE = Path(__file__).resolve().parent / "dist" / "urbanops" / "urbanops"
MIN_PNG_BYTES = 50_000
MIN_DISTINCT_COLOURS = 200
DEMO_TIMEOUT_S = 300


def run(exe: Path, args: list[str], env: dict[str, str], timeout_s: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=timeout_s)


def distinct_colours(png: Path) -> int:
    """Count distinct RGB values on a 64×64 sample grid, read with Qt from the venv (not from the bundle)."""
    from PySide6.QtGui import QGuiApplication, QImage

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(str(png))
    if image.isNull():
        return 0
    step_x, step_y = max(1, image.width() // 64), max(1, image.height() // 64)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)})


def check(bundle_exe: Path = BUNDLE_EXE) -> list[str]:
    """Run the three checks; return the failures (empty when the bundle is good)."""
    failures: list[str] = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("URBANOPS_DB", None)
    with tempfile.TemporaryDirectory(prefix="urbanops-smoke-") as tmp:
        env["URBANOPS_SETTINGS_DIR"] = str(Path(tmp) / "settings")
        db_url = f"sqlite:///{tmp}/smoke.db"
        png = Path(tmp) / "smoke.png"
        version = run(bundle_exe, ["--version"], env)
        if version.returncode != 0 or not version.stdout.startswith("urbanops "):
            failures.append(
                f"--version: exit {version.returncode}, output {version.stdout!r} {version.stderr[-500:]!r}"
            )
        upgrade = run(bundle_exe, ["db", "upgrade", "--db", db_url], env)
        if upgrade.returncode != 0 or "revision" not in upgrade.stdout:
            failures.append(f"db upgrade: exit {upgrade.returncode}: {upgrade.stdout[-300:]} {upgrade.stderr[-800:]}")
        demo = run(
            bundle_exe, ["demo", "--db", db_url, "--screenshot", str(png), "--quit-after", "5"], env, DEMO_TIMEOUT_S
        )
        if demo.returncode != 0:
            failures.append(f"demo: exit {demo.returncode}: {demo.stderr[-1500:]}")
        if not png.is_file():
            failures.append("demo: no screenshot written")
        elif png.stat().st_size < MIN_PNG_BYTES:
            failures.append(f"demo: screenshot only {png.stat().st_size} bytes")
        else:
            colours = distinct_colours(png)
            if colours < MIN_DISTINCT_COLOURS:
                failures.append(f"demo: screenshot has only {colours} distinct colours (blank window?)")
            else:
                print(f"screenshot {png.stat().st_size} bytes, {colours} distinct colours on the sample grid")
    return failures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    exe = Path(args[0]) if args else BUNDLE_EXE  # another bundle, e.g. installer\dist\urbanops\urbanops.exe
    if not exe.is_file():
        print(f"no bundle at {exe}: run 'make installer' first", file=sys.stderr)
        return 2
    failures = check(exe)
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    print("installer smoke test: " + ("1 passed, 0 failed" if not failures else "0 passed, 1 failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
