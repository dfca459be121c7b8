#!/usr/bin/env python3
"""Gateway CPU and memory benchmark (docs/benchmarks.md, "Gateway CPU profile").

Starts the release all-in-one (`videoassist`) on a SecantusDB of its own with
recording off, creates an agent, warms up, then runs `vc-load` (real Opus +
VP8 media, ~700 kbit/s per party) and reads the server's CPU time and RSS
from /proc:

  cpu   for each N in --calls: N calls for --seconds; CPU per forwarded
        packet = delta(utime+stime) / packets the parties received, over the
        whole run (setup and teardown included) and over the steady middle
        of it (packets from `vc_media_forwarded_packets_total` when the
        gateway exports it); also CPU-seconds per call-minute.
  mem   RSS with N calls up (media flowing) minus RSS before: RSS per call.
  soak  --soak-calls calls of --soak-seconds, --soak-at-once at a time;
        RSS before and after, and the gateway's census after.

Usage (from the repository root, after
`cargo build --release -p videoassist -p vc-loadgen`):

  flock /tmp/va-bench.lock services/media/scripts/gateway-bench.py cpu --calls 5,10 --seconds 40
  flock /tmp/va-bench.lock services/media/scripts/gateway-bench.py mem --calls 10
  flock /tmp/va-bench.lock services/media/scripts/gateway-bench.py soak --soak-calls 1000

`--perf DIR` also records the server with `perf record --call-graph dwarf`
during the steady middle of each cpu run (DIR/perf-N.data); see
services/media/scripts/flamegraph.sh.

Only the standard library; Linux only (/proc).
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
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
ADMIN_PASSWORD = "admin-pass-123"
AGENT_PASSWORD = "agent-pass-123"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, timeout):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def cpu_seconds(pid):
    """utime + stime of the whole process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime is field 14, stime 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid):
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / (1 << 20)


def http(base, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        ctype = r.headers.get("Content-Type", "")
        return json.loads(raw) if "json" in ctype else raw.decode()


def metric(base, name):
    """Sum of a Prometheus metric over its labels, or None if absent."""
    try:
        text = http(base, "GET", "/metrics")
    except OSError:
        return None
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    return total if found else None


class Platform:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="vc-gw-bench-")
        self.procs = []
        db_port = free_port()
        secantusd = os.environ.get("VC_TEST_SECANTUSD", os.path.join(ROOT, ".venv/bin/secantusd-py"))
        self.procs.append(
            subprocess.Popen(
                [secantusd, "--host", "127.0.0.1", "--port", str(db_port), "--storage-path",
                 os.path.join(self.tmp, "db"), "--log-level", "WARNING"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            )
        )
        if not wait_port(db_port, 30):
            self.stop()
            sys.exit("SecantusDB did not start")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.pop("VC_CONFIG", None)
        env.update({
            "VC_MONGO_URI": f"mongodb://127.0.0.1:{db_port}/?directConnection=true",
            "VC_MONGO__DATABASE": "gwbench",
            "VC_DATA_DIR": os.path.join(self.tmp, "data"),
            "VC_HTTP_PORT": str(self.port),
            "VC_ADMIN_LOGIN": "admin",
            "VC_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "VC_SERVER__RECORD_CALLS": "false",
            "VC_LOG__FORMAT": "json",
            "RUST_LOG": args.log,
        })
        self.log = open(os.path.join(self.tmp, "videoassist.log"), "w")
        self.server = subprocess.Popen(
            [args.videoassist], env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(self.server)
        self.pid = self.server.pid
        end = time.time() + 60
        while True:
            try:
                http(self.base, "GET", "/healthz")
                break
            except OSError:
                if time.time() > end or self.server.poll() is not None:
                    self.stop()
                    sys.exit(f"videoassist not healthy; log in {self.log.name}")
                time.sleep(0.2)
        admin = http(self.base, "POST", "/api/auth/login", {"login": "admin", "password": ADMIN_PASSWORD})
        http(self.base, "POST", "/api/users",
             {"login": "agent1", "password": AGENT_PASSWORD, "role": "agent", "name": "agent1"},
             admin["access_token"])

    def load(self, calls, seconds, check=True):
        """Runs vc-load; returns (packets the parties received, its output)."""
        cmd = [self.args.vc_load, "--base", self.base, "--login", "agent1", "--password", AGENT_PASSWORD,
               "--calls", str(calls), "--seconds", str(seconds), "--media-dir", self.args.media_dir]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if check and r.returncode != 0:
            sys.exit(f"vc-load failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        received = 0
        lines = 0
        for m in re.finditer(r"received (\d+)a/(\d+)v", r.stdout):
            received += int(m.group(1)) + int(m.group(2))
            lines += 1
        if check and lines != 2 * calls:
            sys.exit(f"vc-load printed {lines // 2} of {calls} calls:\n{r.stdout}\n{r.stderr}")
        return received, r.stdout

    def idle_cpu_rate(self, secs):
        c0, t0 = cpu_seconds(self.pid), time.monotonic()
        time.sleep(secs)
        return (cpu_seconds(self.pid) - c0) / (time.monotonic() - t0)

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


class Sampler(threading.Thread):
    """(time, cpu seconds, RSS MiB, forwarded packets) every `every` seconds."""

    def __init__(self, platform, every=0.5):
        super().__init__(daemon=True)
        self.p, self.every, self.samples, self.stop_ = platform, every, [], threading.Event()

    def sample(self):
        return (time.monotonic(), cpu_seconds(self.p.pid), rss_mib(self.p.pid),
                metric(self.p.base, "vc_media_forwarded_packets_total"))

    def run(self):
        while not self.stop_.is_set():
            self.samples.append(self.sample())
            self.stop_.wait(self.every)

    def at(self, t):
        return min(self.samples, key=lambda s: abs(s[0] - t))


def cpu_run(p, calls, seconds, idle_rate):
    s = Sampler(p)
    s.start()
    time.sleep(1)
    t0, c0 = time.monotonic(), cpu_seconds(p.pid)
    f0 = metric(p.base, "vc_media_forwarded_packets_total")
    perf = None
    if p.args.perf:
        # The steady middle: after every call joined, before they leave.
        def record():
            time.sleep(min(10, seconds / 3))
            out = os.path.join(p.args.perf, f"perf-{calls}.data")
            return subprocess.run(
                ["perf", "record", "-F", str(p.args.perf_hz), "-g", "--call-graph", "dwarf,16384",
                 "-p", str(p.pid), "-o", out, "--", "sleep", str(max(5, seconds // 3))],
                capture_output=True)
        perf = threading.Thread(target=record, daemon=True)
        perf.start()
    received, _ = p.load(calls, seconds)
    t1, c1 = time.monotonic(), cpu_seconds(p.pid)
    f1 = metric(p.base, "vc_media_forwarded_packets_total")
    if perf:
        perf.join()
    time.sleep(1)
    s.stop_.set()
    s.join()
    cpu = c1 - c0
    busy = cpu - idle_rate * (t1 - t0)
    row = {
        "calls": calls,
        "seconds": seconds,
        "wall_s": round(t1 - t0, 2),
        "cpu_s": round(cpu, 2),
        "received_packets": received,
        "forwarded_metric": None if f0 is None or f1 is None else int(f1 - f0),
        "us_per_packet": round(cpu / received * 1e6, 2) if received else None,
        "us_per_packet_minus_idle": round(busy / received * 1e6, 2) if received else None,
        "cpu_s_per_call_minute": round(cpu / (calls * seconds / 60), 3),
        "cpu_s_per_call_minute_minus_idle": round(busy / (calls * seconds / 60), 3),
        "cores": round(cpu / (t1 - t0), 3),
    }
    # Steady middle: from 8 s in (every call joined) to 2 s before the end
    # of vc-load's sleep.
    a, b = s.at(t0 + 8), s.at(t0 + seconds)
    if seconds >= 20 and a[3] is not None and b[3] is not None and b[3] > a[3]:
        row["steady_window_s"] = round(b[0] - a[0], 2)
        row["steady_us_per_packet"] = round((b[1] - a[1]) / (b[3] - a[3]) * 1e6, 2)
        row["steady_us_per_packet_minus_idle"] = round(
            ((b[1] - a[1]) - idle_rate * (b[0] - a[0])) / (b[3] - a[3]) * 1e6, 2)
        row["steady_pps"] = round((b[3] - a[3]) / (b[0] - a[0]), 1)
    return row


def mem_run(p, calls, seconds):
    time.sleep(2)
    before = rss_mib(p.pid)
    s = Sampler(p)
    s.start()
    t0 = time.monotonic()
    p.load(calls, seconds)
    s.stop_.set()
    s.join()
    up = [r for (t, _, r, _) in s.samples if t0 + 10 <= t <= t0 + seconds]
    time.sleep(3)
    after = rss_mib(p.pid)
    peak = max(up) if up else None
    return {
        "calls": calls,
        "rss_before_mib": round(before, 1),
        "rss_with_calls_mib": round(peak, 1) if peak else None,
        "rss_per_call_mib": round((peak - before) / calls, 3) if peak else None,
        "rss_after_mib": round(after, 1),
    }


def soak_run(p, total, at_once, seconds):
    time.sleep(2)
    before = rss_mib(p.pid)
    t0 = time.monotonic()
    done, failures = 0, 0
    while done < total:
        n = min(at_once, total - done)
        received, out = p.load(n, seconds, check=False)
        if received == 0:
            failures += 1
        done += n
        if done % 100 < at_once:
            print(f"  soak: {done} calls, RSS {rss_mib(p.pid):.1f} MiB", file=sys.stderr)
    time.sleep(5)
    after = rss_mib(p.pid)
    peers = metric(p.base, "vc_media_peers")
    conns = metric(p.base, "vc_media_connections")
    rooms = metric(p.base, "vc_media_rooms")
    return {
        "calls": total,
        "at_once": at_once,
        "call_seconds": seconds,
        "minutes": round((time.monotonic() - t0) / 60, 1),
        "runs_without_media": failures,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(after, 1),
        "growth_pct": round((after - before) / before * 100, 2),
        "census_after": {"rooms": rooms, "peers": peers, "connections": conns},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["cpu", "mem", "soak"])
    ap.add_argument("--calls", default="5,10", help="comma-separated call counts (cpu, mem)")
    ap.add_argument("--seconds", type=int, default=40)
    ap.add_argument("--runs", type=int, default=1, help="repetitions of each cpu measurement")
    ap.add_argument("--soak-calls", type=int, default=1000)
    ap.add_argument("--soak-at-once", type=int, default=5)
    ap.add_argument("--soak-seconds", type=int, default=1)
    ap.add_argument("--warmup-calls", type=int, default=10,
                    help="short calls before measuring (allocator, lazy init)")
    ap.add_argument("--videoassist", default=os.path.join(TARGET, "release", "videoassist"))
    ap.add_argument("--vc-load", default=os.path.join(TARGET, "release", "vc-load"))
    ap.add_argument("--media-dir", default="/tmp/vc-loadgen-media")
    ap.add_argument("--log", default="warn", help="RUST_LOG of the server")
    ap.add_argument("--perf", help="directory for perf.data files (cpu mode)")
    ap.add_argument("--perf-hz", type=int, default=999)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (server log)")
    args = ap.parse_args()
    if args.perf:
        os.makedirs(args.perf, exist_ok=True)
    load = os.getloadavg()[0]
    print(f"# load average {load:.2f} at start; {os.cpu_count()} cpus", file=sys.stderr)
    p = Platform(args)
    try:
        p.load(min(args.warmup_calls, 5), 3)
        for _ in range(max(0, args.warmup_calls - 5) // 5):
            p.load(5, 1, check=False)
        idle = p.idle_cpu_rate(10)
        print(f"# idle server CPU: {idle * 100:.2f}% of a core, RSS {rss_mib(p.pid):.1f} MiB", file=sys.stderr)
        counts = [int(c) for c in args.calls.split(",") if c]
        if args.mode == "cpu":
            for n in counts:
                for _ in range(args.runs):
                    row = cpu_run(p, n, args.seconds, idle)
                    row["idle_cores"] = round(idle, 4)
                    row["load_avg_1m"] = round(os.getloadavg()[0], 2)
                    print(json.dumps(row), flush=True)
        elif args.mode == "mem":
            for n in counts:
                print(json.dumps(mem_run(p, n, args.seconds)), flush=True)
        else:
            print(json.dumps(soak_run(p, args.soak_calls, args.soak_at_once, args.soak_seconds)), flush=True)
    finally:
        p.stop()


if __name__ == "__main__":
    main()
