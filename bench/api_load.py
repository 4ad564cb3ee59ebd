"""Poets Bay API benchmark: figures, not tests (issue 2, "Benchmark").

What it does, from nothing:

1. makes a throw-away MariaDB database (``poetsbay_bench``) and fills it with
   ``poetsbay demo-data --users 1000 --poems 20000 --ratings 100000``;
2. starts ``poetsbay serve --threads 8`` on it (its request log goes to a file) and, as the
   ceiling, a one-route Flask app on the same waitress settings (``bench/hello_app.py``);
3. measures every case at 8 and 32 connections with wrk (installed from Debian when missing;
   a Python load generator when wrk cannot be had), ~10 s each after a short warm-up;
4. prints requests/s, p50, p99, non-2xx and the fraction of the ceiling, writes the raw
   results to ``bench/results/<time>/``, stops everything it started and drops the database.

    .venv/bin/python bench/api_load.py                  # the whole thing (about 4 minutes)
    .venv/bin/python bench/api_load.py --duration 5 --cases hello,list
    .venv/bin/python bench/api_load.py --keep-db        # leave the database for --skip-load
    .venv/bin/python bench/api_load.py --skip-load      # reuse it (and keep it)
    .venv/bin/python bench/api_load.py --profile        # also a py-spy pass per case (not timed)

Rating POSTs need a user who has not rated the poem and did not write it: the script signs
in a few hundred demo users first and gives every POST its own (token, poem) pair, so a 403
or a 409 in the table means the pairs are wrong, not the server. By default the server gets
an SMTP server that accepts connections and never answers (a tarpit), and every demo user
wants email: each rating queues a letter that cannot be sent, and the rating POST must not
wait for it.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pymysql
import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "poetsbay-demo"
API = "/api/v1"
PAIRS_PER_RUN = 25_000  # distinct rating pairs per timed run: enough for 2,000 POSTs/s


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


# ---- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A child process in its own session, its output in a file (a pipe could fill and
    block it); stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, url: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.process.returncode}); "
                                   f"see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


class SmtpTarpit:
    """An SMTP port that accepts connections and never says a word: a mail server that hangs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, name="smtp-tarpit", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self._closed = True
        self.sock.close()
        for conn in self.held:
            conn.close()


# ---- the database ---------------------------------------------------------------------------


@dataclass
class Db:
    host: str
    port: int
    user: str
    password: str
    name: str

    @property
    def url(self) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"mysql+pymysql://{auth}@{self.host}:{self.port}/{self.name}"

    def connect(self, database: str | None = None) -> Any:
        return pymysql.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, database=database, autocommit=True,
                               charset="utf8mb4")

    def execute(self, sql: str, args: Any = None, *, fetch: bool = False) -> Any:
        conn = self.connect(None if sql.lstrip().upper().startswith(("CREATE DATABASE",
                                                                      "DROP DATABASE"))
                            else self.name)
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchall() if fetch else cursor.rowcount
        finally:
            conn.close()


# ---- load generation ------------------------------------------------------------------------


LUA_PRELUDE = r"""
-- Shared by every case: per-thread status counters, and one JSON line at the end.
local threads = {}
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end
local function count_init()
  s2xx = 0; s401 = 0; s403 = 0; s409 = 0; s429 = 0; s4xx = 0; s5xx = 0; sother = 0
end
function response(status, headers, body)
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 401 then s401 = s401 + 1
  elseif status == 403 then s403 = s403 + 1
  elseif status == 409 then s409 = s409 + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 400 and status < 500 then s4xx = s4xx + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else sother = sother + 1 end
end
local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do lines[#lines + 1] = line end
  return lines
end
function done(summary, latency, requests)
  local names = {"s2xx", "s401", "s403", "s409", "s429", "s4xx", "s5xx", "sother"}
  local totals = {}
  for _, name in ipairs(names) do totals[name] = 0 end
  for _, t in ipairs(threads) do
    for _, name in ipairs(names) do totals[name] = totals[name] + (t:get(name) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,' ..
    '"read_errors":%d,"write_errors":%d,"timeouts":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"mean_us":%.1f',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
  for _, name in ipairs(names) do io.write(string.format(',"%s":%d', name, totals[name])) end
  io.write("}\n")
end
"""

LUA_CASES = {
    "static": r"""
function init(args) count_init() end
""",
    "poem": r"""
local lo, hi
function init(args)
  count_init()
  lo = tonumber(args[1]); hi = tonumber(args[2])
  math.randomseed(os.time() * 100 + tid)
end
function request()
  return wrk.format("GET", "/api/v1/poems/" .. math.random(lo, hi))
end
""",
    "rate": r"""
-- args: tokens file, pairs file ("token_index poem_id score" per line), number of threads.
-- Thread t takes every n-th pair from line t: no two requests share a pair.
local tokens, mine, i = {}, {}, 0
function init(args)
  count_init()
  tokens = read_lines(args[1])
  local n = tonumber(args[3])
  local k = 0
  for line in io.lines(args[2]) do
    if k % n == tid then mine[#mine + 1] = line end
    k = k + 1
  end
end
function request()
  i = i + 1
  if i > #mine then i = 1 end  -- ran out: repeats will show as 409s in the table
  local t, poem, score = mine[i]:match("(%d+) (%d+) (%d+)")
  return wrk.format("POST", "/api/v1/poems/" .. poem .. "/ratings", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[tonumber(t)],
  }, '{"score": ' .. score .. ', "comment": "Read at the benchmark."}')
end
""",
    "login": r"""
local lo, hi
function init(args)
  count_init()
  lo = tonumber(args[1]); hi = tonumber(args[2])
  math.randomseed(os.time() * 100 + tid)
end
function request()
  local email = "demo" .. math.random(lo, hi) .. "@poetsbay.test"
  return wrk.format("POST", "/api/v1/auth/login", {["Content-Type"] = "application/json"},
    '{"email": "' .. email .. '", "password": "poetsbay-demo"}')
end
""",
}


@dataclass
class Case:
    name: str
    target: str  # "api" or "hello"
    path: str
    lua: str
    meaning: str


CASES = [
    Case("hello", "hello", "/hello", "static",
         "GET /hello on a one-route Flask app, same waitress settings: the ceiling"),
    Case("list", "api", f"{API}/poems", "static",
         "GET /poems: the first page (20 summaries, newest first) and the total"),
    Case("page500", "api", f"{API}/poems?page=500&sort=-rating_avg", "static",
         "GET /poems?page=500&sort=-rating_avg: a deep page (offset 9,980) by score"),
    Case("poem", "api", f"{API}/poems/{{id}}", "poem",
         "GET /poems/{id}: one full poem, a random id each request, anonymous"),
    Case("rate", "api", f"{API}/poems/{{id}}/ratings", "rate",
         "POST /poems/{id}/ratings: a new rating, every request a distinct (user, poem) pair"),
    Case("login", "api", f"{API}/auth/login", "login",
         "POST /auth/login: a random demo user, right password (scrypt hash check)"),
]


@dataclass
class Run:
    case: str
    connections: int
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    non2xx: int = 0
    socket_errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    tool: str = ""
    cpu: dict[str, float] = field(default_factory=dict)  # cores used, on average
    raw: str = ""


def _ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def _busy_total() -> float:
    """Seconds of CPU the whole machine spent busy (all cores, /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _ticks()


def _process_cpu(pid: int) -> float:
    """Seconds of CPU of a process, its threads included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _ticks()


def _pid_of(name: str) -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    return int(entry.name)
    return None


class CpuMeter:
    """Who used the cores during a run: the server under test, MariaDB, the load
    generator, and everything else on the machine (other people's builds and tests)."""

    def __init__(self, server_pid: int) -> None:
        self.pids = {"server": server_pid, "mariadb": _pid_of("mariadbd") or -1}

    def __enter__(self) -> CpuMeter:
        self.t0 = time.perf_counter()
        self.busy0 = _busy_total()
        self.proc0 = {k: _process_cpu(p) for k, p in self.pids.items()}
        self.kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.self0 = resource.getrusage(resource.RUSAGE_SELF)
        return self

    def __exit__(self, *_exc: Any) -> None:
        wall = time.perf_counter() - self.t0
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        me = resource.getrusage(resource.RUSAGE_SELF)
        used = {k: _process_cpu(p) - self.proc0[k] for k, p in self.pids.items()}
        used["loadgen"] = (kids.ru_utime + kids.ru_stime - self.kids0.ru_utime
                           - self.kids0.ru_stime + me.ru_utime + me.ru_stime
                           - self.self0.ru_utime - self.self0.ru_stime)
        used["other"] = max(0.0, _busy_total() - self.busy0 - sum(used.values()))
        self.cores = {k: round(v / wall, 2) for k, v in used.items()}


def ensure_wrk(may_install: bool) -> str | None:
    found = shutil.which("wrk")
    if found or not may_install:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    log("wrk is missing: installing it from Debian (apt-get install wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "install", "-y", "-q", "wrk"],
                 ["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "wrk"]):
        done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if argv[1] == "install" and done.returncode == 0:
            break
    return shutil.which("wrk")


@dataclass
class Workload:
    """What a case needs besides its path: ids, users, rating pairs."""

    poem_lo: int
    poem_hi: int
    user_lo: int
    user_hi: int
    tokens: list[str]
    pairs: list[tuple[int, int, int]]  # (token index, poem id, score)
    per_run: int = PAIRS_PER_RUN
    pair_cursor: int = 0

    def take_pairs(self) -> list[tuple[int, int, int]]:
        start = self.pair_cursor
        self.pair_cursor += self.per_run
        chunk = self.pairs[start : self.pair_cursor]
        if not chunk:
            raise RuntimeError("no fresh rating pairs left for this run")
        return chunk


def run_wrk(wrk: str, case: Case, url: str, connections: int, seconds: float,
            work: Workload, folder: Path, tag: str) -> Run:
    threads = min(2, connections)
    script = folder / f"{case.lua}.lua"
    if not script.exists():
        script.write_text(LUA_PRELUDE + LUA_CASES[case.lua], encoding="utf-8")
    args: list[str] = []
    if case.lua == "poem":
        args = [str(work.poem_lo), str(work.poem_hi)]
    elif case.lua == "login":
        args = [str(work.user_lo), str(work.user_hi)]
    elif case.lua == "rate":
        tokens = folder / "tokens.txt"
        if not tokens.exists():
            tokens.write_text("\n".join(work.tokens) + "\n", encoding="ascii")
        pairs = folder / f"pairs-{tag}.txt"
        pairs.write_text("".join(f"{t + 1} {p} {s}\n" for t, p, s in work.take_pairs()),
                         encoding="ascii")
        args = [str(tokens), str(pairs), str(threads)]
    path = case.path.split("{", 1)[0] if "{" in case.path else case.path
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
            "--timeout", "10s", "-s", str(script), url + path, *(["--", *args] if args else [])]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}\n{done.stdout}")
    data = json.loads(line.split(" ", 1)[1])
    statuses = {k[1:]: v for k, v in data.items() if k.startswith("s") and v}
    run = Run(case.name, connections, tool="wrk", raw=done.stdout)
    run.requests = data["requests"]
    run.seconds = data["duration_us"] / 1e6
    run.rps = run.requests / run.seconds if run.seconds else 0.0
    run.p50_ms, run.p90_ms = data["p50_us"] / 1000, data["p90_us"] / 1000
    run.p99_ms, run.max_ms = data["p99_us"] / 1000, data["max_us"] / 1000
    run.non2xx = sum(v for k, v in statuses.items() if k != "2xx")
    run.socket_errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors",
                                              "timeouts"))
    run.statuses = statuses
    return run


def python_requests(case: Case, work: Workload) -> Callable[[random.Random], tuple]:
    """The Python load generator's version of a case: () -> (method, path, body, headers)."""
    if case.lua == "poem":
        return lambda rng: ("GET", f"{API}/poems/{rng.randint(work.poem_lo, work.poem_hi)}",
                            None, {})
    if case.lua == "login":
        def login(rng: random.Random) -> tuple:
            email = f"demo{rng.randint(work.user_lo, work.user_hi)}@poetsbay.test"
            body = json.dumps({"email": email, "password": DEMO_PASSWORD})
            return "POST", f"{API}/auth/login", body, {"Content-Type": "application/json"}
        return login
    if case.lua == "rate":
        pairs: Iterator[tuple[int, int, int]] = iter(work.take_pairs())
        lock = threading.Lock()

        def rate(_rng: random.Random) -> tuple:
            with lock:
                t, poem, score = next(pairs)
            body = json.dumps({"score": score, "comment": "Read at the benchmark."})
            return "POST", f"{API}/poems/{poem}/ratings", body, {
                "Content-Type": "application/json", "Authorization": f"Bearer {work.tokens[t]}"}
        return rate
    return lambda _rng: ("GET", case.path, None, {})


def run_python(case: Case, port: int, connections: int, seconds: float, work: Workload) -> Run:
    """One thread per connection, keep-alive http.client: slower than wrk, and it shares
    the two cores with the server, so its figures are a floor."""
    make = python_requests(case, work)
    latencies: list[float] = []
    statuses: collections.Counter[str] = collections.Counter()
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        codes: collections.Counter[str] = collections.Counter()
        while time.perf_counter() < stop_at:
            try:
                method, path, body, headers = make(rng)
            except StopIteration:
                break
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                reply = conn.getresponse()
                reply.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
            codes["2xx" if 200 <= reply.status < 300 else str(reply.status)] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies \
            else 0.0

    run = Run(case.name, connections, tool="python")
    run.requests, run.seconds = len(latencies), elapsed
    run.rps = run.requests / elapsed
    run.p50_ms, run.p90_ms, run.p99_ms = pct(0.50), pct(0.90), pct(0.99)
    run.max_ms = latencies[-1] * 1000 if latencies else 0.0
    run.statuses = dict(statuses)
    run.non2xx = sum(v for k, v in statuses.items() if k != "2xx")
    run.socket_errors = errors[0]
    return run


# ---- preparing the rating case --------------------------------------------------------------


def sign_in(base: str, user_ids: list[int]) -> list[tuple[int, str]]:
    """Access tokens for these demo users (a few logins at a time: each is a scrypt check)."""
    signed: list[tuple[int, str]] = []
    lock = threading.Lock()
    todo = iter(user_ids)

    def worker() -> None:
        session = requests.Session()
        while True:
            with lock:
                uid = next(todo, None)
            if uid is None:
                return
            reply = session.post(f"{base}{API}/auth/login", timeout=30,
                                 json={"email": f"demo{uid}@poetsbay.test",
                                       "password": DEMO_PASSWORD})
            if reply.status_code != 200:
                raise RuntimeError(f"login of demo{uid} gave {reply.status_code}: {reply.text}")
            with lock:
                signed.append((uid, reply.json()["access_token"]))

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sorted(signed)


def rating_pairs(db: Db, signed: list[tuple[int, str]], count: int,
                 seed: int = 7) -> list[tuple[int, int, int]]:
    """``count`` distinct (token index, poem, score) that the server must accept: the user
    did not write the poem and has not rated it. Spread over users and poems."""
    uids = [uid for uid, _ in signed]
    marks = ",".join(["%s"] * len(uids))
    rated = {(u, p) for u, p in db.execute(
        f"SELECT user_id, poem_id FROM ratings WHERE user_id IN ({marks})", uids, fetch=True)}
    poems = db.execute("SELECT id, author_id FROM poems", fetch=True)
    rng = random.Random(seed)
    taken: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int, int]] = []
    raters = set(uids)
    own = sum(1 for _, author_id in poems if author_id in raters)
    possible = len(uids) * len(poems) - len(rated) - own
    if count > possible // 2:  # random draws get slow near the end: take half at most
        log(f"warning: only {possible} possible rating pairs; using {possible // 2}")
        count = possible // 2
    while len(pairs) < count:
        index = rng.randrange(len(uids))
        poem_id, author_id = poems[rng.randrange(len(poems))]
        pair = (uids[index], poem_id)
        if author_id == uids[index] or pair in rated or pair in taken:
            continue
        taken.add(pair)
        pairs.append((index, poem_id, rng.choice((1, 2, 3, 4, 4, 5, 5))))
    return pairs


# ---- profiling ------------------------------------------------------------------------------


def py_spy() -> str | None:
    return shutil.which("py-spy") or (str(BIN / "py-spy") if (BIN / "py-spy").exists() else None)


def summarize_profile(raw: Path, out: Path, top: int = 25) -> None:
    """Collapsed stacks -> the frames where the samples are (self) and the backend and
    library functions they pass through (inclusive)."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        samples = int(n)
        total += samples
        frames = stack.split(";")
        own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    lines = [f"{total} samples (non-idle threads)", "", "self:"]
    lines += [f"{100 * v / total:6.1f}%  {k}" for k, v in own.most_common(top)]
    lines += ["", "inclusive:"]
    lines += [f"{100 * v / total:6.1f}%  {k}" for k, v in inclusive.most_common(top * 3)]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---- report ---------------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    ceiling = {r.connections: r.rps for r in runs if r.case == "hello"}
    rows = ["| case | connections | requests/s | p50 ms | p99 ms | non-2xx | of ceiling "
            "| server CPU ms/req | cores: server / MariaDB / wrk / other |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        top = ceiling.get(r.connections)
        share = f"{100 * r.rps / top:.1f}%" if top else "–"
        bad = f"{r.non2xx}" + (f" (+{r.socket_errors} socket errors)" if r.socket_errors else "")
        if r.non2xx:
            bad += " " + ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items())
                                   if k != "2xx")
        rps = f"{r.rps:,.0f}" if r.rps >= 100 else f"{r.rps:.1f}"
        rows.append(f"| {r.case} | {r.connections} | {rps} | {r.p50_ms:.1f} | "
                    f"{r.p99_ms:.1f} | {bad} | {share} | "
                    f"{1000 * r.cpu.get('server', 0) / r.rps if r.rps else 0:.1f} | "
                    + " / ".join(f"{r.cpu.get(k, 0):.2f}" for k in ("server", "mariadb",
                                                                    "loadgen", "other"))
                    + " |")
    return "\n".join(rows)


def revision() -> str:
    """The commit measured, and whether backend/ had changes on top of it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "backend"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted backend changes" if dirty else "")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {cpu}, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


# ---- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Poets Bay API benchmark (issue 2).")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per case")
    parser.add_argument("--connections", default="8,32", help="comma-separated")
    parser.add_argument("--cases", default=",".join(c.name for c in CASES),
                        help="comma-separated, of: " + ", ".join(c.name for c in CASES))
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (both servers)")
    parser.add_argument("--workers", type=int, default=1,
                        help="poetsbay serve --workers (processes; the ceiling stays one)")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--poems", type=int, default=20000)
    parser.add_argument("--ratings", type=int, default=100000)
    parser.add_argument("--raters", type=int, default=100, help="demo users signed in to rate")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=3306)
    parser.add_argument("--db-user", default="root")
    parser.add_argument("--db-password", default="")
    parser.add_argument("--db-name", default="poetsbay_bench")
    parser.add_argument("--skip-load", action="store_true",
                        help="reuse the database a --keep-db run left (and keep it)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    parser.add_argument("--smtp", choices=("tarpit", "off"), default="tarpit",
                        help="tarpit: an SMTP server that hangs, and every rating queues an "
                             "email; off: no SMTP (in-app notifications only)")
    parser.add_argument("--profile", action="store_true",
                        help="after the timed runs, one py-spy pass per case at the highest "
                             "connection count (needs py-spy on PATH or in the venv)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    connections = [int(c) for c in args.connections.split(",") if c.strip()]
    wanted = {c.strip() for c in args.cases.split(",") if c.strip()}
    unknown = wanted - {c.name for c in CASES}
    if unknown:
        sys.exit(f"unknown cases: {', '.join(sorted(unknown))}")
    cases = [c for c in CASES if c.name in wanted]
    keep_db = args.keep_db or args.skip_load

    started_at = datetime.now(UTC)
    rev = revision()
    out = RESULTS / started_at.strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    lua_dir = out / "lua"
    lua_dir.mkdir()

    wrk = None
    if args.loadgen in ("auto", "wrk"):
        wrk = ensure_wrk(not args.no_install)
        if wrk is None and args.loadgen == "wrk":
            sys.exit("wrk is not installed and could not be installed")
    tool = "wrk" if wrk else "python"
    log(f"load generator: {tool}; results in {out.relative_to(ROOT)}")

    db = Db(args.db_host, args.db_port, args.db_user, args.db_password, args.db_name)
    runs: list[Run] = []
    notes: dict[str, Any] = {}

    def _terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    with contextlib.ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="poetsbay-bench-")))
        env = {k: v for k, v in os.environ.items() if not k.startswith("POETSBAY_")}
        env.update(POETSBAY_DATABASE_URL=db.url, POETSBAY_DATA_DIR=str(data_dir),
                   POETSBAY_SECRET_KEY=secrets.token_urlsafe(48), PYTHONUNBUFFERED="1")

        if not args.skip_load:
            db.execute(f"DROP DATABASE IF EXISTS `{db.name}`")
            db.execute(f"CREATE DATABASE `{db.name}` CHARACTER SET utf8mb4 "
                       "COLLATE utf8mb4_unicode_ci")
            if not keep_db:
                stack.callback(lambda: (log(f"dropping database {db.name}"),
                                        db.execute(f"DROP DATABASE IF EXISTS `{db.name}`")))
            log(f"loading {args.users} users, {args.poems} poems, {args.ratings} ratings "
                f"into {db.name}")
            t0 = time.perf_counter()
            subprocess.run([str(BIN / "poetsbay"), "demo-data", "--users", str(args.users),
                            "--poems", str(args.poems), "--ratings", str(args.ratings)],
                           env=env, cwd=ROOT, check=True, stdin=subprocess.DEVNULL)
            notes["demo_data_seconds"] = round(time.perf_counter() - t0, 1)
            log(f"loaded in {notes['demo_data_seconds']} s")

        if args.smtp == "tarpit":
            tarpit = SmtpTarpit()
            stack.callback(tarpit.close)
            env.update(POETSBAY_MAIL_SERVER="127.0.0.1", POETSBAY_MAIL_PORT=str(tarpit.port))
            db.execute("UPDATE users SET notify_by_email = 1")
            notes["smtp"] = f"tarpit on 127.0.0.1:{tarpit.port} (accepts, never answers)"
        else:
            notes["smtp"] = "none"

        api_port, hello_port = free_port(), free_port()
        api = Server("poetsbay serve",
                     [str(BIN / "poetsbay"), "serve", "--port", str(api_port),
                      "--threads", str(args.threads), "--workers", str(args.workers)],
                     env, out / "server.log")
        stack.callback(api.stop)
        hello = Server("hello", [sys.executable, str(BENCH / "hello_app.py"), "--port",
                                 str(hello_port), "--threads", str(args.threads)],
                       env, out / "hello.log")
        stack.callback(hello.stop)
        api_base, hello_base = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{hello_port}"
        api.wait_ready(f"{api_base}{API}/health")
        hello.wait_ready(f"{hello_base}/hello")
        log(f"poetsbay serve (pid {api.pid}) on :{api_port}, hello (pid {hello.pid}) "
            f"on :{hello_port}")

        poem_lo, poem_hi = db.execute("SELECT MIN(id), MAX(id) FROM poems", fetch=True)[0]
        demo = db.execute("SELECT MIN(id), MAX(id) FROM users WHERE email LIKE 'demo%'",
                          fetch=True)[0]
        signed: list[tuple[int, str]] = []
        pairs: list[tuple[int, int, int]] = []
        if any(c.name == "rate" for c in cases):
            ids = list(range(demo[0], demo[1] + 1))
            random.Random(3).shuffle(ids)
            t0 = time.perf_counter()
            signed = sign_in(api_base, ids[: args.raters])
            log(f"signed in {len(signed)} demo users in {time.perf_counter() - t0:.1f} s")
            slots = len(connections) + (1 if args.warmup > 0 else 0) + (1 if args.profile else 0)
            pairs = rating_pairs(db, signed, PAIRS_PER_RUN * slots)
        work = Workload(poem_lo, poem_hi, demo[0], demo[1], [t for _, t in signed], pairs)
        if pairs:
            work.per_run = min(PAIRS_PER_RUN, len(pairs) // slots)
        outbox_before = db.execute("SELECT COUNT(*) FROM outbox", fetch=True)[0][0]

        for case in cases:
            base = hello_base if case.target == "hello" else api_base
            port = hello_port if case.target == "hello" else api_port
            if args.warmup > 0:
                if wrk:
                    run_wrk(wrk, case, base, connections[0], args.warmup, work, lua_dir,
                            f"{case.name}-warmup")
                else:
                    run_python(case, port, connections[0], args.warmup, work)
            for conns in connections:
                with CpuMeter((hello if case.target == "hello" else api).pid) as meter:
                    if wrk:
                        run = run_wrk(wrk, case, base, conns, args.duration, work, lua_dir,
                                      f"{case.name}-{conns}")
                    else:
                        run = run_python(case, port, conns, args.duration, work)
                run.cpu = meter.cores
                runs.append(run)
                log(f"{case.name:8} c={conns:<3} {run.rps:8.1f} req/s  p50 {run.p50_ms:7.1f} ms"
                    f"  p99 {run.p99_ms:7.1f} ms  non-2xx {run.non2xx}"
                    + (f" {run.statuses}" if run.non2xx else "")
                    + (f"  socket errors {run.socket_errors}" if run.socket_errors else "")
                    + "  cores: " + " ".join(f"{k} {v:.2f}" for k, v in run.cpu.items()))
                time.sleep(1)

        if args.smtp == "tarpit":
            rows = db.execute("SELECT status, COUNT(*), SUM(attempts) FROM outbox "
                              "GROUP BY status", fetch=True)
            notes["outbox_before"] = outbox_before
            notes["outbox_after"] = {status: {"rows": int(n), "attempts": int(a or 0)}
                                     for status, n, a in rows}

        if args.profile:
            spy = py_spy()
            if spy is None:
                log("--profile: py-spy not found (pip install py-spy); skipped")
            else:
                for case in cases:
                    if case.target == "hello":
                        target, base, port = hello, hello_base, hello_port
                    else:
                        target, base, port = api, api_base, api_port
                    raw = out / f"profile-{case.name}.collapsed"
                    seconds = max(3.0, args.duration)
                    spy_proc = subprocess.Popen(
                        [spy, "record", "--pid", str(target.pid), "--duration",
                         str(int(seconds)), "--rate", "200", "--format", "raw", "--nonblocking",
                         "--output", str(raw)], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
                    stack.callback(lambda p=spy_proc: p.poll() is None and p.kill())
                    time.sleep(0.5)
                    if wrk:
                        run_wrk(wrk, case, base, connections[-1], seconds, work, lua_dir,
                                f"{case.name}-profile")
                    else:
                        run_python(case, port, connections[-1], seconds, work)
                    spy_proc.wait(60)
                    if raw.exists():
                        summarize_profile(raw, out / f"profile-{case.name}.txt")
                        log(f"profile of {case.name}: {out.relative_to(ROOT)}/"
                            f"profile-{case.name}.txt")

    report = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(),
        "revision": rev,
        "load_generator": tool,
        "waitress_threads": args.threads,
        "duration_s": args.duration,
        "data": {"users": args.users, "poems": args.poems, "ratings": args.ratings,
                 "reused": args.skip_load},
        "notes": notes,
        "runs": [run.__dict__ for run in runs],
    }
    (out / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    text = table(runs)
    (out / "table.md").write_text(text + "\n", encoding="utf-8")
    print()
    print(f"Poets Bay API, {started_at:%Y-%m-%d %H:%M} UTC, {machine()}, {tool}, "
          f"waitress threads={args.threads}, {args.duration:.0f} s per run, backend at {rev}")
    print(text)
    if "outbox_after" in notes:
        print(f"\noutbox (SMTP {notes['smtp']}): {notes['outbox_after']}")
    print(f"\nraw results: {out.relative_to(ROOT)}/results.json")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted: everything it started has been stopped")
        sys.exit(130)
