"""Map presentation on Qt + pyqtgraph: canvas, layers, symbology, exports."""

from maps._none_guard import make_none_immortal

make_none_immortal()
