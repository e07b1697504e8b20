"""Duty and personnel UI (网上勤务, 人员管理): roster calendar, personnel list, patrol coverage layer, main-window hook."""
