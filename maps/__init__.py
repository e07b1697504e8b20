"""Map presentation on Qt + pyqtgraph: canvas, layers, symbology, exports."""
