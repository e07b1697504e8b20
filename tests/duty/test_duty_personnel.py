"""Personnel: import with row-level errors (CSV and XLSX), all-or-nothing or valid rows only, masking by role
(full reads audited), deactivation keeps history, device ids feed the tracker mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from console.domain.enums import Role
from console.duty.personnel import PersonnelService, officer_devices
from console.duty.tabular import ImportRejected
from console.errors import PermissionDeniedError, ValidationError
from console.services.actor import Actor
from console.services.context import ServiceContext
from console.storage.models import EventRow, OfficerRow
from tests.duty.conftest import ADMIN, DISPATCHER, HUAYANG

HEADER = "id,name,post,squad_id,subdistrict_code,rank,badge_no,cert_no,cert_expiry,skills,device_ids,phone,active\n"
GOOD = ("OF20,赵磊,队员,SQ001,,二级警长,31010500020,ZF2026-0020,2027-06-30,渣土;户外广告,dev-of20;wang/phone,"
        "13812345678,是\n")


def _events(ctx: ServiceContext) -> int:
    with ctx.db.read_session() as s:
        return int(s.scalar(select(func.count()).select_from(EventRow)) or 0)


def test_import_creates_people_as_events_and_masks_contact(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + GOOD + "IN21,钱芳,inspector,SQ005,,,,,,,,,true\n", encoding="utf-8")
    svc = PersonnelService(duty_ctx)
    report = svc.import_file(path, ADMIN)
    assert report.errors == [] and report.written == 2 and report.events == 2
    with duty_ctx.db.read_session() as s:
        row = s.get(OfficerRow, "OF20")
        assert row is not None and row.subdistrict_code == HUAYANG  # from the squad
        assert row.extra["certified"] is True and row.extra["skills"] == ["渣土", "户外广告"]
        ev = s.scalars(select(EventRow).where(EventRow.entity_id == "OF20")).one()
        assert "13812345678" not in str(ev.after) and ev.after is not None and ev.after["has_contact"] is True
    masked = {p["id"]: p for p in svc.people(DISPATCHER)}
    assert masked["OF20"]["phone"] == "138****5678" and masked["OF20"]["phone_masked"]
    before = _events(duty_ctx)
    leader = Actor(Role.SHIFT_LEADER, "zb")
    full = {p["id"]: p for p in svc.people(leader, unmask=True)}
    assert full["OF20"]["phone"] == "13812345678"
    assert _events(duty_ctx) == before + 1  # the full read is audited (pii_read), the number is not in it
    dispatcher_unmask = {p["id"]: p for p in svc.people(DISPATCHER, unmask=True)}
    assert dispatcher_unmask["OF20"]["phone"] == "138****5678"  # the role may not read personal data
    assert officer_devices(duty_ctx)["wang/phone"] == "OF20"
    # re-importing the same file changes nothing
    assert svc.import_file(path, ADMIN).events == 0


def test_bad_rows_csv_reject_everything_with_row_and_column(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + GOOD
                    + "bad id!,孙,队员,,,,,,,,,,\n"
                    + "OF22,,队员,SQ404,,,,,,,,,\n"
                    + "OF23,周,队员,,,,,,2027-13-01,,,12,maybe\n"
                    + "OF20,重复,队员,,,,,,,,dev-of20,,\n", encoding="utf-8")
    before = _events(duty_ctx)
    with pytest.raises(ImportRejected) as info:
        PersonnelService(duty_ctx).import_file(path, ADMIN)
    got = [(e.row, e.column) for e in info.value.report.errors]
    assert got == [(3, "id"), (4, "name"), (4, "squad_id"), (5, "cert_expiry"), (5, "phone"), (5, "active"),
                   (6, "id"), (6, "device_ids")]
    assert all(e.message_zh and e.message_en for e in info.value.report.errors)
    assert _events(duty_ctx) == before
    report = PersonnelService(duty_ctx).import_file(path, ADMIN, valid_only=True)
    assert report.written == 1 and len(report.errors) == 8


def test_xlsx_import_and_export_masked(duty_ctx: ServiceContext, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.strip().split(","))
    ws.append(GOOD.strip().split(","))
    ws.append(["OF24", "吴刚", "警官", None, None, None, None, None, None, None, None, None, None])  # bad post
    path = tmp_path / "people.xlsx"
    wb.save(path)
    with pytest.raises(ImportRejected) as info:
        PersonnelService(duty_ctx).import_file(path, ADMIN)
    assert [(e.row, e.column) for e in info.value.report.errors] == [(3, "post")]
    PersonnelService(duty_ctx).import_file(path, ADMIN, valid_only=True)
    out = tmp_path / "out.csv"
    PersonnelService(duty_ctx).export_file(out, DISPATCHER)
    text = out.read_text(encoding="utf-8-sig")
    assert "138****5678" in text and "13812345678" not in text
    with pytest.raises(PermissionDeniedError):
        PersonnelService(duty_ctx).export_file(out, Actor(Role.HANDLER, "x"))


def test_deactivate_keeps_history(duty_ctx: ServiceContext) -> None:
    svc = PersonnelService(duty_ctx)
    with pytest.raises(ValidationError):
        svc.deactivate("OF1", ADMIN, " ")
    with pytest.raises(PermissionDeniedError):
        svc.deactivate("OF1", DISPATCHER, "调离")
    svc.deactivate("OF1", ADMIN, "调离")
    with duty_ctx.db.read_session() as s:
        row = s.get(OfficerRow, "OF1")
        assert row is not None and row.active is False and row.status == "off_duty" and row.name == "王伟"
        assert s.scalars(select(EventRow.action).where(EventRow.entity_id == "OF1").order_by(EventRow.seq)).all() \
            == ["create", "deactivate"]
    assert "OF1" not in {p["id"] for p in svc.people(DISPATCHER)}
    assert "OF1" in {p["id"] for p in svc.people(DISPATCHER, include_inactive=True)}
