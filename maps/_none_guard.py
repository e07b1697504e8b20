"""Work around PySide6 6.12 on CPython 3.11: every void Qt method (QPainter.setPen, drawRect, …) returns ``None``
without taking a reference, so None's refcount falls by one per call and the process aborts with
"Fatal Python error: none_dealloc" after a few thousand paint calls (CPython ≥ 3.12 has an immortal None, where the
missing incref is harmless). The same happens with True/False ("bool_dealloc"). We give these singletons a refcount no
run can exhaust (2**60), which is what 3.12 does in effect.
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 60


def make_none_immortal() -> None:
    """Idempotent; a no-op on CPython ≥ 3.12 and on other interpreters."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (None, True, False, Ellipsis, NotImplemented):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the first field of PyObject
        if refcnt.value < _BALLAST:
            refcnt.value += _BALLAST
