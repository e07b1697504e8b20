"""OpenAPI 3 description of the HTTP gateway (Open311 GeoReport v2, QR report form, OsmAnd positions), served by the
gateway at ``/openapi.json`` so clients and schemathesis can test against it. Kept beside the routes it describes
(console/feeds/http_gateway.py); tests/security/test_security_schemathesis.py checks the live server conforms."""

from __future__ import annotations

from typing import Any

OPENAPI_PATH = "/openapi.json"
V2 = "/open311/v2"

_ERRORS = {"type": "array", "items": {"type": "object", "required": ["code", "description"],
                                      "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}
_OBJECTS = {"type": "array", "items": {"type": "object"}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): _json(_ERRORS, "Open311 error list / 错误") for c in codes}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def _text(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


_JURISDICTION = {"name": "jurisdiction_id", "in": "query", "required": False, "schema": {"type": "string"}}
_POST_FIELDS: dict[str, Any] = {
    "service_code": {"type": "string", "maxLength": 16},
    "lat": {"type": "string"}, "long": {"type": "string"},
    "address_string": {"type": "string"}, "address_id": {"type": "string"},
    "description": {"type": "string"}, "email": {"type": "string"}, "first_name": {"type": "string"},
    "last_name": {"type": "string"}, "phone": {"type": "string"}, "media_url": {"type": "string"},
    "device_id": {"type": "string"}, "account_id": {"type": "string"}, "api_key": {"type": "string"},
    "jurisdiction_id": {"type": "string"}, "workroom_id": {"type": "string"},
}
_OSMAND_PARAMS = [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                  for n in ("id", "deviceid", "lat", "lon", "timestamp", "speed", "bearing", "altitude", "accuracy",
                            "hdop", "batt")]


def openapi_document(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the gateway (``server_url``: the base the client should call)."""
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "urbanops gateway — 长宁区城管 HTTP 接口", "version": "1",
                 "description": "Open311 GeoReport v2 (docs/open311.md), the QR report form of 社区工作室, OsmAnd "
                                "position reports (docs/feeds.md). JSON endpoints also answer as .xml."},
        "paths": {
            OPENAPI_PATH: {"get": {"operationId": "openapi", "summary": "this document",
                                   "responses": {"200": _json({"type": "object"}, "OpenAPI document")}}},
            f"{V2}/services.json": {"get": {
                "operationId": "services", "summary": "service list (categories offered to citizens)",
                "parameters": [_JURISDICTION],
                "responses": {"200": _json(_OBJECTS, "services"), **_errors(400, 404)}}},
            f"{V2}/services/{{service_code}}.json": {"get": {
                "operationId": "service_definition", "summary": "attributes of one service",
                "parameters": [{"name": "service_code", "in": "path", "required": True, "schema": {"type": "string"}},
                               _JURISDICTION],
                "responses": {"200": _json({"type": "object"}, "service definition"), **_errors(400, 404)}}},
            f"{V2}/requests.json": {
                "get": {"operationId": "get_requests", "summary": "service requests (filters)",
                        "parameters": [_JURISDICTION] + [
                            {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
                            for n in ("service_request_id", "service_code", "start_date", "end_date", "status")],
                        "responses": {"200": _json(_OBJECTS, "requests"), **_errors(400, 404)}},
                "post": {"operationId": "post_request", "summary": "submit a service request (becomes a case)",
                         "requestBody": {"required": False, "content": {"application/x-www-form-urlencoded": {
                             "schema": {"type": "object", "properties": _POST_FIELDS}}}},
                         "responses": {"200": _json(_OBJECTS, "the new request id and notice"),
                                       **_errors(400, 403, 404, 429)}}},
            f"{V2}/requests/{{service_request_id}}.json": {"get": {
                "operationId": "get_request", "summary": "one service request",
                "parameters": [{"name": "service_request_id", "in": "path", "required": True,
                                "schema": {"type": "string"}}, _JURISDICTION],
                "responses": {"200": _json(_OBJECTS, "request"), **_errors(400, 404)}}},
            f"{V2}/tokens/{{token}}.json": {"get": {
                "operationId": "token", "summary": "request id for a submission token",
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
                               _JURISDICTION],
                "responses": {"200": _json(_OBJECTS, "token"), **_errors(400, 404)}}},
            "/qr/status": {"get": {
                "operationId": "qr_status", "summary": "citizen status page for a request id (HTML)",
                "parameters": [{"name": "id", "in": "query", "required": False, "schema": {"type": "string"}}],
                "responses": {"200": _html("status page"), "404": _html("unknown id"),
                              **_errors(400)}}},
            "/qr/{workroom_id}": {
                "get": {"operationId": "qr_form", "summary": "the report form of a community workroom (HTML)",
                        "parameters": [{"name": "workroom_id", "in": "path", "required": True,
                                        "schema": {"type": "string"}}],
                        "responses": {"200": _html("form"), "404": _html("unknown workroom"), **_errors(400)}},
                "post": {"operationId": "qr_submit", "summary": "submit the form (photo optional, ≤ size limit)",
                         "parameters": [{"name": "workroom_id", "in": "path", "required": True,
                                         "schema": {"type": "string"}}],
                         "requestBody": {"required": False, "content": {
                             "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                                 "service_code": {"type": "string"}, "description": {"type": "string"},
                                 "location": {"type": "string"}, "lat": {"type": "string"},
                                 "lon": {"type": "string"}}}}}},
                         "responses": {"200": _html("done page"), "400": _html("form with the error"),
                                       "403": _html("form with the error"), "404": _html("unknown workroom"),
                                       "429": _html("form with the error")}}},
            "/osmand": {
                "get": {"operationId": "osmand_get", "summary": "OsmAnd/Traccar position report (query string)",
                        "parameters": _OSMAND_PARAMS,
                        "responses": {"200": _text("accepted"), "400": _text("rejected (dead-lettered)")}},
                "post": {"operationId": "osmand_post", "summary": "OsmAnd position report (form body)",
                         "parameters": _OSMAND_PARAMS,
                         "requestBody": {"required": False, "content": {"application/x-www-form-urlencoded": {
                             "schema": {"type": "object", "properties": {
                                 p["name"]: {"type": "string"} for p in _OSMAND_PARAMS}}}}},
                         "responses": {"200": _text("accepted"), "400": _text("rejected (dead-lettered)")}}},
        },
    }
    for item in doc["paths"].values():  # a malformed query string or body is a JSON 400 on every route
        for op in item.values():
            bad = op["responses"].setdefault("400", _json(_ERRORS, "malformed request"))
            bad.setdefault("content", {}).setdefault("application/json", {"schema": _ERRORS})
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
