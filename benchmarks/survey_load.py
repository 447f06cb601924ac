"""The online survey under load, on loopback only: C clients answer for S seconds.

A server process (``cchc_tasks.web`` under uvicorn, on a fresh folder store, listening on
127.0.0.1) and C concurrent clients in this process, each of which, with a code of its
own, fetches the questionnaire, reads its CSRF token and submits, until S seconds have
passed or its codes run out; at the end each client submits one of its used codes again.
Then the store is reopened and checked: every acknowledged answer (303) is stored exactly
once, every repeat was refused (410), nothing else was stored, and the hash chain holds.
Latencies of the submissions are reported (p50, p95, p99). Bounded in time and count; no
address but 127.0.0.1 is ever used.

    python -m benchmarks.survey_load                       # 50 clients for 20 s
    python -m benchmarks.survey_load --clients 4 --seconds 1
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

import cchc_tasks as ct

HOST = "127.0.0.1"
UNIT = "mot-cua"
DAY = dt.date(2025, 6, 2)
#: Codes per client: the most answers one client can give.
CODES_PER_CLIENT = 400
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_FORM = {
    "kind": "citizen",
    "a-access": "5",
    "a-procedure": "4",
    "a-civil-servants": "5",
    "a-results": "4",
    "a-feedback": "3",
    "comment": "Nhanh, đúng hẹn.",
}


@attrs.define
class Tally:
    acknowledged: list[str] = attrs.field(factory=list)
    repeats_refused: int = 0
    repeats_accepted: int = 0
    failures: list[str] = attrs.field(factory=list)
    latencies: list[float] = attrs.field(factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _serve(folder: str, port: int) -> None:
    """The server process: the app of the store at ``folder``, limits for one address."""
    import uvicorn

    from cchc_tasks.web import Limits, create_app

    tracker = ct.Tracker.open(folder, load_entrypoints=False)
    limits = Limits(survey_posts=10**9, code_lookups=10**9)
    app = create_app(tracker, limits=limits, today=lambda: DAY)
    uvicorn.run(app, host=HOST, port=port, log_level="warning", access_log=False)


async def _client(base: str, codes: list[str], deadline: float, tally: Tally) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        used = None
        for code in codes:
            if used is not None and time.monotonic() >= deadline:
                break  # every client answers at least once
            page = await http.get(f"/s/{code}")
            token = _CSRF.search(page.text)
            if page.status_code != 200 or token is None:
                tally.failures.append(f"GET {code}: {page.status_code}")
                continue
            start = time.perf_counter()
            answer = await http.post(f"/s/{code}", data={**_FORM, "csrf": token[1]})
            tally.latencies.append(time.perf_counter() - start)
            if answer.status_code == 303:
                tally.acknowledged.append(code)
                used = (code, token[1])
            else:
                tally.failures.append(f"POST {code}: {answer.status_code}")
        if used is not None:
            again = await http.post(f"/s/{used[0]}", data={**_FORM, "csrf": used[1]})
            if again.status_code == 410:
                tally.repeats_refused += 1
            else:
                tally.repeats_accepted += 1


async def _load(base: str, codes: list[str], clients: int, seconds: float) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    shares = [codes[i::clients] for i in range(clients)]
    await asyncio.gather(*(_client(base, share, deadline, tally) for share in shares))
    return tally


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("the server process stopped")
        try:
            if httpx.get(base + "/healthz", timeout=1).text == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _check_store(folder: str, tally: Tally) -> list[str]:
    problems = []
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        stored = [r for r in tr.survey_responses() if r.id.startswith("code:")]
        used = {c.id for c in tr.survey_codes() if c.used_on is not None}
        expected = {ct.survey_codes.code_id(c) for c in tally.acknowledged}
        if len(stored) != len(tally.acknowledged):
            problems.append(f"{len(tally.acknowledged)} acknowledged, {len(stored)} stored")
        if len({r.id for r in stored}) != len(stored):
            problems.append("a response is stored twice")
        if used != expected:
            problems.append("the used codes are not the acknowledged ones")
        if not tr.verify().ok:
            problems.append("the hash chain does not verify")
    return problems


def run(clients: int, seconds: float) -> tuple[Tally, list[str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(Path(tmp) / "store")
        with ct.Tracker.open(folder, load_entrypoints=False) as tr:
            tr.add_unit(ct.Unit(id=UNIT, name="Bộ phận một cửa", kind="agency"))
            codes: list[str] = []
            while len(codes) < clients * CODES_PER_CLIENT:  # at most 10,000 a call
                count = min(10_000, clients * CODES_PER_CLIENT - len(codes))
                codes += tr.issue_survey_codes(UNIT, "Chứng thực", count, issued=DAY, expires=DAY)
        port = _free_port()
        base = f"http://{HOST}:{port}"
        command = [sys.executable, "-m", "benchmarks.survey_load", "--serve", folder]
        process = subprocess.Popen([*command, "--port", str(port)])
        try:
            _wait_until_up(base, process)
            start = time.perf_counter()
            tally = asyncio.run(_load(base, codes, clients, seconds))
            elapsed = time.perf_counter() - start
        finally:
            process.terminate()
            process.wait(timeout=30)
        return tally, _check_store(folder, tally), elapsed


def report(clients: int, seconds: float, tally: Tally, problems: list[str], elapsed: float) -> str:
    n = len(tally.acknowledged)
    lat = tally.latencies
    lines = [
        f"survey load on loopback: {clients} clients for {seconds:g} s (folder store, fsync)",
        f"  answers acknowledged      {n} ({n / elapsed:.1f}/s)",
        f"  failed requests           {len(tally.failures)}",
        f"  repeats refused (410)     {tally.repeats_refused} of "
        f"{tally.repeats_refused + tally.repeats_accepted}",
        f"  submit latency p50        {1000 * statistics.median(lat) if lat else 0:.1f} ms",
        f"  submit latency p95        {1000 * _percentile(lat, 0.95):.1f} ms",
        f"  submit latency p99        {1000 * _percentile(lat, 0.99):.1f} ms",
        "  store check               "
        + ("every acknowledged answer stored once; chain verifies" if not problems else ""),
    ]
    lines += [f"  PROBLEM: {p}" for p in problems + tally.failures[:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.survey_load")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--serve", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.port)
        return 0
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 120:
        parser.error("--clients from 1 to 200, --seconds up to 120 (the test is bounded)")
    tally, problems, elapsed = run(args.clients, args.seconds)
    print(report(args.clients, args.seconds, tally, problems, elapsed))
    ok = not problems and not tally.failures and tally.repeats_accepted == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
