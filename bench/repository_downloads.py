"""Home page latency while clients download a plan's evidence repository ZIP in parallel.

Usage: python bench/repository_downloads.py http://127.0.0.1:8108 PLAN_SLUG [--downloaders 8] [--requests 200]
       [--rounds 3] [--limit-rate 20M]
Against a running portal (gunicorn, debug off) whose task worker has built the plan's ZIP. Alternates rounds
of the home page idle and while DOWNLOADERS clients (curl) fetch the ZIP in a loop, every byte, at full speed
(--limit-rate caps each client, e.g. 20M for a fast connection); a client told 503 waits as its Retry-After
says. Prints the medians, 95th percentiles and what the downloaders got. Needs curl.
"""

import argparse
import http.client
import statistics
import subprocess
import threading
import time
from urllib.parse import urlsplit


def get(base, path, sink=False):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    size = 0
    while chunk := response.read(1024 * 1024 if sink else 65536):
        size += len(chunk)
    connection.close()
    return response.status, size, time.perf_counter() - started


def home_latencies(base, requests, clients=2):
    timings, lock = [], threading.Lock()

    def client():
        for _ in range(requests // clients):
            status, _size, seconds = get(base, "/")
            assert status == 200, status
            with lock:
                timings.append(seconds)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def summary(label, timings):
    p95 = statistics.quantiles(timings, n=100)[94]
    print(f"{label}: n={len(timings)} median={statistics.median(timings) * 1000:.1f} ms p95={p95 * 1000:.1f} ms")
    return p95


def download_loop(url, stop, results, lock, limit_rate):
    """One client downloading the ZIP again and again; told 503, it waits as Retry-After says, like a browser."""
    command = ["curl", "-s", "-o", "/dev/null", "-D", "-", "-w", "%{size_download}", url]
    if limit_rate:
        command += ["--limit-rate", limit_rate]
    while not stop.is_set():
        output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        status = output.split()[1]
        retry_after = next(
            (int(line.split(":")[1]) for line in output.splitlines() if line.lower().startswith("retry-after:")), 0
        )
        with lock:
            key = "ok" if status == "200" else "busy" if status == "503" else "other"
            results[key] += 1
            results["bytes"] += int(output.split()[-1]) if status == "200" else 0
        stop.wait(retry_after)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("plan")
    parser.add_argument("--downloaders", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit-rate", default="")
    args = parser.parse_args()
    path = f"/datos/repositorio/{args.plan}/"
    status, size, seconds = get(args.base, path, sink=True)
    print(f"one download alone: status {status}, {size / 1e6:.1f} MB in {seconds:.2f} s")
    get(args.base, "/")
    idle, loaded = [], []
    results, lock = {"ok": 0, "busy": 0, "other": 0, "bytes": 0}, threading.Lock()
    for _round in range(args.rounds):
        idle += home_latencies(args.base, args.requests)
        stop = threading.Event()
        threads = [
            threading.Thread(target=download_loop, args=(args.base + path, stop, results, lock, args.limit_rate))
            for _ in range(args.downloaders)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1)
        loaded += home_latencies(args.base, args.requests)
        stop.set()
        for thread in threads:
            thread.join()
    idle_p95 = summary("home idle", idle)
    loaded_p95 = summary(f"home during {args.downloaders} parallel downloads", loaded)
    print(
        f"downloads: {results['ok']} complete ({results['bytes'] / 1e6:.0f} MB), {results['busy']} answered 503 "
        f"(limit), {results['other']} other; p95 ratio loaded/idle = {loaded_p95 / idle_p95:.2f}"
    )


if __name__ == "__main__":
    main()
