"""Page-load times of the case page and the search, with a large scenario loaded, from a client's side.

Usage: .venv/bin/python bench/pages.py [--families 100000] [--requests 100] [--database sqlite|postgresql]

The scenario comes from the var/bench cache (bench/_common.py); the database is
filled by the real pipeline (ingest, link, demo users, as the browser tests do)
and, for SQLite, kept under var/bench/pages_<families>_<seed>/ so a second run
only serves and measures (``--rebuild`` starts afresh). The application runs
under ``reunify serve`` (gunicorn, ``--workers``) exactly as deployed.

Figures:

- server time per request, measured from the client: the wall time from
  sending the request to the last byte of the answer, over ``--requests``
  requests (each to another case or another misspelt child's name, after a
  few warm-up requests), as median and 95th percentile; one request at a time.
  Pages timed: the case page, the search page with results, and the search's
  live results (the htmx partial answered while the user types).
- a browser navigation to the case page in Chromium: the Navigation Timing of
  ``--navigations`` loads (time to first byte, DOM ready, load event), median.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.app.web.browser.live import (
    LiveServer,
    World,
    build_world,
    chromium_unavailable,
    launch_chromium,
    misspell,
    scratch_database,
    sign_in,
)

from _common import BENCH_VAR, POSTGRES_URL, scenario

WARM_UP = 3


def world_cached(families: int, seed: int, database: str, rebuild: bool) -> tuple[World, Any]:
    """The filled database (cached for SQLite) and a context manager that cleans up what is not cached."""
    import contextlib

    if database == "postgresql":
        workdir = BENCH_VAR / f"pages_pg_{families}_{seed}"
        workdir.mkdir(parents=True, exist_ok=True)
        stack = contextlib.ExitStack()
        url = stack.enter_context(scratch_database(workdir, POSTGRES_URL))
        started = time.perf_counter()
        world = build_world(url, workdir, scenario=scenario(families, seed))
        print(f"  database filled in {time.perf_counter() - started:.0f} s", flush=True)
        return world, stack
    workdir = BENCH_VAR / f"pages_{families}_{seed}"
    saved = workdir / "world.json"
    if saved.exists() and not rebuild:
        data = json.loads(saved.read_text())
        return World(data["database_url"], Path(data["var_dir"]), data["password"], data["facts"]), (
            contextlib.nullcontext()
        )
    if workdir.exists():
        import shutil

        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    url = f"sqlite:///{workdir / 'reunify.sqlite3'}"
    started = time.perf_counter()
    world = build_world(url, workdir, scenario=scenario(families, seed))
    print(f"  database filled in {time.perf_counter() - started:.0f} s", flush=True)
    saved.write_text(
        json.dumps(
            {
                "database_url": url,
                "var_dir": str(world.var_dir),
                "password": world.password,
                "facts": world.facts,
            }
        )
    )
    return world, contextlib.nullcontext()


def timed_get(port: int, path: str, cookies: str, partial: bool = False) -> tuple[float, int, int]:
    """Seconds from sending the request to the answer's last byte, its status and its size."""
    headers = {"Cookie": cookies, "Accept-Encoding": "gzip"}
    if partial:
        headers["HX-Request"] = "true"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, response.status, len(body)


def summarise(label: str, seconds: list[float], sizes: list[int]) -> dict[str, Any]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "page": label,
        "requests": len(seconds),
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "median_kib": round(statistics.median(sizes) / 1024, 1),
    }


def measure(server: LiveServer, cookies: str, paths: list[str], label: str, partial: bool = False) -> dict:
    for path in paths[:WARM_UP]:
        timed_get(server.port, path, cookies, partial)
    seconds, sizes = [], []
    for path in paths[WARM_UP:]:
        elapsed, status, size = timed_get(server.port, path, cookies, partial)
        if status != 200:
            raise SystemExit(f"{label}: {path} answered {status}; the figures would mean nothing")
        seconds.append(elapsed)
        sizes.append(size)
    return summarise(label, seconds, sizes)


def cycle(items: list[Any], count: int) -> list[Any]:
    return [items[i % len(items)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per page (after warm-up).")
    parser.add_argument("--navigations", type=int, default=10, help="Browser loads of the case page.")
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers of the server.")
    parser.add_argument("--rebuild", action="store_true", help="Fill the cached SQLite database afresh.")
    args = parser.parse_args()
    reason = chromium_unavailable()
    if reason:
        sys.exit(f"cannot measure browser navigation: {reason}")
    from playwright.sync_api import sync_playwright

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    print(f"Page loads with {args.families:,} families ({args.database}, seed {args.seed})", flush=True)
    world, cleanup = world_cached(args.families, args.seed, args.database, args.rebuild)
    samples = world.facts["sample_cases"]
    assert samples, "the demo team has no case: nothing to time"
    count = args.requests + WARM_UP
    case_paths = [f"/cases/{s['case_id']}/" for s in cycle(samples, count)]
    queries = [urllib.parse.quote(misspell(s["child_name"])) for s in cycle(samples, count)]
    search_paths = [f"/search/?q={q}" for q in queries]
    results = []
    with (
        cleanup,
        LiveServer(world, world.var_dir.parent, workers=args.workers) as server,
        sync_playwright() as pw,
    ):
        browser = launch_chromium(pw)
        context = browser.new_context(base_url=server.url)
        page = context.new_page()
        sign_in(page, "", world.facts["users"]["caseworker"], world.password)
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        results.append(measure(server, cookies, case_paths, "case page"))
        results.append(measure(server, cookies, search_paths, "search page (misspelt name)"))
        results.append(measure(server, cookies, search_paths, "search live results (htmx)", partial=True))

        timings = []
        for path in case_paths[: args.navigations + 1]:
            page.goto(path, wait_until="load")
            timings.append(
                page.evaluate(
                    """() => { const n = performance.getEntriesByType('navigation')[0];
                    return {ttfb: n.responseStart - n.requestStart, dom: n.domContentLoadedEventEnd - n.startTime,
                            load: n.loadEventEnd - n.startTime}; }"""
                )
            )
        timings = timings[1:]  # the first load fills the browser's cache of static files
        browser.close()

    print()
    print(f"{'page':<32} {'requests':>8} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'KiB':>7}")
    for row in results:
        print(
            f"{row['page']:<32} {row['requests']:>8} {row['median_ms']:>10} {row['p95_ms']:>8} "
            f"{row['max_ms']:>8} {row['median_kib']:>7}"
        )
    print()
    print(f"Chromium navigation to the case page, median of {len(timings)} loads:")
    for key, label in (("ttfb", "time to first byte"), ("dom", "DOM content loaded"), ("load", "load event")):
        print(f"  {label:<22} {statistics.median(t[key] for t in timings):8.1f} ms")


if __name__ == "__main__":
    main()
