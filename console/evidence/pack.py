"""Evidence packs (证据包): a case's evidence files plus ``manifest.json`` with their hashes, as a folder or zip.

The manifest lists every file (kind, sha256, size, name in the pack, where it was fetched from, the event that
recorded it), the registry record and sightings track the case relied on, and the case's events (seq, id, hash).
``manifest.sha256`` holds the manifest's own hash. Exporting needs the ``export`` and ``read_plate`` permissions (the
files show the plate in full and cannot be masked without breaking their hashes) and is audited (``export`` and
``pii_read`` events). Nothing is written when a stored file no longer matches its recorded hash.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.errors import DataFileError, ValidationError
from console.evidence.store import EvidenceStore, sha256_file
from console.security.permissions import check
from console.security.privacy import export_cases
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.storage.eventstore import iso_utc

PACK_FORMAT = "urbanops-evidence-pack"
PACK_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.sha256"
EXT = {"image/jpeg": ".jpg", "video/mp4": ".mp4", "application/json": ".json", "image/png": ".png"}


def _read_json_file(store: EvidenceStore, item: dict[str, Any]) -> Any:
    try:
        return json.loads(store.path(str(item["address"])).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def export_pack(ctx: ServiceContext, case_id: str, out_dir: Path, actor: Actor, store: EvidenceStore, *,
                make_zip: bool = False, purpose: str | None = None) -> dict[str, Any]:
    """Write the pack of ``case_id`` to ``out_dir`` (must be absent or empty); returns the manifest."""
    check(actor, "export")
    check(actor, "read_plate")
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ValidationError(f"导出目录 {out_dir} 已存在且非空", f"output directory {out_dir} exists and is not empty")
    svc = CaseService(ctx)
    case = svc.get_case(case_id)
    evidence = list(case.pop("evidence", []))
    for item in evidence:  # refuse before writing anything if a file was changed or lost
        problem = store.check(str(item.get("address")), str(item.get("sha256")), item.get("size"))
        if problem is not None:
            raise DataFileError(f"证据文件与记录不符，未导出：{problem}", f"evidence does not match the log, nothing exported: {problem}")
    events = svc.events(case_id=case_id)
    files: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    registry_record = sightings = None
    for item in evidence:
        digest = str(item["sha256"])
        name = names.setdefault(digest, f"files/{item['kind']}-{digest[:16]}{EXT.get(str(item.get('media_type')), '.bin')}")
        files.append({"kind": item["kind"], "sha256": digest, "size": item["size"], "name": name,
                      "media_type": item.get("media_type"), "url": item.get("url"), "camera": item.get("camera"),
                      "captured_at": item.get("captured_at"), "event_seq": item["event_seq"],
                      "event_id": item["event_id"]})
        if item["kind"] == "registry_record":
            registry_record = _read_json_file(store, item)
        elif item["kind"] == "sightings_track":
            sightings = _read_json_file(store, item)  # the latest track wins
    [case_out] = export_cases(ctx, [case], actor, purpose=purpose or f"evidence pack {case_id}")
    manifest = {
        "format": PACK_FORMAT, "version": PACK_VERSION, "case_id": case_id,
        "exported_utc": iso_utc(ctx.clock.now_utc()), "exported_by": str(actor), "case": case_out,
        "files": files, "registry_record": registry_record, "sightings": sightings,
        "events": [{"seq": e.seq, "event_id": e.event_id, "ts": iso_utc(e.ts_utc), "action": e.action,
                    "entity_type": e.entity_type, "hash": e.hash} for e in events],
    }
    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "files").mkdir(parents=True)
    for digest, name in names.items():
        src = next(i for i in evidence if i["sha256"] == digest)
        shutil.copyfile(store.path(str(src["address"])), tmp / name)
        if sha256_file(tmp / name)[0] != digest:
            shutil.rmtree(tmp, ignore_errors=True)
            raise DataFileError(f"复制后校验失败：{name}", f"copy of {name} does not match its hash")
    body = json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    (tmp / MANIFEST).write_bytes(body)
    (tmp / MANIFEST_HASH).write_text(f"{hashlib.sha256(body).hexdigest()}  {MANIFEST}\n", encoding="utf-8")
    if out_dir.exists():
        out_dir.rmdir()
    tmp.rename(out_dir)
    if make_zip:
        zip_path = out_dir.with_suffix(".zip")
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(out_dir.rglob("*")):
                if p.is_file():
                    zf.write(p, p.relative_to(out_dir).as_posix())
    return manifest


@dataclass
class PackVerifyResult:
    ok: bool
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    case_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "case_id": self.case_id, "files_checked": self.checked, "problems": self.problems}


def verify_pack(path: Path) -> PackVerifyResult:
    """Check a pack folder or zip: manifest hash, every listed file's hash and size, no unlisted files."""
    path = Path(path)
    try:
        if path.is_file() and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                blobs = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
        elif path.is_dir():
            blobs = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}
        else:
            return PackVerifyResult(False, problems=[f"not a pack folder or zip: {path}"])
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return PackVerifyResult(False, problems=[f"cannot read pack: {exc}"])
    body = blobs.get(MANIFEST)
    if body is None:
        return PackVerifyResult(False, problems=["manifest.json missing"])
    problems: list[str] = []
    recorded = (blobs.get(MANIFEST_HASH) or b"").decode("utf-8", "replace").split()
    if not recorded or recorded[0] != hashlib.sha256(body).hexdigest():
        problems.append("manifest.json does not match manifest.sha256")
    try:
        manifest = json.loads(body.decode("utf-8"))
        files = manifest["files"]
        if manifest.get("format") != PACK_FORMAT or not isinstance(files, list):
            raise ValueError("not an evidence pack manifest")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return PackVerifyResult(False, problems=[*problems, f"manifest unreadable: {exc}"])
    listed: set[str] = set()
    checked = 0
    for f in files:
        name = str(f.get("name")) if isinstance(f, dict) else ""
        if name in listed:
            continue
        listed.add(name)
        data = blobs.get(name)
        if data is None:
            problems.append(f"missing file {name}")
            continue
        if hashlib.sha256(data).hexdigest() != f.get("sha256") or len(data) != f.get("size"):
            problems.append(f"file {name} does not match its sha256/size in the manifest")
        checked += 1
    for extra in sorted(set(blobs) - listed - {MANIFEST, MANIFEST_HASH}):
        problems.append(f"unlisted file {extra}")
    return PackVerifyResult(not problems, checked, problems, manifest.get("case_id"))
