"""A numpy-backed array of QPainter.PixmapFragment, so thousands of symbols draw in one Qt call.

Same trick as pyqtgraph's ScatterPlotItem (whose helper is private): PySide6's ``drawPixmapFragments`` takes a pointer to
the first fragment and a count, so we lay out (x, y, sx, sy, sw, sh, scale_x, scale_y, rotation_deg, opacity) rows of
float64 in a numpy array and hand Qt its address. No Python object per symbol.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shiboken6
from PySide6.QtGui import QPainter, QPixmap

FIELDS = 10  # x, y, sourceLeft, sourceTop, width, height, scaleX, scaleY, rotation, opacity


class FragmentArray:
    """Reusable fragment storage; :meth:`rows` returns a writable (n, 10) view."""

    def __init__(self) -> None:
        self._buf: npt.NDArray[np.float64] = np.zeros((0, FIELDS), dtype=np.float64)
        self._n = 0

    def rows(self, n: int) -> npt.NDArray[np.float64]:
        if n > self._buf.shape[0]:
            self._buf = np.zeros((max(n, int(self._buf.shape[0] * 1.5) + 16), FIELDS), dtype=np.float64)
        self._n = n
        return self._buf[:n]

    def draw(self, painter: QPainter, atlas: QPixmap) -> None:
        if self._n == 0:
            return
        ptr = shiboken6.wrapInstance(self._buf.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(ptr, self._n, atlas)
