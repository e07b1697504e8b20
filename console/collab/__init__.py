"""Collaboration (协同办公), shift handover (交接班), community workrooms (社区工作室) and neighbourhood workstations
(城运工作站): Qt-free rules and services. Every change is an event through ``CaseWriter``."""
