"""Workroom QR codes: the URL each code carries, its module matrix (``qrcode`` package) and a PNG of it.

The PNG encoder is a few lines of zlib so that no imaging library is needed; the printable PDF sheet is drawn with
Qt in widgets/qr_sheet.py (the bundled CJK font, vector QR modules). Both consume ``SheetContent`` from here.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from urllib.parse import quote

import qrcode  # type: ignore[import-untyped]
import qrcode.constants  # type: ignore[import-untyped]

INSTRUCTIONS_ZH = (
    "1. 用手机微信或相机扫描二维码。",
    "2. 选择问题类别，简要描述情况，可拍照上传。",
    "3. 位置默认为本工作室，也可填写手机定位的经纬度。",
    "4. 提交后请记下诉求编号，可随时扫码查询处理进度。",
)


def form_url(base_url: str, workroom_id: str) -> str:
    """The complaint form of a workroom on the gateway, e.g. http://gw.example:8311/qr/WR001."""
    return f"{base_url.rstrip('/')}/qr/{quote(workroom_id, safe='')}"


def qr_matrix(text: str) -> list[list[bool]]:
    """Dark/light modules (without the quiet zone), error correction M (survives some dirt on a printed sheet)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(v) for v in row] for row in code.get_matrix()]


def png_bytes(matrix: list[list[bool]], scale: int = 8, border: int = 4) -> bytes:
    """An 8-bit greyscale PNG of the matrix with a ``border``-module quiet zone, ``scale`` pixels per module."""
    n = len(matrix)
    size = (n + 2 * border) * scale
    light_row = b"\x00" + b"\xff" * size
    rows: list[bytes] = [light_row] * (border * scale)
    for mrow in matrix:
        line = bytearray(b"\xff" * (border * scale))
        for dark in mrow:
            line += (b"\x00" if dark else b"\xff") * scale
        line += b"\xff" * (border * scale)
        rows.extend([b"\x00" + bytes(line)] * scale)
    rows.extend([light_row] * (border * scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


@dataclass(frozen=True)
class SheetContent:
    """What one printed sheet says: the workroom, where it is, the code and how to use it."""

    workroom_id: str
    name: str
    address: str
    url: str
    matrix: list[list[bool]]
    title: str = "城管社区工作室 · 扫码反映问题"
    instructions: tuple[str, ...] = INSTRUCTIONS_ZH
