"""Analytics (可视化分析研判): KPI engine over the event log, performance evaluation, exports.

Qt-free; the wall display, dashboard and PDF report in ``widgets/`` render what this package computes.
"""
