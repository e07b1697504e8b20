"""Duty and personnel (网上勤务, 人员管理): shift patterns, rosters, duty status, attendance, patrol coverage.

Qt-free rules; every change goes through ``CaseWriter`` as events (``roster`` and ``officer`` entities).
"""
