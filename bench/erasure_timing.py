"""Time the erasure request for an address that matches a proposal and for one that does not.

Usage: python bench/erasure_timing.py http://127.0.0.1:8108 CODE MATCHING_EMAIL [--requests 200]
Against a running portal with a lookup limit high enough (PROPOSALS_LOOKUPS_PER_HOUR). Interleaves the two
kinds of request so drift affects both alike, and prints each kind's median and 95th percentile.
"""

import argparse
import http.client
import re
import statistics
import time
from urllib.parse import urlencode, urlsplit

TRACK = "/propuestas/seguimiento/"


class Session:
    def __init__(self, base):
        parts = urlsplit(base)
        self.host, self.port, self.cookies = parts.hostname, parts.port, {}

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}{TRACK}",
            }
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, content.decode(), seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("code")
    parser.add_argument("email")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    session = Session(args.base)
    _status, page, _seconds = session.request("GET", TRACK)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    emails = {"match": args.email, "no match": "nadie-" + args.email}
    timings = {kind: [] for kind in emails}
    for _ in range(args.requests):
        for kind, email in emails.items():
            body = urlencode({"csrfmiddlewaretoken": token, "erasure-code": args.code, "erasure-email": email})
            status, _content, seconds = session.request("POST", TRACK, body)
            assert status == 302, status
            session.cookies.pop("messages", None)  # the next answer must not carry this one's message
            timings[kind].append(seconds)
    for kind, values in timings.items():
        p95 = statistics.quantiles(values, n=100)[94]
        print(f"{kind}: n={len(values)} median={statistics.median(values) * 1000:.2f} ms p95={p95 * 1000:.2f} ms")


if __name__ == "__main__":
    main()
