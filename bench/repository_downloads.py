"""Home page latency while clients download a plan's evidence repository ZIP in parallel.

Usage: python bench/repository_downloads.py http://127.0.0.1:8108 PLAN_SLUG [--downloaders 8] [--requests 200]
Against a running portal (gunicorn, debug off) whose task worker has built the plan's ZIP. Measures the home
page idle, then again while DOWNLOADERS threads fetch the ZIP in a loop (reading every byte; a 503 is retried
at once, the worst case), and prints the medians, 95th percentiles and what the downloaders got.
"""

import argparse
import http.client
import statistics
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("plan")
    parser.add_argument("--downloaders", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    path = f"/datos/repositorio/{args.plan}/"
    status, size, seconds = get(args.base, path, sink=True)
    print(f"one download alone: status {status}, {size / 1e6:.1f} MB in {seconds:.2f} s")
    get(args.base, "/")
    idle = summary("home idle", home_latencies(args.base, args.requests))

    stop, results, lock = threading.Event(), {"ok": 0, "busy": 0, "other": 0, "bytes": 0}, threading.Lock()

    def downloader():
        while not stop.is_set():
            status, size, _seconds = get(args.base, path, sink=True)
            with lock:
                key = "ok" if status == 200 else "busy" if status == 503 else "other"
                results[key] += 1
                results["bytes"] += size if status == 200 else 0

    threads = [threading.Thread(target=downloader) for _ in range(args.downloaders)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    loaded = summary(f"home during {args.downloaders} parallel downloads", home_latencies(args.base, args.requests))
    stop.set()
    for thread in threads:
        thread.join()
    print(
        f"downloads: {results['ok']} complete ({results['bytes'] / 1e6:.0f} MB), {results['busy']} answered 503 "
        f"(limit), {results['other']} other; p95 ratio loaded/idle = {loaded / idle:.2f}"
    )


if __name__ == "__main__":
    main()
