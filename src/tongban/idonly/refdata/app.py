"""The reference data service: a small stand-alone WSGI app playing the shared-data exchange
(population register, social security, housing fund, vehicle and driver records).

It needs no platform database: its people come from people.yaml. The platform calls it over
HTTP exactly as it would call the real exchange:

    POST /v1/<source>/<data_item>     Authorization: Bearer <token>
    {"id_number": "...", "purpose": "..."}
    -> 200 {"source", "data_item", "id_number", "name", "as_of", "record": {...}}
    -> 404 {"code": "not_found"} when the source has no record of that person

Faults for tests and benchmarks (per source, per "source/data_item", or "*"): a delay in ms and
a failure mode: error (503), flaky (503 on every other request), malformed (not JSON),
not_object (a JSON list), wrong_id (a document about another person), empty (200, no body). Set them on the app object
(`app.faults`), with REFDATA_FAULTS="housing_fund=delay:150,mode:error;*=delay:50", or per
request with the query parameters ?delay_ms=&fail=.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import yaml

PEOPLE_FILE = Path(__file__).with_name("people.yaml")
DEFAULT_TOKEN = "demo-refdata-token"  # noqa: S105 - demo only; deployments set TONGBAN_REFDATA_TOKEN
MAX_BODY = 4096

DATA_ITEMS = {
    "population": ("identity", "household_register"),
    "social_security": ("insurance_record", "employment_record"),
    "housing_fund": ("account", "deposit_record"),
    "vehicle": ("driver_license", "vehicle_registration"),
}
FAILURE_MODES = ("error", "flaky", "malformed", "not_object", "wrong_id", "empty")
OTHER_PERSON = ("610402195501010110", "刘福海")


def load_people(path: Path = PEOPLE_FILE) -> dict[str, dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(p["id_number"]).upper(): p for p in data["people"]}


def parse_faults(spec: str) -> dict[str, dict]:
    """"housing_fund=delay:150,mode:error;*=delay:50" -> {"housing_fund": {...}, "*": {...}}"""
    faults: dict[str, dict] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(";"))):
        key, _sep, settings = part.partition("=")
        fault: dict = {}
        for setting in filter(None, settings.split(",")):
            name, _sep, value = setting.partition(":")
            if name == "delay":
                fault["delay_ms"] = int(value)
            elif name == "mode":
                fault["mode"] = value
        faults[key.strip()] = fault
    return faults


def identity_record(person: dict) -> dict:
    card = person.get("id_card") or {}
    return {"gender": person["gender"], "ethnicity": person.get("ethnicity", ""),
            "birth_date": str(person["birth_date"]), "address": person["address"],
            "issued_by": card.get("issued_by", ""), "valid_from": str(card.get("valid_from", "")),
            "valid_until": str(card.get("valid_until", ""))}


class RefDataApp:
    def __init__(self, *, people: dict[str, dict] | None = None, token: str | None = None,
                 faults: dict[str, dict] | None = None):
        self.people = people if people is not None else load_people()
        self.token = token or os.environ.get("TONGBAN_REFDATA_TOKEN") or DEFAULT_TOKEN
        self.faults = faults if faults is not None else parse_faults(os.environ.get("REFDATA_FAULTS", ""))
        self.calls: list[str] = []  # "source/data_item" of each authorised call (tests count them)
        self._lock = threading.Lock()

    # -- WSGI -------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        status, body, content_type = self.handle(environ)
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def handle(self, environ) -> tuple[str, bytes, str]:
        path = environ.get("PATH_INFO", "")
        if path == "/health":
            return self._json("200 OK", {"status": "ok", "people": len(self.people)})
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "v1" or parts[2] not in DATA_ITEMS.get(parts[1], ()):
            return self._json("404 Not Found", {"code": "unknown_endpoint"})
        if environ.get("REQUEST_METHOD") != "POST":
            return self._json("405 Method Not Allowed", {"code": "method_not_allowed"})
        supplied = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(supplied.encode(), self.token.encode()):
            return self._json("401 Unauthorized", {"code": "unauthorized"})
        source, data_item = parts[1], parts[2]
        with self._lock:
            self.calls.append(f"{source}/{data_item}")
            call_number = self.calls.count(f"{source}/{data_item}")  # per endpoint, for "flaky"
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            request = json.loads(environ["wsgi.input"].read(length) or b"{}")
            id_number = str(request["id_number"]).strip().upper()
        except (ValueError, KeyError, TypeError):
            return self._json("400 Bad Request", {"code": "bad_request"})
        fault = self._fault(source, data_item, parse_qs(environ.get("QUERY_STRING", "")))
        if fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000)
        mode = fault.get("mode")
        if mode == "error" or (mode == "flaky" and call_number % 2):
            return self._json("503 Service Unavailable", {"code": "unavailable"})
        if mode == "malformed":
            return "200 OK", b"<html>gateway says hello", "application/json"
        if mode == "empty":
            return "200 OK", b"", "application/json"
        if mode == "not_object":
            return self._json("200 OK", [id_number])
        person = self.people.get(id_number)
        document = self.document(person, source, data_item) if person else None
        if document is None:
            return self._json("404 Not Found", {"code": "not_found"})
        if mode == "wrong_id":
            document["id_number"], document["name"] = OTHER_PERSON
        return self._json("200 OK", document)

    # -- helpers ----------------------------------------------------------------------------
    def _fault(self, source: str, data_item: str, query: dict) -> dict:
        fault = dict(self.faults.get("*", {}))
        fault.update(self.faults.get(source, {}))
        fault.update(self.faults.get(f"{source}/{data_item}", {}))
        if query.get("delay_ms"):
            fault["delay_ms"] = int(query["delay_ms"][0])
        if query.get("fail") and query["fail"][0] in FAILURE_MODES:
            fault["mode"] = query["fail"][0]
        return fault

    @staticmethod
    def document(person: dict, source: str, data_item: str) -> dict | None:
        if (source, data_item) == ("population", "identity"):
            record = identity_record(person)
        else:
            record = (person.get("records") or {}).get(f"{source}/{data_item}")
        if record is None:
            return None
        return {"source": source, "data_item": data_item, "id_number": str(person["id_number"]),
                "name": person["name"], "as_of": datetime.now(UTC).isoformat(timespec="seconds"),
                "record": record}

    @staticmethod
    def _json(status: str, payload) -> tuple[str, bytes, str]:
        return status, json.dumps(payload, ensure_ascii=False).encode(), "application/json; charset=utf-8"
