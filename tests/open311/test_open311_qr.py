"""``urbanops qr``: a PNG that decodes to the QR matrix of the form URL, and a one-page A4 PDF per workroom."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from console.cli.main import main
from console.feeds.qr import form_url, png_bytes, qr_matrix
from console.services.context import ServiceContext


def _decode_grey_png(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return size[0], size[1], zlib.decompress(idat)


def test_png_pixels_are_the_qr_modules() -> None:
    matrix = qr_matrix(form_url("http://gw.example:8311/", "WR001"))
    assert len(matrix) in (25, 29, 33) and matrix[0][:7] == [True] * 7  # a finder pattern in the corner
    w, h, raw = _decode_grey_png(png_bytes(matrix, scale=3, border=4))
    n = len(matrix)
    assert w == h == (n + 8) * 3
    rows = [raw[i * (w + 1) + 1:(i + 1) * (w + 1)] for i in range(h)]
    for r in range(n):
        for c in range(n):
            assert (rows[(r + 4) * 3 + 1][(c + 4) * 3 + 1] == 0) == matrix[r][c]
    assert set(rows[0]) == {255}  # quiet zone


def test_qr_command_writes_png_and_pdf(lite_ctx: ServiceContext, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sheets"
    code = main(["qr", "--db", lite_ctx.db.url, "--out", str(out), "--workroom", "WR001",
                 "--base-url", "http://10.0.0.5:8311"])
    assert code == 0 and "1 workroom" in capsys.readouterr().out
    pdf = (out / "WR001.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page\n") <= 1
    assert b"/FontFile2" in pdf or b"/FontFile" in pdf  # the CJK font is embedded
    _decode_grey_png((out / "WR001.png").read_bytes())
    assert main(["qr", "--db", lite_ctx.db.url, "--out", str(out), "--workroom", "WR404"]) == 2
