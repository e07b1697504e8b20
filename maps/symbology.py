"""Symbologies: how a point layer's style arrays become pre-rendered symbols.

Each symbology turns per-point style arrays (status, category, priority, …) into an integer symbol key per point,
plus a cluster rank (what colours a cluster badge: the "worst" member), a rotation (heading) and an opacity (staleness).
Symbols are drawn once per key with QPainter paths into a :class:`SymbolAtlas`; point layers blit them with
``drawPixmapFragments``. ``legend_entries()`` feeds the layer panel.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF, QRadialGradient

from console.domain.enums import CaseStatus, Priority
from maps.text import map_font

StyleArrays = Mapping[str, npt.ArrayLike]
IntArray = npt.NDArray[np.int32]

OUTLINE_DARK = QColor(8, 12, 16, 220)
WHITE = QColor("#ffffff")


@dataclass
class SymbolKeys:
    """Per-point outputs of a symbology."""

    key: IntArray
    rank: npt.NDArray[np.int8]
    rotation_deg: npt.NDArray[np.float32]
    opacity: npt.NDArray[np.float32]
    pulse: npt.NDArray[np.bool_]


def vocab_codes(values: npt.ArrayLike | None, vocab: Sequence[str], n: int, default: int) -> IntArray:
    """Map a str (or already-int) array onto indices of ``vocab``; unknown or missing → ``default``."""
    if values is None:
        return np.full(n, default, dtype=np.int32)
    arr = np.asarray(values)
    if arr.shape[0] != n:
        raise ValueError(f"style array has {arr.shape[0]} values for {n} points")
    if arr.dtype.kind in "iu":
        out = arr.astype(np.int32)
        out[(out < 0) | (out >= len(vocab))] = default
        return out
    codes, uniques = pd.factorize(arr)
    lookup = {v: i for i, v in enumerate(vocab)}
    table = np.asarray([lookup.get(str(u), default) for u in uniques] + [default], dtype=np.int32)
    return table[codes]  # codes == -1 (missing) picks the trailing default


def _float_or_nan(values: npt.ArrayLike | None, n: int) -> npt.NDArray[np.float64]:
    if values is None:
        return np.full(n, np.nan)
    return np.asarray(values, dtype=np.float64).reshape(n)


def _bool(values: npt.ArrayLike | None, n: int, default: bool = False) -> npt.NDArray[np.bool_]:
    if values is None:
        return np.full(n, default, dtype=bool)
    return np.asarray(values, dtype=bool).reshape(n)


def alert_dot_pixmap(label: str = "3", size_px: int = 20) -> QPixmap:
    """The red corner dot of a cluster badge (number of overdue/alarming members), for legends."""
    pm = QPixmap(size_px, size_px)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(WHITE, 1.2))
    p.setBrush(QColor("#ff1744"))
    p.drawEllipse(QRectF(2, 2, size_px - 4, size_px - 4))
    p.setFont(map_font(max(size_px // 2, 7), bold=True))
    p.drawText(QRectF(0, 0, size_px, size_px), Qt.AlignmentFlag.AlignCenter, label)
    p.end()
    return pm


class SymbolAtlas:
    """Symbols rendered on demand into one pixmap grid; ``rect_table[key]`` = (sx, sy, w, h), w == 0 when absent."""

    COLS = 32

    def __init__(self, symbology: Symbology) -> None:
        self._sym = symbology
        self.cell_px = symbology.cell_px
        self.rect_table = np.zeros((symbology.key_space, 4), dtype=np.float64)
        self._slots: list[int] = []
        self.pixmap = QPixmap(self.COLS * self.cell_px, self.cell_px)
        self.pixmap.fill(Qt.GlobalColor.transparent)
        self.version = 0

    def ensure(self, keys: npt.ArrayLike) -> bool:
        """Render any key not yet in the atlas; True when the pixmap changed."""
        uniq = np.unique(np.asarray(keys, dtype=np.int64))
        missing = [int(k) for k in uniq if self.rect_table[int(k), 2] == 0]
        if not missing:
            return False
        c = self.cell_px
        first = len(self._slots)
        total = first + len(missing)
        rows = (total + self.COLS - 1) // self.COLS
        if rows * c > self.pixmap.height():
            bigger = QPixmap(self.COLS * c, rows * c)
            bigger.fill(Qt.GlobalColor.transparent)
            p = QPainter(bigger)
            p.drawPixmap(0, 0, self.pixmap)
            p.end()
            self.pixmap = bigger
        p = QPainter(self.pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for j, key in enumerate(missing):
            slot = first + j
            sx, sy = (slot % self.COLS) * c, (slot // self.COLS) * c
            p.save()
            p.translate(sx + c / 2, sy + c / 2)
            self._sym.draw_symbol(p, key)
            p.restore()
            self.rect_table[key] = (sx, sy, c, c)
            self._slots.append(key)
        p.end()
        self.version += 1
        return True


class Symbology:
    """Base: subclasses set the class attributes and implement ``compute``, ``draw_symbol`` and legend parts."""

    kind = "point"
    title_zh = "点"
    cell_px = 24
    key_space = 1
    rank_count = 1
    cluster_shape = "circle"  # or "square"
    alert_label_zh = "告警"  # what the ``pulse`` flag means; clusters show how many members have it

    def __init__(self) -> None:
        self.atlas = SymbolAtlas(self)

    def compute(self, n: int, style: StyleArrays) -> SymbolKeys:
        return SymbolKeys(
            key=np.zeros(n, dtype=np.int32),
            rank=np.zeros(n, dtype=np.int8),
            rotation_deg=np.zeros(n, dtype=np.float32),
            opacity=np.ones(n, dtype=np.float32),
            pulse=np.zeros(n, dtype=bool),
        )

    def draw_symbol(self, p: QPainter, key: int) -> None:
        p.setPen(QPen(OUTLINE_DARK, 1.5))
        p.setBrush(QColor("#cfd8dc"))
        p.drawEllipse(QPointF(0, 0), 4.5, 4.5)

    def rank_colour(self, rank: int) -> QColor:
        return QColor("#90a4ae")

    def rank_label_zh(self, rank: int) -> str:
        return self.title_zh

    def pulse_pixmap(self) -> QPixmap | None:
        return None

    def symbol_pixmap(self, key: int, size_px: int | None = None) -> QPixmap:
        """One symbol as its own pixmap (legends, tests)."""
        c = self.cell_px
        pm = QPixmap(c, c)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.translate(c / 2, c / 2)
        self.draw_symbol(p, key)
        p.end()
        if size_px is not None and size_px != c:
            pm = pm.scaled(size_px, size_px, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        return pm

    def cluster_legend(self) -> list[tuple[str, QPixmap]]:
        out = []
        for r in reversed(range(self.rank_count)):
            pm = QPixmap(20, 20)
            pm.fill(Qt.GlobalColor.transparent)
            p = QPainter(pm)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QPen(WHITE, 1.5))
            p.setBrush(self.rank_colour(r))
            if self.cluster_shape == "square":
                p.drawRoundedRect(QRectF(2, 2, 16, 16), 4, 4)
            else:
                p.drawEllipse(QRectF(2, 2, 16, 16))
            p.end()
            out.append((f"聚合：{self.rank_label_zh(r)}", pm))
        return out

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        return [(self.title_zh, self.symbol_pixmap(0, 20))]


# --------------------------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------------------------
CASE_STATUSES: list[str] = [s.value for s in CaseStatus]
CASE_CATEGORIES: list[str] = ["trash", "truck", "ad", "construction", "parking", "stall", "facility", "other"]
CASE_CATEGORY_LABELS_ZH: dict[str, str] = {
    "trash": "垃圾/环境",
    "truck": "渣土车",
    "ad": "广告",
    "construction": "施工",
    "parking": "乱停放",
    "stall": "占道经营",
    "facility": "设施",
    "other": "其他",
}
CASE_PRIORITIES: list[str] = [p.value for p in Priority] + ["none"]

CASE_STATUS_COLOURS: dict[str, str] = {
    CaseStatus.REPORTED: "#ff9100",
    CaseStatus.ACCEPTED: "#ffc400",
    CaseStatus.VERIFIED: "#ffd740",
    CaseStatus.FILED: "#ffab00",
    CaseStatus.DISPATCHED: "#40c4ff",
    CaseStatus.HANDLING: "#2979ff",
    CaseStatus.HANDLED: "#b388ff",
    CaseStatus.CHECKED: "#9c6ade",
    CaseStatus.LEGAL_REVIEW: "#7986cb",
    CaseStatus.CLOSED: "#66bb6a",
    CaseStatus.VOIDED: "#78909c",
    CaseStatus.HUNG: "#a1887f",
}

# cluster rank: higher = worse; overdue open cases outrank every status
CASE_RANK_OF_STATUS: dict[str, int] = {
    CaseStatus.CLOSED: 0,
    CaseStatus.VOIDED: 0,
    CaseStatus.HUNG: 1,
    CaseStatus.LEGAL_REVIEW: 1,
    CaseStatus.HANDLED: 1,
    CaseStatus.CHECKED: 1,
    CaseStatus.DISPATCHED: 2,
    CaseStatus.HANDLING: 2,
    CaseStatus.ACCEPTED: 3,
    CaseStatus.VERIFIED: 3,
    CaseStatus.FILED: 3,
    CaseStatus.REPORTED: 4,
}
CASE_RANK_COLOURS = ["#66bb6a", "#b388ff", "#2979ff", "#ffc400", "#ff9100"]
CASE_RANK_LABELS_ZH = ["已结案/作废", "待核查/结案", "处置中", "待核实/立案/派遣", "待受理"]

PRIORITY_RINGS: dict[str, tuple[str, float]] = {"urgent": ("#ff2d95", 3.0), "A": ("#ff6d00", 2.2), "B": ("#fff176", 1.6)}


def _glyph(p: QPainter, category: str, r: float, bg: QColor) -> None:
    """White pictogram of a case category inside a circle of radius ~r (drawn with paths, no font needed)."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(WHITE)
    if category == "trash":
        p.drawPolygon(QPolygonF([QPointF(-0.6 * r, -0.4 * r), QPointF(0.6 * r, -0.4 * r),
                                 QPointF(0.45 * r, 0.85 * r), QPointF(-0.45 * r, 0.85 * r)]))
        p.drawRect(QRectF(-0.8 * r, -0.72 * r, 1.6 * r, 0.22 * r))
        p.drawRect(QRectF(-0.25 * r, -0.95 * r, 0.5 * r, 0.2 * r))
        p.setPen(QPen(bg, 0.09 * r * 2))
        for dx in (-0.22, 0.22):
            p.drawLine(QPointF(dx * r, -0.2 * r), QPointF(dx * r * 0.85, 0.65 * r))
    elif category == "truck":
        p.drawRect(QRectF(-0.95 * r, -0.55 * r, 1.2 * r, 0.95 * r))
        p.drawPolygon(QPolygonF([QPointF(0.32 * r, -0.25 * r), QPointF(0.7 * r, -0.25 * r), QPointF(0.95 * r, 0.08 * r),
                                 QPointF(0.95 * r, 0.4 * r), QPointF(0.32 * r, 0.4 * r)]))
        p.setPen(QPen(bg, 0.12 * r))
        for cx in (-0.55, 0.6):
            p.drawEllipse(QPointF(cx * r, 0.55 * r), 0.24 * r, 0.24 * r)
    elif category == "ad":
        p.drawRect(QRectF(-0.9 * r, -0.8 * r, 1.8 * r, 1.05 * r))
        p.drawRect(QRectF(-0.12 * r, 0.2 * r, 0.24 * r, 0.75 * r))
        p.setPen(QPen(bg, 0.14 * r))
        p.drawLine(QPointF(-0.6 * r, -0.45 * r), QPointF(0.6 * r, -0.45 * r))
        p.drawLine(QPointF(-0.6 * r, -0.1 * r), QPointF(0.3 * r, -0.1 * r))
    elif category == "construction":
        p.drawPolygon(QPolygonF([QPointF(0, -0.95 * r), QPointF(0.58 * r, 0.62 * r), QPointF(-0.58 * r, 0.62 * r)]))
        p.drawRect(QRectF(-0.88 * r, 0.62 * r, 1.76 * r, 0.3 * r))
        p.setPen(QPen(bg, 0.2 * r))
        p.drawLine(QPointF(-0.3 * r, -0.05 * r), QPointF(0.3 * r, -0.05 * r))
    elif category == "parking":
        path = QPainterPath()
        font = map_font(max(round(1.9 * r), 6), bold=True)
        path.addText(QPointF(0, 0), font, "P")
        br = path.boundingRect()
        p.drawPath(path.translated(-br.center().x(), -br.center().y()))
    elif category == "stall":
        p.drawRect(QRectF(-0.9 * r, -0.8 * r, 1.8 * r, 0.42 * r))
        for i in range(4):
            p.drawEllipse(QPointF((-0.675 + 0.45 * i) * r, -0.38 * r), 0.22 * r, 0.18 * r)
        p.drawRect(QRectF(-0.75 * r, 0.25 * r, 1.5 * r, 0.55 * r))
        p.setPen(QPen(WHITE, 0.14 * r))
        p.drawLine(QPointF(-0.8 * r, -0.3 * r), QPointF(-0.8 * r, 0.8 * r))
        p.drawLine(QPointF(0.8 * r, -0.3 * r), QPointF(0.8 * r, 0.8 * r))
    elif category == "facility":
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(WHITE, 0.22 * r))
        p.drawEllipse(QPointF(0, 0), 0.75 * r, 0.75 * r)
        p.setPen(QPen(WHITE, 0.16 * r))
        for k in (-0.3, 0.0, 0.3):
            p.drawLine(QPointF(-0.55 * r, k * r * 1.4), QPointF(0.55 * r, k * r * 1.4))
    else:
        for cx in (-0.55, 0.0, 0.55):
            p.drawEllipse(QPointF(cx * r, 0), 0.2 * r, 0.2 * r)


class CaseSymbology(Symbology):
    """Case: category pictogram in a circle filled by status, ring by priority, red-light halo when overdue."""

    kind = "cases"
    title_zh = "案件"
    cell_px = 40
    key_space = len(CASE_STATUSES) * len(CASE_CATEGORIES) * len(CASE_PRIORITIES) * 2
    rank_count = len(CASE_RANK_COLOURS)
    alert_label_zh = "超期"
    RADIUS = 9.0

    def compute(self, n: int, style: StyleArrays) -> SymbolKeys:
        s = vocab_codes(style.get("status"), CASE_STATUSES, n, 0)
        c = vocab_codes(style.get("category_icon"), CASE_CATEGORIES, n, len(CASE_CATEGORIES) - 1)
        pr = vocab_codes(style.get("priority"), CASE_PRIORITIES, n, len(CASE_PRIORITIES) - 1)
        overdue = _bool(style.get("overdue"), n)
        status_rank = np.asarray([CASE_RANK_OF_STATUS[CaseStatus(v)] for v in CASE_STATUSES], dtype=np.int8)
        is_open = np.asarray([CaseStatus(v).is_open for v in CASE_STATUSES], dtype=bool)
        overdue_open = overdue & is_open[s]  # a closed case is no longer a red light
        rank = status_rank[s]
        nc, npr = len(CASE_CATEGORIES), len(CASE_PRIORITIES)
        key = (((s * nc + c) * npr + pr) * 2 + overdue_open.astype(np.int32)).astype(np.int32)
        return SymbolKeys(
            key=key,
            rank=rank,
            rotation_deg=np.zeros(n, dtype=np.float32),
            opacity=np.ones(n, dtype=np.float32),
            pulse=overdue_open,
        )

    @staticmethod
    def key_of(status: str, category: str, priority: str = "none", overdue: bool = False) -> int:
        s = CASE_STATUSES.index(status)
        c = CASE_CATEGORIES.index(category)
        pr = CASE_PRIORITIES.index(priority)
        return ((s * len(CASE_CATEGORIES) + c) * len(CASE_PRIORITIES) + pr) * 2 + int(overdue)

    @staticmethod
    def decode(key: int) -> tuple[str, str, str, bool]:
        overdue = bool(key % 2)
        key //= 2
        pr = key % len(CASE_PRIORITIES)
        key //= len(CASE_PRIORITIES)
        c = key % len(CASE_CATEGORIES)
        s = key // len(CASE_CATEGORIES)
        return CASE_STATUSES[s], CASE_CATEGORIES[c], CASE_PRIORITIES[pr], overdue

    def draw_symbol(self, p: QPainter, key: int) -> None:
        status, category, priority, overdue = self.decode(key)
        r = self.RADIUS
        if overdue:
            g = QRadialGradient(QPointF(0, 0), 19.0)
            g.setColorAt(0.0, QColor(255, 23, 68, 235))
            g.setColorAt(0.5, QColor(255, 23, 68, 150))
            g.setColorAt(1.0, QColor(255, 23, 68, 0))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(g))
            p.drawEllipse(QPointF(0, 0), 19.0, 19.0)
        ring = PRIORITY_RINGS.get(priority)
        if ring is not None:
            colour, width = ring
            p.setPen(QPen(OUTLINE_DARK, width + 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(0, 0), r + 1.0 + width / 2, r + 1.0 + width / 2)
            p.setPen(QPen(QColor(colour), width))
            p.drawEllipse(QPointF(0, 0), r + 1.0 + width / 2, r + 1.0 + width / 2)
        fill = QColor(CASE_STATUS_COLOURS[CaseStatus(status)])
        p.setPen(QPen(OUTLINE_DARK, 1.2))
        p.setBrush(fill)
        p.drawEllipse(QPointF(0, 0), r, r)
        _glyph(p, category, r * 0.6, fill.darker(135))

    def rank_colour(self, rank: int) -> QColor:
        return QColor(CASE_RANK_COLOURS[max(0, min(rank, len(CASE_RANK_COLOURS) - 1))])

    def rank_label_zh(self, rank: int) -> str:
        return CASE_RANK_LABELS_ZH[max(0, min(rank, len(CASE_RANK_LABELS_ZH) - 1))]

    def pulse_pixmap(self) -> QPixmap:
        pm = QPixmap(self.cell_px, self.cell_px)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor(255, 23, 68, 230), 2.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(self.cell_px / 2, self.cell_px / 2), 16.0, 16.0)
        p.end()
        return pm

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        out: list[tuple[str, QPixmap]] = []
        for st in CaseStatus:
            out.append((f"状态：{st.label_zh}", self.symbol_pixmap(self.key_of(st.value, "other"), 22)))
        for cat in CASE_CATEGORIES:
            out.append((f"类别：{CASE_CATEGORY_LABELS_ZH[cat]}", self.symbol_pixmap(self.key_of("dispatched", cat), 22)))
        for pr in ("urgent", "A", "B"):
            out.append((f"优先级：{Priority(pr).label_zh}", self.symbol_pixmap(self.key_of("dispatched", "other", pr), 22)))
        out.append(("超期（红灯）", self.symbol_pixmap(self.key_of("handling", "other", "none", True), 22)))
        return out + self.cluster_legend() + [("聚合右上角红点：超期件数", alert_dot_pixmap())]


# --------------------------------------------------------------------------------------------------------------------
# Officers
# --------------------------------------------------------------------------------------------------------------------
OFFICER_STATUSES: list[str] = ["on_duty_idle", "en_route", "on_scene", "busy", "off_duty", "break"]
OFFICER_STATUS_LABELS_ZH: dict[str, str] = {
    "on_duty_idle": "在岗空闲",
    "en_route": "赶赴途中",
    "on_scene": "现场处置",
    "busy": "忙碌",
    "off_duty": "下班",
    "break": "休息",
}
OFFICER_STATUS_COLOURS: dict[str, str] = {
    "on_duty_idle": "#00e676",
    "en_route": "#00b0ff",
    "on_scene": "#ffab40",
    "busy": "#ff7043",
    "off_duty": "#90a4ae",
    "break": "#cfd8dc",
}
# cluster colour = most available member (a dispatcher looks for free officers)
OFFICER_RANK: dict[str, int] = {"off_duty": 0, "break": 1, "busy": 2, "on_scene": 3, "en_route": 4, "on_duty_idle": 5}
STALE_FIX_S = 120.0
STALE_OPACITY = 0.6  # with the hollow grey ring; the ring carries the meaning, opacity only softens it
STALE_GREY = QColor("#9e9e9e")


class OfficerSymbology(Symbology):
    """Officer: dot coloured by status, heading arrow when known; a stale fix (older than ``stale_after_s``, default
    120 s, set from the live-feed configuration) draws a hollow grey ring instead of the filled dot, and fainter."""

    kind = "officers"
    title_zh = "执法队员"
    cell_px = 32
    key_space = len(OFFICER_STATUSES) * 4  # status × heading × stale
    rank_count = 6
    cluster_shape = "square"

    def __init__(self, stale_after_s: float = STALE_FIX_S) -> None:
        super().__init__()
        self.stale_after_s = stale_after_s

    def compute(self, n: int, style: StyleArrays) -> SymbolKeys:
        s = vocab_codes(style.get("status"), OFFICER_STATUSES, n, OFFICER_STATUSES.index("off_duty"))
        heading = _float_or_nan(style.get("heading_deg"), n)
        has_heading = np.isfinite(heading)
        fix_age = _float_or_nan(style.get("fix_age_s"), n)
        stale = ~(fix_age <= self.stale_after_s)  # NaN age counts as stale
        rank_table = np.asarray([OFFICER_RANK[v] for v in OFFICER_STATUSES], dtype=np.int8)
        return SymbolKeys(
            key=((s * 2 + (has_heading & ~stale).astype(np.int32)) * 2 + stale.astype(np.int32)).astype(np.int32),
            rank=rank_table[s],
            rotation_deg=np.where(has_heading, heading, 0.0).astype(np.float32),
            opacity=np.where(stale, STALE_OPACITY, 1.0).astype(np.float32),
            pulse=np.zeros(n, dtype=bool),
        )

    def draw_symbol(self, p: QPainter, key: int) -> None:
        stale = bool(key % 2)
        status = OFFICER_STATUSES[key // 4]
        has_heading = bool((key // 2) % 2)
        colour = QColor(OFFICER_STATUS_COLOURS[status])
        if stale:  # hollow grey ring, status colour only as a thin inner ring: "last known place, not live"
            p.setPen(QPen(STALE_GREY, 2.6))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(0, 0), 7.0, 7.0)
            p.setPen(QPen(colour, 1.2))
            p.drawEllipse(QPointF(0, 0), 4.2, 4.2)
            return
        if has_heading:
            p.setPen(QPen(OUTLINE_DARK, 1.2))
            p.setBrush(colour)
            p.drawPolygon(QPolygonF([QPointF(0, -14.5), QPointF(-5.0, -6.5), QPointF(5.0, -6.5)]))
        p.setPen(QPen(WHITE, 1.6))
        p.setBrush(colour)
        p.drawEllipse(QPointF(0, 0), 7.0, 7.0)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(10, 20, 30, 230))
        p.drawEllipse(QPointF(0, -2.0), 1.9, 1.9)
        p.drawPie(QRectF(-3.6, 0.6, 7.2, 6.0), 0, 180 * 16)

    def rank_colour(self, rank: int) -> QColor:
        for status, r in OFFICER_RANK.items():
            if r == rank:
                return QColor(OFFICER_STATUS_COLOURS[status])
        return QColor("#90a4ae")

    def rank_label_zh(self, rank: int) -> str:
        for status, r in OFFICER_RANK.items():
            if r == rank:
                return f"含{OFFICER_STATUS_LABELS_ZH[status]}"
        return self.title_zh

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        out = [(OFFICER_STATUS_LABELS_ZH[s], self.symbol_pixmap(i * 4, 22)) for i, s in enumerate(OFFICER_STATUSES)]
        out.append(("有朝向（箭头）", self.symbol_pixmap(2, 22)))
        faded = QPixmap(self.symbol_pixmap(1, 22).size())
        faded.fill(Qt.GlobalColor.transparent)
        p = QPainter(faded)
        p.setOpacity(STALE_OPACITY)
        p.drawPixmap(0, 0, self.symbol_pixmap(1, 22))
        p.end()
        out.append((f"定位过期（>{self.stale_after_s:g}秒，空心）", faded))
        return out + self.cluster_legend()


# --------------------------------------------------------------------------------------------------------------------
# Cameras, workrooms, sensors, metro stations
# --------------------------------------------------------------------------------------------------------------------
CAMERA_KINDS = ["ai", "normal"]
FOV_BUCKETS_DEG = [0.0, 40.0, 60.0, 90.0, 120.0]


def fov_bucket(fov_deg: npt.NDArray[np.float64]) -> IntArray:
    """0 = unknown; else the nearest of 40/60/90/120 degrees."""
    known = np.isfinite(fov_deg) & (fov_deg > 0)
    centres = np.asarray(FOV_BUCKETS_DEG[1:])
    nearest = np.argmin(np.abs(np.nan_to_num(fov_deg)[:, None] - centres[None, :]), axis=1) + 1
    return np.where(known, nearest, 0).astype(np.int32)


class CameraSymbology(Symbology):
    """Camera: body plus a translucent viewing wedge (field of view) rotated to the heading, when both are known."""

    kind = "cameras"
    title_zh = "摄像头"
    cell_px = 64
    key_space = len(CAMERA_KINDS) * 2 * len(FOV_BUCKETS_DEG)
    rank_count = 3

    def compute(self, n: int, style: StyleArrays) -> SymbolKeys:
        k = vocab_codes(style.get("kind"), CAMERA_KINDS, n, 1)
        online = _bool(style.get("online"), n, default=True)
        heading = _float_or_nan(style.get("heading_deg"), n)
        has_heading = np.isfinite(heading)
        fov = np.where(has_heading, fov_bucket(_float_or_nan(style.get("fov_deg"), n)), 0)
        key = ((k * 2 + online.astype(np.int32)) * len(FOV_BUCKETS_DEG) + fov).astype(np.int32)
        rank = np.where(online, np.where(k == 0, 2, 1), 0).astype(np.int8)
        return SymbolKeys(
            key=key,
            rank=rank,
            rotation_deg=np.where(has_heading, heading, 0.0).astype(np.float32),
            opacity=np.ones(n, dtype=np.float32),
            pulse=np.zeros(n, dtype=bool),
        )

    def draw_symbol(self, p: QPainter, key: int) -> None:
        fov = FOV_BUCKETS_DEG[key % len(FOV_BUCKETS_DEG)]
        rest = key // len(FOV_BUCKETS_DEG)
        online = bool(rest % 2)
        kind = CAMERA_KINDS[rest // 2]
        base = QColor("#18ffff") if kind == "ai" else QColor("#82b1ff")
        if not online:
            base = QColor("#757575")
        if fov > 0:
            radius = 28.0
            g = QRadialGradient(QPointF(0, 0), radius)
            c0, c1 = QColor(base), QColor(base)
            c0.setAlpha(120 if online else 60)
            c1.setAlpha(10)
            g.setColorAt(0.0, c0)
            g.setColorAt(1.0, c1)
            path = QPainterPath(QPointF(0, 0))
            path.arcTo(QRectF(-radius, -radius, 2 * radius, 2 * radius), 90 - fov / 2, fov)
            path.closeSubpath()
            p.setPen(QPen(QColor(base.red(), base.green(), base.blue(), 110), 1.0))
            p.setBrush(QBrush(g))
            p.drawPath(path)
        p.setPen(QPen(OUTLINE_DARK, 1.2))
        p.setBrush(base)
        p.drawRoundedRect(QRectF(-6.0, -4.0, 12.0, 9.0), 2.0, 2.0)
        p.drawRect(QRectF(-2.5, -7.0, 5.0, 3.2))
        p.setBrush(QColor(10, 20, 30))
        p.drawEllipse(QPointF(0, 0.5), 2.2, 2.2)
        if kind == "ai" and online:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#ff4081"))
            p.drawEllipse(QPointF(5.5, -4.0), 2.2, 2.2)
        if not online:
            p.setPen(QPen(QColor("#ff5252"), 1.8))
            p.drawLine(QPointF(-6, -6), QPointF(6, 6))

    def rank_colour(self, rank: int) -> QColor:
        return QColor(["#757575", "#82b1ff", "#18ffff"][max(0, min(rank, 2))])

    def rank_label_zh(self, rank: int) -> str:
        return ["离线", "普通在线", "智能在线"][max(0, min(rank, 2))]

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        nb = len(FOV_BUCKETS_DEG)
        return [
            ("智能摄像头（AI）", self.symbol_pixmap((0 * 2 + 1) * nb + 3, 24)),
            ("普通摄像头", self.symbol_pixmap((1 * 2 + 1) * nb + 3, 24)),
            ("离线摄像头", self.symbol_pixmap((1 * 2 + 0) * nb + 0, 24)),
        ]


class WorkroomSymbology(Symbology):
    """城管社区工作室: a small house."""

    kind = "workrooms"
    title_zh = "社区工作室"
    cell_px = 26

    def draw_symbol(self, p: QPainter, key: int) -> None:
        colour = QColor("#4db6ac")
        p.setPen(QPen(WHITE, 1.3))
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(0, -9.0), QPointF(8.5, -1.5), QPointF(6.0, -1.5), QPointF(6.0, 7.5),
                                 QPointF(-6.0, 7.5), QPointF(-6.0, -1.5), QPointF(-8.5, -1.5)]))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(10, 30, 30))
        p.drawRect(QRectF(-1.8, 2.0, 3.6, 5.5))

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        return [("城管社区工作室", self.symbol_pixmap(0, 22))]


SENSOR_PALETTE = ["#ffd54f", "#4fc3f7", "#aed581", "#f48fb1", "#ce93d8", "#ffb74d"]


def sensor_kind_index(kind: str) -> int:
    """Stable colour slot for a sensor kind (kinds are open-ended data, so hash rather than enumerate)."""
    return zlib.crc32(kind.encode("utf-8")) % len(SENSOR_PALETTE)


class SensorSymbology(Symbology):
    """IoT sensor: small diamond coloured by kind; large red diamond with a glow when alarming."""

    kind = "sensors"
    title_zh = "物联传感器"
    cell_px = 28
    key_space = len(SENSOR_PALETTE) * 2
    rank_count = 2

    def compute(self, n: int, style: StyleArrays) -> SymbolKeys:
        kinds = style.get("kind")
        if kinds is None:
            k = np.zeros(n, dtype=np.int32)
        else:
            codes, uniques = pd.factorize(np.asarray(kinds))
            table = np.asarray([sensor_kind_index(str(u)) for u in uniques] + [0], dtype=np.int32)
            k = table[codes]
        alarm = _bool(style.get("alarm"), n)
        return SymbolKeys(
            key=(k * 2 + alarm.astype(np.int32)).astype(np.int32),
            rank=alarm.astype(np.int8),
            rotation_deg=np.zeros(n, dtype=np.float32),
            opacity=np.ones(n, dtype=np.float32),
            pulse=alarm,
        )

    def draw_symbol(self, p: QPainter, key: int) -> None:
        alarm = bool(key % 2)
        colour = QColor("#ff1744") if alarm else QColor(SENSOR_PALETTE[key // 2])
        h = 7.0 if alarm else 4.8
        if alarm:
            g = QRadialGradient(QPointF(0, 0), 13.0)
            g.setColorAt(0.0, QColor(255, 23, 68, 200))
            g.setColorAt(1.0, QColor(255, 23, 68, 0))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QBrush(g))
            p.drawEllipse(QPointF(0, 0), 13.0, 13.0)
        p.setPen(QPen(OUTLINE_DARK, 1.2))
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(0, -h), QPointF(h, 0), QPointF(0, h), QPointF(-h, 0)]))

    def rank_colour(self, rank: int) -> QColor:
        return QColor("#ff1744") if rank > 0 else QColor("#4fc3f7")

    def rank_label_zh(self, rank: int) -> str:
        return "含告警" if rank > 0 else "正常"

    def pulse_pixmap(self) -> QPixmap:
        pm = QPixmap(self.cell_px, self.cell_px)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(QColor(255, 23, 68, 230), 2.0))
        p.drawEllipse(QPointF(self.cell_px / 2, self.cell_px / 2), 11.0, 11.0)
        p.end()
        return pm

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        return [("物联传感器", self.symbol_pixmap(0, 20)), ("传感器告警", self.symbol_pixmap(1, 20))]


class StationSymbology(Symbology):
    """Metro station: white dot with a dark ring."""

    kind = "metro_stations"
    title_zh = "地铁站"
    cell_px = 16

    def draw_symbol(self, p: QPainter, key: int) -> None:
        p.setPen(QPen(QColor("#263238"), 2.0))
        p.setBrush(WHITE)
        p.drawEllipse(QPointF(0, 0), 4.5, 4.5)

    def legend_entries(self) -> list[tuple[str, QPixmap]]:
        return [("地铁站", self.symbol_pixmap(0, 16))]

