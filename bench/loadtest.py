"""Load and fault tests: a realistic mix against the portal at 100x data, optionally with a fault injected.

Usage: DATABASE_URL=postgres://… python bench/loadtest.py [--scale 100] [--minutes 5] [--users 40]
       [--fault postgres|redis] [--scale-out]
With --fault postgres, PostgreSQL is restarted mid-run; with --fault redis, Redis is stopped for 30 s. With
--scale-out, two gunicorn instances serve behind nginx (deploy/nginx.conf), sharing PostgreSQL and Redis.
Traffic goes to 127.0.0.1 only. Checks: zero errors outside the fault window, only friendly 503 pages during
it, recovery within seconds, and every proposal that got a success page is in the database.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from run import PYTHON, ROOT, bench_database_url, fail, free_port, manage, recreate_database, start_server, stop_server

PAGES_PROBE = r"""
import json, django
django.setup()
from django.urls import reverse
from commitments.models import ActionPlan, Commitment, Milestone, Organization
from council.models import Session
from proposals.models import Proposal
from commitments.models import StaffProfile
editor = StaffProfile.objects.select_related("organization").get(user__username="editor")
pages = ["/", "/planes/", "/compromisos/", "/compromisos/?q=participacion", "/consejo/", "/consejo/sesiones/",
         "/propuestas/", "/propuestas/?q=participacion", "/datos/", "/api/v1/compromisos/"]
pages += [reverse("commitments:commitment-detail", kwargs={"code": c}) for c in Commitment.objects.values_list("code", flat=True)[:30]]
pages += [reverse("commitments:plan-detail", kwargs={"slug": s}) for s in ActionPlan.objects.values_list("slug", flat=True)[:5]]
pages += [reverse("commitments:organization-detail", kwargs={"slug": s}) for s in Organization.objects.values_list("slug", flat=True)[:10]]
pages += [reverse("council:session-detail", kwargs={"number": n}) for n in Session.objects.values_list("number", flat=True)[:30]]
pages += [reverse("proposals:proposal-detail", kwargs={"code": c}) for c in Proposal.objects.values_list("code", flat=True)[:60]]
milestones = list(Milestone.objects.editable_by(editor.user).values_list("pk", flat=True)[:50])
print("PAGES" + json.dumps({"pages": pages, "milestones": milestones, "proposals": Proposal.objects.count()}))
"""

CHECK = r"""
import sys, django
django.setup()
from proposals.models import Proposal
codes = [line.strip() for line in open(sys.argv[1]) if line.strip()]
found = set(Proposal.objects.filter(code__in=codes).values_list("code", flat=True))
print(f"CHECK {len(codes)} {len(found)}")
"""

PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect"]


def probe_pages(env):
    result = subprocess.run([PYTHON, "-c", PAGES_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        fail(f"listing the pages failed:\n{result.stderr[-3000:]}")
    line = next(line for line in result.stdout.splitlines() if line.startswith("PAGES"))
    return json.loads(line[len("PAGES") :])


def postgres_cluster():
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return [*PG_RESTART, version, "main"]


class Fault(threading.Thread):
    """Inject the fault at a third of the run and watch /salud/ until the portal has recovered."""

    def __init__(self, kind, port, start_after):
        super().__init__(daemon=True)
        self.kind, self.port, self.start_after = kind, port, start_after
        self.report = {}

    def healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/salud/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def sample_page(self):
        """What a citizen gets during the outage: status and whether it is the friendly page."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/compromisos/", headers={"Cookie": "x=1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return {"status": response.status, "friendly": True}
        except urllib.error.HTTPError as error:
            body = error.read().decode("utf-8", "replace")
            return {"status": error.code, "friendly": "Servicio no disponible" in body and "Traceback" not in body}
        except OSError as error:
            return {"status": None, "error": str(error)}

    def run(self):
        time.sleep(self.start_after)
        self.report["fault_started"] = time.time()
        if self.kind == "postgres":
            subprocess.run([*postgres_cluster(), "stop"], check=True)
            time.sleep(3)
            self.report["page_during_outage"] = self.sample_page()
            time.sleep(7)
            subprocess.run([*postgres_cluster(), "start"], check=True)
        else:
            subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)
            time.sleep(3)
            self.report["page_during_outage"] = self.sample_page()
            time.sleep(27)
            subprocess.run(
                ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
                 "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"], check=True,
            )  # fmt: skip
        self.report["service_back"] = time.time()
        while not self.healthy():
            time.sleep(0.2)
        self.report["portal_healthy"] = time.time()
        self.report["recovery_seconds"] = round(self.report["portal_healthy"] - self.report["service_back"], 2)


def start_nginx(directory):
    conf = Path(directory) / "nginx.conf"
    shutil.copy(ROOT / "deploy" / "nginx.conf", conf)
    subprocess.run(["nginx", "-c", str(conf), "-p", str(directory)], check=True)
    return conf


def stop_nginx(directory, conf):
    subprocess.run(["nginx", "-c", str(conf), "-p", str(directory), "-s", "quit"], check=False)


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
            failures = list(csv.DictReader(handle))
    return rows, failures


def main():  # noqa: C901 - a linear script: set up, run, check, clean up
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--fault", choices=["postgres", "redis"])
    parser.add_argument("--scale-out", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        fail("set DATABASE_URL to a PostgreSQL server; the load test creates its own database there")
    if not shutil.which("locust", path=str(Path(PYTHON).parent)):
        fail("locust is not installed: pip install '.[load]'")
    if args.scale_out and not shutil.which("nginx"):
        fail("--scale-out needs nginx: apt-get install -y nginx")
    url, name, admin_url = bench_database_url(os.environ["DATABASE_URL"])
    name = name.replace("_bench", "_load")
    url = url.replace("_bench", "_load")
    work = tempfile.mkdtemp(prefix="qga-load-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "load-only-secret-key-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "quito_ga.settings",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DEMO_PASSWORD": "load-demo-password",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DJANGO_MEDIA_ROOT": str(Path(work) / "media"),
        # One load generator on one address stands in for thousands of citizens.
        "PROPOSALS_SUBMISSIONS_PER_HOUR": "100000",
        "PROPOSALS_LOOKUPS_PER_HOUR": "100000",
        "DJANGO_LOGIN_FAILURE_LIMIT": "1000",
    }
    servers, nginx_conf = [], None
    recreate_database(admin_url.replace("_bench", "_load"), name)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "load_quito_plan")
        print(f"Seeding at scale {args.scale}…", flush=True)
        manage(env, "seed_demo", "--scale", str(args.scale))
        info = probe_pages(env)
        if args.scale_out:
            for port in (8101, 8102):
                servers.append(start_server({**env, "DJANGO_PROXY_COUNT": "1"}, port))
            nginx_conf = start_nginx(work)
            port = 8100
        else:
            port = free_port()
            servers.append(start_server(env, port))
        seconds = int(args.minutes * 60)
        fault = Fault(args.fault, port, seconds / 3) if args.fault else None
        if fault:
            fault.start()
        prefix = str(Path(work) / "locust")
        codes_file = str(Path(work) / "codes.txt")
        locust_env = {
            **env,
            "LOAD_PAGES": json.dumps(info["pages"]),
            "LOAD_MILESTONES": json.dumps(info["milestones"]),
            "LOAD_CODES_FILE": codes_file,
        }
        subprocess.run(
            [str(Path(PYTHON).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 10)), "--run-time", f"{seconds}s",
             "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary", "--stop-timeout", "15"],
            cwd=ROOT, env=locust_env, check=False,
        )  # fmt: skip
        if fault:
            fault.join(timeout=120)
        rows, failures = read_stats(prefix)
        check = subprocess.run(
            [PYTHON, "-c", CHECK, codes_file], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout
        acknowledged, stored = (int(value) for value in check.split()[1:3])
        total = rows["Aggregated"]
        report = {
            "scale": args.scale,
            "proposals_before": info["proposals"],
            "minutes": args.minutes,
            "users": args.users,
            "fault": args.fault,
            "scale_out": args.scale_out,
            "requests": int(total["Request Count"]),
            "failures": int(total["Failure Count"]),
            "rps": round(float(total["Requests/s"]), 1),
            "p50_ms": float(total["50%"]),
            "p95_ms": float(total["95%"]),
            "p99_ms": float(total["99%"]),
            "by_request": {
                name: {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                }
                for name, row in rows.items()
                if name != "Aggregated"
            },
            "failure_kinds": [
                {"name": f["Name"], "error": f["Error"][:200], "count": f["Occurrences"]} for f in failures
            ],
            "proposals_acknowledged": acknowledged,
            "proposals_stored": stored,
            "fault_report": fault.report if fault else None,
        }
    finally:
        for server in servers:
            stop_server(server)
        if nginx_conf:
            stop_nginx(work, nginx_conf)
        recreate_database(admin_url, name, drop_only=True)
    kind = "faulttest" if args.fault else "loadtest"
    out = ROOT / "bench" / f"{kind}-{args.fault or ('scaleout' if args.scale_out else 'single')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps({key: value for key, value in report.items() if key != "by_request"}, indent=2))
    ok = report["proposals_acknowledged"] == report["proposals_stored"]
    if not args.fault:
        ok = ok and report["failures"] == 0
    else:
        ok = ok and all("503" in kind["error"] for kind in report["failure_kinds"])
        ok = ok and (report["fault_report"] or {}).get("recovery_seconds", 999) < 30
    print(f"\n{kind}: {'PASS' if ok else 'FAIL'} (report in {out.relative_to(ROOT)})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
