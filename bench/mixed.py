"""Mixed run at 100x data: anonymous readers with a Zipf popularity mix while staff and citizens write.

Usage: DATABASE_URL=postgres://…/quito_ga REDIS_URL=redis://127.0.0.1:6379/7 python bench/mixed.py
       [--duration 120] [--warmup 300] [--connections 8] [--scale 100]

- Data: a database named after DATABASE_URL's with `_mixed` appended, seeded once (`seed_demo --scale N`, about
  10 minutes at 100x) and reused by later runs (`--reseed` to start over).
- Serving as production does (docs/deploy.md): gunicorn as bench/run.py starts it, the page cache in Redis
  (REDIS_URL; that Redis database is flushed at the start, so give it one of its own), and nginx in front with
  deploy/nginx.conf's settings. nginx compresses the HTML (`gzip on`, text/html is always in gzip_types);
  whitenoise compresses only static files, and Django has no GZipMiddleware. wrk asks for gzip.
- Readers: wrk with bench/mixed.lua, one connection per thread, each request choosing a public URL with a
  Zipf-like popularity (weight 1/rank over home, lists, searches, then every plan, commitment, session and a
  sample of proposals) and 5 % of the requests to the trivial view. Each response's latency and its
  `X-Cache` header (hit, stale, miss) are logged per page kind.
- Writers, at the same time, through the ORM of the same settings (so their on-commit bumps reach Redis): a staff
  save of a demo milestone every 15 s, a citizen's proposal to a demo call every 30 s.
- Warm-up: the same mix for --warmup seconds (300 by default: a portal in production is warm), then --duration
  seconds measured.
- Report: the anonymous hit ratio (hit + stale over every page response but the trivial view's), the stale share,
  the hit ratio over the responses for a URL already requested (time order), the first visits, and each page
  kind's p95 next to the trivial view's p95 in the same run, against the targets of issue 14 (hit ratio >= 90 %,
  p95 <= 3x trivial, search <= 5x). Written to bench/mixed-results.json.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LUA = ROOT / "bench" / "mixed.lua"
GUNICORN = ["--workers", "3", "--threads", "4", "--worker-class", "gthread", "--keep-alive", "5"]
TRIVIAL_SHARE = 0.05
TARGETS = {"hit_ratio": 0.90, "p95_ratio": 3.0, "search_p95_ratio": 5.0}

# The public URLs in order of popularity (rank 1 first), with their page kind.
URLS = r"""
import json, random
import django
django.setup()
from django.urls import reverse
from commitments.models import ActionPlan, Commitment
from council.models import Session
from proposals.models import Proposal

rng = random.Random(14)
head = [
    ("home", reverse("home")),
    ("commitment list", reverse("commitments:commitment-list")),
    ("proposal list", reverse("proposals:proposal-list")),
    ("council", reverse("council:council-home")),
    ("plan list", reverse("commitments:plan-list")),
    ("proposal search", reverse("proposals:proposal-list") + "?q=participacion+ciudadana"),
    ("session list", reverse("council:session-list")),
    ("open data", reverse("opendata:dataset-list")),
    ("API list", "/api/v1/compromisos/"),
    ("commitment list", reverse("commitments:commitment-list") + "?page=2"),
    ("proposal search", reverse("proposals:proposal-list") + "?q=agua"),
    ("proposal list", reverse("proposals:proposal-list") + "?page=2"),
    ("proposal search", reverse("proposals:proposal-list") + "?q=movilidad"),
]
tail = [("plan detail", p.get_absolute_url()) for p in ActionPlan.objects.all()]
tail += [("commitment detail", c.get_absolute_url()) for c in Commitment.objects.visible_to(None)]
tail += [("session detail", s.get_absolute_url()) for s in Session.objects.all()]
codes = list(Proposal.objects.filter(is_hidden=False).values_list("code", flat=True))
tail += [("proposal detail", reverse("proposals:proposal-detail", kwargs={"code": c})) for c in rng.sample(codes, min(2000, len(codes)))]
rng.shuffle(tail)
print("URLS" + json.dumps(head + tail))
"""

WRITERS = r"""
import random, sys, time
import django
django.setup()
from django.db import transaction
from django.utils import timezone
from commitments.models import Milestone
from proposals.models import CONSENT_VERSION, Call, Proposal, ProposerContact, ZonalAdministration

rng = random.Random(15)
milestones = list(Milestone.objects.filter(is_demo=True).values_list("pk", flat=True))
call = Call.objects.filter(is_demo=True).open_now().first() or Call.objects.open_now().first()
zones = list(ZonalAdministration.objects.all())
topic = Proposal._meta.get_field("topic").choices[0][0]
started, saves, proposals = time.monotonic(), 0, 0
while True:
    elapsed = time.monotonic() - started
    if elapsed >= saves * 15:
        with transaction.atomic():  # as the admin's change form saves it: one transaction, history record included
            milestone = Milestone.objects.get(pk=rng.choice(milestones))
            milestone.means_of_verification = f"Informe publicado (revisión {saves + 1} del banco de pruebas)"
            milestone.save()
        saves += 1
        print(f"staff save {saves} at {elapsed:.0f} s: milestone {milestone.pk}", flush=True)
    if call is not None and elapsed >= proposals * 30:
        proposal = Proposal(
            call=call, zone=rng.choice(zones), topic=topic,
            title=f"Propuesta de demostración del banco de pruebas {proposals + 1}",
            problem="Demostración: falta información sobre las obras del barrio.",
            solution="Demostración: publicar el avance de las obras cada mes.",
        )
        contact = ProposerContact(name="Ciudadana de demostración", email=f"demo{proposals}@example.org",
                                  consent_version=CONSENT_VERSION, consented_at=timezone.now(), language="es")
        proposal.submit(contact=contact)
        proposals += 1
        print(f"citizen proposal {proposals} at {elapsed:.0f} s: {proposal.code}", flush=True)
    time.sleep(0.5)
"""


def fail(message):
    sys.exit(f"bench-mixed: {message}")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database(base_url, reseed):
    """The `_mixed` database's URL, created if missing; whether it still needs seeding."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        fail("DATABASE_URL must name a PostgreSQL server")
    name = (parts.path.lstrip("/") or "quito_ga") + "_mixed"
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if reseed:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    url = urlunsplit(parts._replace(path="/" + name))
    seeded = False
    if exists:
        with psycopg2.connect(url) as connection, connection.cursor() as cursor:
            try:
                cursor.execute("SELECT count(*) FROM commitments_commitment WHERE is_demo")
                seeded = cursor.fetchone()[0] > 0
            except psycopg2.Error:
                seeded = False
    return url, seeded


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def django_output(env, script, prefix):
    result = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        fail(f"a Django step failed:\n{result.stderr[-3000:]}")
    line = next(line for line in result.stdout.splitlines() if line.startswith(prefix))
    return json.loads(line[len(prefix) :])


def wait_healthy(url, process, what):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    stop(process)
    fail(f"{what} did not become healthy within 60 s")


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def nginx_config(directory, listen, upstream):
    """deploy/nginx.conf (gzip included) with this run's ports."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = text.replace(
        "        server 127.0.0.1:8101 max_fails=3 fail_timeout=5s;\n        server 127.0.0.1:8102 max_fails=3 fail_timeout=5s;\n",
        f"        server 127.0.0.1:{upstream};\n",
    ).replace("listen 127.0.0.1:8100;", f"listen 127.0.0.1:{listen};")
    if f"127.0.0.1:{upstream}" not in text or f"listen 127.0.0.1:{listen}" not in text:
        fail("deploy/nginx.conf changed shape: update nginx_config() in bench/mixed.py")
    path = Path(directory) / "nginx.conf"
    path.write_text(text)
    return path


def zipf_file(directory, urls):
    """label, cumulative weight, path per line: the trivial view takes TRIVIAL_SHARE, the pages 1/rank."""
    weights = [1 / rank for rank in range(1, len(urls) + 1)]
    scale = (1 - TRIVIAL_SHARE) / sum(weights)
    lines, total = [f"trivial view\t{TRIVIAL_SHARE:.8f}\t/bench/ping/"], TRIVIAL_SHARE
    for (label, path), weight in zip(urls, weights, strict=True):
        total += weight * scale
        lines.append(f"{label}\t{total:.8f}\t{path}")
    path = Path(directory) / "urls.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(port, seconds, connections, urls, log_prefix):
    env = {**os.environ, "MIXED_URLS": str(urls), "MIXED_LOG": log_prefix}
    command = ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA)]
    subprocess.run([*command, f"http://127.0.0.1:{port}"], env=env, check=True, capture_output=True, text=True)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def read_logs(url_file, log_files):
    """(page kind, URL, latency ms, status, X-Cache, body bytes as sent) per response, all threads merged in the
    order the requests started (each thread writes its own log)."""
    urls = [line.split("\t") for line in Path(url_file).read_text().splitlines()]
    rows = []
    for log in log_files:
        for line in Path(log).read_text().splitlines():
            index, micros, status, cache, size, started = line.split("\t")
            label, _weight, path = urls[int(index) - 1]
            rows.append((float(started), label, path, int(micros) / 1000, status, cache or "-", int(size)))
    rows.sort(key=lambda row: row[0])
    for _started, *row in rows:
        yield tuple(row)


def summarise(url_file, warmup_logs, run_logs):
    """Per page kind: requests, p50, p95, X-Cache counts. The hit ratio (hit + stale) over all page responses;
    the stale share; and the hit ratio over the responses for a URL already requested before (in the warm-up or
    earlier in the run, in time order): the misses left there are the cache's (a change, an expiry, two first
    requests at once), not a first visit to one of thousands of pages."""
    seen = {row[1] for row in read_logs(url_file, warmup_logs)}
    latencies, outcomes, statuses = defaultdict(list), defaultdict(lambda: defaultdict(int)), defaultdict(int)
    sizes, cached = defaultdict(list), defaultdict(list)
    repeat_total = repeat_served = first_visits = 0
    for label, path, latency, status, cache, size in read_logs(url_file, run_logs):
        latencies[label].append(latency)
        sizes[label].append(size)
        if cache in {"hit", "stale"}:
            cached[label].append(latency)
        outcomes[label][cache] += 1
        statuses[status] += 1
        if label != "trivial view":
            if path in seen:
                repeat_total += 1
                repeat_served += cache in {"hit", "stale"}
            else:
                first_visits += 1
        seen.add(path)
    rows = {}
    for label, values in latencies.items():
        rows[label] = {
            "requests": len(values),
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            # The same over the answers the cache gave (hit or stale): what a render adds shows in the difference.
            "p95_cached_ms": round(percentile(cached[label], 0.95), 2) if cached[label] else None,
            "x_cache": dict(outcomes[label]),
            # What nginx sent (gzip when the answer is large enough to be worth it), mean and largest.
            "gzip_kB": round(sum(sizes[label]) / len(sizes[label]) / 1024, 1),
            "gzip_kB_max": round(max(sizes[label]) / 1024, 1),
        }
    floor = rows["trivial view"]["p95_ms"]
    for row in rows.values():
        row["p95_ratio"] = round(row["p95_ms"] / floor, 2)
    pages = [label for label in rows if label != "trivial view"]
    served = sum(outcomes[label][state] for label in pages for state in ("hit", "stale"))
    stale = sum(outcomes[label]["stale"] for label in pages)
    total = sum(rows[label]["requests"] for label in pages)
    ratios = {
        "hit_ratio": served / total if total else 0.0,
        "stale_share": stale / total if total else 0.0,
        "repeat_hit_ratio": repeat_served / repeat_total if repeat_total else 0.0,
        "repeat_requests": repeat_total,
        "first_visits": first_visits,
        "urls_seen": len(seen),
    }
    return rows, ratios, dict(statuses)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=120, help="seconds measured (after the warm-up)")
    parser.add_argument(
        "--warmup", type=int, default=300,
        help="seconds of the same mix before measuring: a portal in production is warm (see the README)",
    )  # fmt: skip
    parser.add_argument("--connections", type=int, default=8, help="wrk threads, one connection each")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--reseed", action="store_true", help="drop the _mixed database and seed it again")
    args = parser.parse_args()
    for variable in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(variable):
            fail(f"set {variable} (the Redis database is flushed: give the benchmark one of its own)")
    for program in ("wrk", "nginx"):
        if not shutil.which(program):
            fail(f"{program} is not installed: apt-get install -y {program}")
    url, seeded = database(os.environ["DATABASE_URL"], args.reseed)
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
    manage(env, "migrate", "--noinput", "-v", "0")
    if not seeded:
        print(f"Seeding {url.rsplit('/', 1)[-1]} at {args.scale}x once (reused by later runs)…", flush=True)
        manage(env, "load_quito_plan")
        manage(env, "seed_demo", "--scale", str(args.scale))
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    urls = django_output(env, URLS, "URLS")
    work = Path(tempfile.mkdtemp(prefix="qga-mixed-"))
    work.chmod(0o777)  # nginx's workers (nobody when started as root) buffer large answers there
    app_port, proxy_port = free_port(), free_port()
    processes = []
    try:
        gunicorn = [str(Path(PYTHON).parent / "gunicorn"), "quito_ga.wsgi", "--bind", f"127.0.0.1:{app_port}"]
        processes.append(
            subprocess.Popen(
                [*gunicorn, *GUNICORN],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_healthy(f"http://127.0.0.1:{app_port}/salud/", processes[-1], "gunicorn")
        config = nginx_config(work, proxy_port, app_port)
        processes.append(
            subprocess.Popen(
                ["nginx", "-c", str(config), "-p", str(work), "-g", "daemon off;"],
                start_new_session=True,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_healthy(f"http://127.0.0.1:{proxy_port}/salud/", processes[-1], "nginx")
        url_file = zipf_file(work, urls)
        writers_log = (work / "writers.log").open("w")
        processes.append(
            subprocess.Popen(
                [PYTHON, "-c", WRITERS],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=writers_log,
                stderr=subprocess.STDOUT,
            )
        )
        print(f"{len(urls)} URLs; warm-up {args.warmup} s, then {args.duration} s measured…", flush=True)
        wrk(proxy_port, args.warmup, args.connections, url_file, str(work / "warmup-"))
        wrk(proxy_port, args.duration, args.connections, url_file, str(work / "run-"))
        if processes[-1].poll() is not None:
            fail(f"the writers stopped:\n{(work / 'writers.log').read_text()[-3000:]}")
    finally:
        for process in reversed(processes):
            stop(process)
    writes = measured_writes((work / "writers.log").read_text(), args.warmup)
    rows, ratios, statuses = summarise(url_file, sorted(work.glob("warmup-*")), sorted(work.glob("run-*")))
    print_report(rows, ratios, statuses, writes, args)
    output = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "scale": args.scale,
        "urls": len(urls),
        "gunicorn": " ".join(GUNICORN),
        "wrk": f"-t{args.connections} -c{args.connections} -d{args.duration}s after {args.warmup} s of warm-up",
        "staff_saves": writes.count("staff save"),
        "citizen_proposals": writes.count("citizen proposal"),
        **{name: round(value, 4) for name, value in ratios.items()},
        "statuses": statuses,
        "pages": rows,
        "targets": TARGETS,
    }
    (ROOT / "bench" / "mixed-results.json").write_text(json.dumps(output, indent=2, ensure_ascii=False))
    shutil.rmtree(work, ignore_errors=True)
    print("Written to bench/mixed-results.json")


def measured_writes(log, warmup):
    """The writers' lines of the measured part (the writers start with the warm-up and log their second)."""
    lines = [line for line in log.splitlines() if re.match(r"^(staff save|citizen proposal) \d+ at (\d+) s", line)]
    return "\n".join(line for line in lines if int(re.search(r" at (\d+) s", line).group(1)) >= warmup)


def print_report(rows, ratios, statuses, writes, args):
    print(f"\n== mixed run at {args.scale}x · {args.duration} s · {args.connections} connections · "
          f"{writes.count('staff save')} staff saves, {writes.count('citizen proposal')} citizen proposals")  # fmt: skip
    header = f"{'page':<18} {'requests':>8} {'hit':>6} {'stale':>6} {'miss':>6} {'p50 ms':>7} {'p95 ms':>7} {'x p95':>6} {'cached':>6} {'gz kB':>6}  target"
    print(header)
    print("-" * len(header))
    trivial = rows.pop("trivial view")
    for label, row in [*sorted(rows.items(), key=lambda item: -item[1]["requests"]), ("trivial view", trivial)]:
        limit = TARGETS["search_p95_ratio"] if label == "proposal search" else TARGETS["p95_ratio"]
        verdict = "" if label == "trivial view" else ("ok" if row["p95_ratio"] <= limit else f"OVER {limit}x")
        cache = row["x_cache"]
        print(
            f"{label:<18} {row['requests']:>8} {cache.get('hit', 0):>6} {cache.get('stale', 0):>6} "
            f"{cache.get('miss', 0):>6} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} {row['p95_ratio']:>6} {row['p95_cached_ms'] or 0:>6.1f} {row['gzip_kB']:>6}  {verdict}"
        )
    rows["trivial view"] = trivial
    hit_ratio = ratios["hit_ratio"]
    verdict = "ok" if hit_ratio >= TARGETS["hit_ratio"] else f"UNDER {TARGETS['hit_ratio']:.0%}"
    print(f"\nanonymous hit ratio (hit + stale, all pages but the trivial view): {hit_ratio:.1%}  {verdict}")
    print(f"of which stale (an out-of-date copy while one request renders the page): {ratios['stale_share']:.1%}")
    print(
        f"hit ratio of the {ratios['repeat_requests']} requests for a URL already requested (warm-up included): "
        f"{ratios['repeat_hit_ratio']:.1%}; {ratios['first_visits']} first visits; "
        f"{ratios['urls_seen']} of the URLs requested at least once"
    )
    print(f"HTTP statuses: {statuses}; p50/p95 per page kind, x p95 against the trivial view in this run;")
    print("cached: p95 (ms) of the answers the cache gave; gz kB: mean body as nginx sent it (gzip)")


if __name__ == "__main__":
    main()
