"""The workroom complaint form: plain HTML pages (no scripts from anywhere else), form parsing and photo storage.

Pages are built from escaped strings only. Photos (JPEG/PNG by their magic bytes, at most 5 MB) are stored
content-addressed: ``<media dir>/<first two hex>/<sha256>.<ext>``; a case references one as ``sha256:<hex>.<ext>``.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import parse_qs, quote

from console.domain.taxonomy import Category

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_FORM_BYTES = MAX_PHOTO_BYTES + 256 * 1024
MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


class FormError(Exception):
    """A form the resident must correct; ``message`` is shown (escaped) on the page."""


@dataclass
class FormData:
    fields: dict[str, list[str]]
    photo: bytes | None


def photo_extension(data: bytes) -> str:
    for magic, ext in MAGIC.items():
        if data.startswith(magic):
            return ext
    raise FormError("照片须为 JPEG 或 PNG 格式 / photo must be a JPEG or PNG image")


def store_photo(media_dir: Path, data: bytes) -> str:
    """Write the photo once (same bytes, same file) and return its reference ``sha256:<hex>.<ext>``."""
    if len(data) > MAX_PHOTO_BYTES:
        raise FormError("照片不能超过 5 MB / photo larger than 5 MB")
    ext = photo_extension(data)
    digest = hashlib.sha256(data).hexdigest()
    path = media_dir / digest[:2] / f"{digest}.{ext}"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{ext}.part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return f"sha256:{digest}.{ext}"


def parse_form(content_type: str, body: bytes) -> FormData:
    """``application/x-www-form-urlencoded`` or ``multipart/form-data`` (field ``photo`` is the upload)."""
    if len(body) > MAX_FORM_BYTES:
        raise FormError("提交内容过大（照片不能超过 5 MB）/ submission too large")
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "application/x-www-form-urlencoded" or not ctype:
        try:
            return FormData(parse_qs(body.decode("utf-8"), keep_blank_values=False, max_num_fields=50), None)
        except (UnicodeDecodeError, ValueError) as exc:
            raise FormError("表单编码错误 / malformed form") from exc
    if ctype != "multipart/form-data":
        raise FormError("不支持的提交格式 / unsupported content type")
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode("latin-1", "replace")
                                              + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    if not msg.is_multipart():
        raise FormError("表单格式错误 / malformed multipart form")
    fields: dict[str, list[str]] = {}
    photo: bytes | None = None
    parts = msg.get_payload()
    if not isinstance(parts, list) or len(parts) > 50:
        raise FormError("表单格式错误 / malformed multipart form")
    for part in parts:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == "photo":
            if data:
                photo = data
            continue
        try:
            fields.setdefault(name, []).append(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise FormError("表单编码错误 / malformed form") from exc
    return FormData(fields, photo)


# ---------------------------------------------------------------------------------------------- pages
CSS = """body{font-family:sans-serif;margin:0;padding:1em;max-width:36em;line-height:1.5;background:#f6f7f9;color:#222}
h1{font-size:1.25em;margin:.2em 0}label{display:block;margin-top:.9em;font-weight:bold}
select,textarea,input[type=text],input[type=file]{width:100%;box-sizing:border-box;font-size:1em;padding:.4em}
textarea{min-height:6em}.hint{color:#666;font-size:.9em}.box{background:#fff;padding:1em;border-radius:.5em}
button{margin-top:1.2em;width:100%;padding:.7em;font-size:1.1em;background:#1565c0;color:#fff;border:0;border-radius:.4em}
.err{color:#b00020;font-weight:bold}.id{font-size:1.4em;font-weight:bold;letter-spacing:.05em}"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def page(title: str, body_html: str) -> bytes:
    """A complete page; ``body_html`` must already be escaped."""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>{body_html}</body></html>").encode()


def form_page(workroom_id: str, workroom_name: str, categories: list[Category], error: str | None = None,
              values: dict[str, str] | None = None) -> bytes:
    values = values or {}
    groups: dict[str, list[Category]] = {}
    for c in categories:
        groups.setdefault(f"{c.kind_zh}·{c.major_name}", []).append(c)
    options = ['<option value="">请选择问题类别</option>']
    for group, cats in groups.items():
        opts = "".join(f'<option value="{_e(c.code)}"{" selected" if values.get("service_code") == c.code else ""}>'
                       f"{_e(c.minor_name)}</option>" for c in cats)
        options.append(f'<optgroup label="{_e(group)}">{opts}</optgroup>')
    err = f'<p class="err">{_e(error)}</p>' if error else ""
    use_phone = values.get("location") == "phone"
    body = (
        f"<h1>{_e(workroom_name)}</h1><p class=\"hint\">城管社区工作室 · 问题反映（编号 {_e(workroom_id)}）</p>{err}"
        f'<form class="box" method="post" action="/qr/{_e(quote(workroom_id, safe=""))}" enctype="multipart/form-data">'
        f'<label for="service_code">问题类别</label><select id="service_code" name="service_code" required>'
        f"{''.join(options)}</select>"
        f'<label for="description">情况描述</label><textarea id="description" name="description" maxlength="4000" '
        f'placeholder="请简要说明问题和具体位置">{_e(values.get("description", ""))}</textarea>'
        f'<label for="photo">照片（可选，JPEG/PNG，不超过 5 MB）</label>'
        f'<input id="photo" type="file" name="photo" accept="image/jpeg,image/png">'
        f"<label>问题位置</label>"
        f'<div><input type="radio" id="loc_wr" name="location" value="workroom"{"" if use_phone else " checked"}> '
        f'<label for="loc_wr" style="display:inline;font-weight:normal">本工作室附近</label></div>'
        f'<div><input type="radio" id="loc_ph" name="location" value="phone"{" checked" if use_phone else ""}> '
        f'<label for="loc_ph" style="display:inline;font-weight:normal">手机定位（填写经纬度）</label></div>'
        f'<input type="text" name="lat" inputmode="decimal" placeholder="纬度，如 31.2197" value="{_e(values.get("lat", ""))}">'
        f'<input type="text" name="lon" inputmode="decimal" placeholder="经度，如 121.4166" value="{_e(values.get("lon", ""))}">'
        f'<p class="hint">不填经纬度时，按本工作室位置上报。</p>'
        f'<button type="submit">提交</button></form>'
        f'<p><a href="/qr/status">查询诉求处理进度</a></p>'
    )
    return page(f"{workroom_name} · 问题反映", body)


def done_page(request_id: str, notice: str) -> bytes:
    link = f"/qr/status?id={quote(request_id, safe='')}"
    body = (f"<h1>提交成功</h1><div class=\"box\"><p>您的诉求编号：</p><p class=\"id\">{_e(request_id)}</p>"
            f"<p>{_e(notice)}</p><p>请保存此编号，可随时查询处理进度：</p>"
            f'<p><a href="{_e(link)}">查看处理进度</a></p></div>')
    return page("提交成功", body)


def status_page(request_id: str | None, info: dict[str, object] | None, error: str | None = None) -> bytes:
    form = ('<form method="get" action="/qr/status" class="box"><label for="id">诉求编号</label>'
            f'<input type="text" id="id" name="id" value="{_e(request_id or "")}"><button type="submit">查询</button>'
            "</form>")
    result = ""
    if error:
        result = f'<p class="err">{_e(error)}</p>'
    elif info is not None:
        status_zh = "已办结" if info.get("status") == "closed" else "处理中"
        rows = [("诉求编号", info.get("service_request_id")), ("问题类别", info.get("service_name")),
                ("状态", f"{status_zh}（{info.get('status_notes') or ''}）"),
                ("提交时间", info.get("requested_datetime")), ("最近更新", info.get("updated_datetime")),
                ("预计办结", info.get("expected_datetime") or "—"), ("地点", info.get("address") or "—")]
        result = '<div class="box">' + "".join(f"<p><b>{_e(k)}：</b>{_e(v)}</p>" for k, v in rows) + "</div>"
    return page("诉求处理进度", f"<h1>诉求处理进度</h1>{form}{result}")
