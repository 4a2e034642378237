"""Benchmark every public page against the stack's own floor, at 1x and 100x data.

Usage: DATABASE_URL=postgres://… python bench/run.py [--scales 1 100] [--duration 10] [--connections 8]
       [--repeats 7] [--rounds 3] [--render-only]
Creates one database per scale next to the one DATABASE_URL names and seeds them all, times every page's
uncached render in rounds that alternate the scales (the machine's speed drifts), serves the portal with gunicorn as the README
recommends for production (debug off), drives each page with wrk on 127.0.0.1 only, and writes
bench/results.json. Cleans up its databases and processes, whatever happens.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WRK_SCRIPT = ROOT / "bench" / "report.lua"
# gunicorn as recommended in the README for one 2-core app server.
GUNICORN = ["--workers", "3", "--threads", "4", "--worker-class", "gthread", "--keep-alive", "5"]

# The same Django process that seeds the data tells which pages exist and how many queries each runs.
PROBE = r"""
import json, gzip, re, statistics, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

def first(model_path, field, **filters):
    from django.apps import apps
    model = apps.get_model(model_path)
    return model.objects.filter(**filters).order_by("pk").values_list(field, flat=True).first()

def url(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None

pages = {"trivial view": "/bench/ping/", "static file": None}
candidates = [
    ("home", lambda: url("home")),
    ("plan", lambda: url("commitments:plan-detail", slug=first("commitments.ActionPlan", "slug", number=2))),
    ("commitment list", lambda: url("commitments:commitment-list")),
    # The sources give the real commitments no roadmap: the pages with the most to show are the demonstration's
    # (10 milestones a commitment with reports and evidence; 50 commitments a plan).
    ("commitment detail", lambda: url("commitments:commitment-detail", code=first("commitments.Commitment", "code", is_demo=True))),
    ("demo plan", lambda: url("commitments:plan-detail", slug=first("commitments.ActionPlan", "slug", is_demo=True))),
    ("council", lambda: url("council:council-home")),
    ("session detail", lambda: url("council:session-detail", number=first("council.Session", "number"))),
    ("proposal list", lambda: url("proposals:proposal-list")),
    ("proposal search", lambda: (url("proposals:proposal-list") or "") + "?q=participacion+ciudadana"),
    ("proposal detail", lambda: url("proposals:proposal-detail", code=first("proposals.Proposal", "code", is_hidden=False))),
    ("commitment search", lambda: (url("commitments:commitment-list") or "") + "?q=participacion"),
    ("milestone history", lambda: url("commitments:milestone-history", code=first("commitments.Commitment", "code", is_demo=True), order=1)),
    ("open data", lambda: url("opendata:dataset-list")),
    ("API list", lambda: url("api:commitment-list") if url("api:commitment-list") else None),
]
for label, make in candidates:
    try:
        value = make()
    except Exception:
        value = None
    if value and not value.startswith("?"):
        pages[label] = value

class QueryTimer:
    # The wall time of each query as the application waits for it: the server's work plus the round trip.
    def __init__(self):
        self.seconds, self.count = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def render_cost(path, repeats):
    # The uncached render (the page cache is off in this process): process CPU of the request (Django, templates,
    # the driver) plus the time of its queries; the median of `repeats` renders after a warm-up.
    cpu, sql, counts = [], [], []
    for _ in range(repeats):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.process_time()
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
            cpu.append(time.process_time() - started)
        sql.append(timer.seconds)
        counts.append(timer.count)
    cpu_ms, sql_ms = statistics.median(cpu) * 1000, statistics.median(sql) * 1000
    return {
        "cpu_ms": round(cpu_ms, 2), "sql_ms": round(sql_ms, 2), "render_ms": round(cpu_ms + sql_ms, 2),
        "queries": max(counts), "cpu_samples": cpu, "sql_samples": sql,
    }


client = Client(HTTP_HOST="127.0.0.1")
report = {}
for label, path in pages.items():
    if path is None:
        continue
    client.get(path)  # warm caches the same way the load test will
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    cost = render_cost(path, REPEATS)
    assets = []
    if "html" in response.get("Content-Type", ""):
        text = body.decode()
        assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text) + re.findall(r'<script[^>]+src="([^"]+)"', text)
    report[label] = {
        "path": path, "status": response.status_code,
        "bytes": len(body), "gzip_bytes": len(gzip.compress(body, 1)), "gzip6_bytes": len(gzip.compress(body, 6)),
        "assets": assets, **cost,
    }
from django.apps import apps
counts = {}
for name in ["commitments.Commitment", "commitments.Milestone", "commitments.ProgressUpdate", "council.Session", "proposals.Proposal"]:
    try:
        counts[name] = apps.get_model(name).objects.count()
    except LookupError:
        pass
print("PROBE" + json.dumps({"pages": report, "counts": counts}))
"""


def fail(message):
    sys.exit(f"bench: {message}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database_url(base_url):
    parts = urlsplit(base_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        fail("DATABASE_URL must name a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/quito_ga")
    name = (parts.path.lstrip("/") or "quito_ga") + "_bench"
    return urlunsplit(parts._replace(path="/" + name)), name, urlunsplit(parts._replace(path="/postgres"))


def recreate_database(admin_url, name, drop_only=False):
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def probe(env, repeats):
    # Queries are counted and timed on a render, not on a page served from the cache.
    probe_env = {**env, "DJANGO_PAGE_CACHE_SECONDS": "0"}
    code = f"REPEATS = {int(repeats)}\n" + PROBE
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=probe_env, check=False, capture_output=True, text=True)
    if result.returncode:
        fail(f"probing the pages failed:\n{result.stderr[-3000:]}")
    output = result.stdout
    line = next(line for line in output.splitlines() if line.startswith("PROBE"))
    return json.loads(line[len("PROBE") :])


def start_server(env, port):
    process = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "quito_ga.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/salud/", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop_server(process)
    fail("gunicorn did not become healthy within 60 s")
    return None


def stop_server(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wrk(url, duration, connections):
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d2s", url], check=True, capture_output=True)  # warm-up
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(WRK_SCRIPT), url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = re.search(r"^JSON (.*)$", output, re.MULTILINE)
    return json.loads(match.group(1))


def asset_bytes(port, paths):
    total = 0
    for path in paths:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            total += len(response.read())
    return total


def seed_scale(scale, env):
    manage(env, "migrate", "--noinput")
    manage(env, "load_quito_plan")
    started = time.monotonic()
    manage(env, "seed_demo", "--scale", str(scale))
    return round(time.monotonic() - started, 1)


def probe_rounds(envs, args):
    """The uncached renders of every scale, in `--rounds` rounds that alternate the scales.

    The machine's speed drifts over minutes (a shared host): probing the scales one after the other would put
    that drift into the growth figure. Each round renders every page `--repeats` times at each scale in turn;
    a page's figures are the medians of all its renders at that scale.
    """
    pooled = {}
    for _round in range(args.rounds):
        for scale, env in envs.items():
            info = probe(env, args.repeats)
            kept = pooled.setdefault(scale, info)
            for label, page in info["pages"].items():
                if kept is not info:
                    kept["pages"][label]["cpu_samples"] += page["cpu_samples"]
                    kept["pages"][label]["sql_samples"] += page["sql_samples"]
                    kept["pages"][label]["queries"] = max(kept["pages"][label]["queries"], page["queries"])
    for info in pooled.values():
        for page in info["pages"].values():
            cpu, sql = page.pop("cpu_samples"), page.pop("sql_samples")
            cpu_ms, sql_ms = statistics.median(cpu) * 1000, statistics.median(sql) * 1000
            page.update(cpu_ms=round(cpu_ms, 2), sql_ms=round(sql_ms, 2), render_ms=round(cpu_ms + sql_ms, 2))
            page["renders"] = len(cpu)
    return pooled


def measure_scale(scale, env, port, args, info, seed_seconds):
    if args.render_only:
        return {"scale": scale, "seed_seconds": seed_seconds, "counts": info["counts"], "pages": info["pages"]}
    static_path = (
        "/static/" + json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]["css/portal.css"]
    )
    server = start_server(env, port)
    rows = {}
    try:
        for label, page in info["pages"].items():
            result = wrk(f"http://127.0.0.1:{port}{page['path']}", args.duration, args.connections)
            page["asset_gzip_bytes"] = asset_bytes(port, page.pop("assets"))
            rows[label] = {**page, **result}
        rows["static file"] = {"path": static_path, "queries": 0, "status": 200}
        rows["static file"].update(wrk(f"http://127.0.0.1:{port}{static_path}", args.duration, args.connections))
    finally:
        stop_server(server)
    floor = rows["trivial view"]
    for row in rows.values():
        row["rps_ratio"] = round(row["rps"] / floor["rps"], 2) if floor["rps"] else None
        row["p95_ratio"] = round(row["p95_ms"] / floor["p95_ms"], 2) if floor["p95_ms"] else None
    return {"scale": scale, "seed_seconds": seed_seconds, "counts": info["counts"], "pages": rows}


def print_table(result):
    if "rps" not in next(iter(result["pages"].values())):
        print(f"\n== scale {result['scale']} · seeded in {result['seed_seconds']} s · {result['counts']}")
        return
    print(f"\n== scale {result['scale']} · seeded in {result['seed_seconds']} s · {result['counts']}")
    header = f"{'page':<18} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'x rps':>5} {'x p95':>5} {'SQL':>4} {'gz kB':>6} {'+assets':>7}"
    print(header)
    print("-" * len(header))
    for label, row in result["pages"].items():
        gz = row.get("gzip_bytes")
        total = (gz or 0) + (row.get("asset_gzip_bytes") or 0)
        print(
            f"{label:<18} {row['rps']:>8.0f} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['rps_ratio']:>5} "
            f"{row['p95_ratio']:>5} {row['queries']:>4} {(gz or 0) / 1024:>6.1f} {total / 1024:>7.1f}"
        )


def render_growth(results):
    """Per page: the uncached render cost (CPU + SQL) at the smallest and largest scale, and their ratio."""
    if len(results) < 2:
        return {}
    small, large = results[0], results[-1]
    growth = {}
    for label, row in large["pages"].items():
        before = small["pages"].get(label)
        if not before or "render_ms" not in row:
            continue
        growth[label] = {
            "scales": [small["scale"], large["scale"]],
            "render_ms": [before["render_ms"], row["render_ms"]],
            "cpu_ms": [before["cpu_ms"], row["cpu_ms"]],
            "sql_ms": [before["sql_ms"], row["sql_ms"]],
            "growth": round(row["render_ms"] / before["render_ms"], 2) if before["render_ms"] else None,
            "queries": [before["queries"], row["queries"]],
            "gzip_kb": round(row["gzip_bytes"] / 1024, 1),
        }
    return growth


def print_growth(growth):
    if not growth:
        return
    label_small, label_large = (f"{scale}x" for scale in next(iter(growth.values()))["scales"])
    print("\nUncached render, CPU + SQL ms (median), and HTML gzip -1 kB as nginx sends it:")
    header = (
        f"{'page':<18} {label_small + ' ms':>8} {label_large + ' ms':>9} {'growth':>6} "
        f"{'CPU ' + label_large:>9} {'SQL ' + label_large:>9} {'queries':>8} {'gz kB':>6}"
    )
    print(header)
    print("-" * len(header))
    for label, row in growth.items():
        queries = "{}/{}".format(*row["queries"])
        print(
            f"{label:<18} {row['render_ms'][0]:>8.1f} {row['render_ms'][1]:>9.1f} {row['growth']:>6} "
            f"{row['cpu_ms'][1]:>9.1f} {row['sql_ms'][1]:>9.1f} {queries:>8} {row['gzip_kb']:>6}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--duration", type=int, default=10, help="seconds of measurement per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=7, help="uncached renders timed per page and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of renders, alternating the scales")
    parser.add_argument("--render-only", action="store_true", help="measure the uncached renders only, no wrk")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        fail("set DATABASE_URL to a PostgreSQL server; the benchmark creates its own database there")
    if not shutil.which("wrk"):
        fail("wrk is not installed: apt-get install -y wrk")
    url, name, admin_url = bench_database_url(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        "DJANGO_BENCHMARK": "1",
        "DJANGO_SETTINGS_MODULE": "quito_ga.settings",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DEMO_PASSWORD": "bench-demo-password",
    }
    manage(env, "collectstatic", "--noinput", "-v", "0")
    port = free_port()
    results = []
    # One database per scale, all seeded first, so that the renders of the scales can alternate.
    names = {scale: f"{name}_{scale}x" for scale in args.scales}
    envs = {
        scale: {**env, "DATABASE_URL": urlunsplit(urlsplit(url)._replace(path="/" + names[scale]))}
        for scale in args.scales
    }
    try:
        seeded = {}
        for scale in args.scales:
            recreate_database(admin_url, names[scale])
            seeded[scale] = seed_scale(scale, envs[scale])
        probed = probe_rounds(envs, args)
        for scale in args.scales:
            results.append(measure_scale(scale, envs[scale], port, args, probed[scale], seeded[scale]))
            print_table(results[-1])
    finally:
        for scale in args.scales:
            recreate_database(admin_url, names[scale], drop_only=True)
    output = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "gunicorn": " ".join(GUNICORN),
        "wrk": None if args.render_only else f"-t2 -c{args.connections} -d{args.duration}s after a 2 s warm-up",
        "render": (
            f"median of {args.rounds} x {args.repeats} uncached renders per page and scale, the scales alternating "
            "round by round, each round in one process: CPU (time.process_time) + query time"
        ),
        "cpus": os.cpu_count(),
        "results": results,
        "median_rps_ratio": {
            str(r["scale"]): statistics.median(p["rps_ratio"] for p in r["pages"].values())
            for r in results
            if not args.render_only
        },
    }
    output["render_growth"] = render_growth(results)
    print_growth(output["render_growth"])
    (ROOT / "bench" / "results.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    print("\nWritten to bench/results.json")


if __name__ == "__main__":
    main()
