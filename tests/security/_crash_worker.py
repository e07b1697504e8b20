"""Subprocess for the crash-safety test: an endless burst of case commands until it is SIGKILLed."""

from __future__ import annotations

import sys

from console.domain.enums import Role
from console.services.actor import Actor
from console.services.cases import CaseService
from console.services.context import ServiceContext
from console.services.writer import Reporter
from console.storage.db import Database, make_engine


def main(url: str) -> None:
    svc = CaseService(ServiceContext(Database(make_engine(url))))
    ct, sl = Actor(Role.CALL_TAKER, "crash"), Actor(Role.SHIFT_LEADER, "crash")
    i = 0
    while True:
        case = svc.create_case(category="暴露垃圾", lon=121.4166 + (i % 7) * 1e-4, lat=31.2197, source="hotline_12345",
                               actor=ct, reporter=Reporter("张三", "13800000000"))
        svc.act(case["id"], "accept", ct)
        svc.act(case["id"], "file", sl)
        i += 1
        if i == 3:
            print("running", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
