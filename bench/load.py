"""Load benchmark: gunicorn (2 workers) and a Celery worker (2 processes) serve the national data
set on PostgreSQL; a second process drives them on loopback with the real mix of work, then checks
that no update was lost and prints per page: requests, throughput, p50/p95 latency, errors and the
ratio to a minimal Django view on the same stack; and the peak memory of each process.

  1. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cum_thi_dua_bench .venv/bin/python bench/national_data.py
  2. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cum_thi_dua_bench \
       .venv/bin/python bench/load.py [--users 8] [--seconds 60] [--think 1] [--port 8200] [--redis-db 11]
                                      [--workers 2] [--worker-class sync|gthread] [--threads 1]
                                      [--profile FILE]   (py-spy over the measured window)

Every user signs in before the measured window starts (a login costs far more CPU than a page).
A POST's time is the POST and the page it redirects to, as a browser waits for both; its CPU is
the POST's own (the redirect is not followed blindly, which would report the page's).
A save the app refuses because another save came first (409, "changed meanwhile") is the app
working as it should: it is counted as a conflict, not an error. Each page also gets the CPU
its worker spent on it (the app's `Server-Timing: cpu` header, DJANGO_SERVER_TIMING), which
does not depend on the queue as the client's times do, and its ratio to the floor's.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BASE = "http://127.0.0.1:8200"  # set by main() from --port
PASSWORD = "tai-thu-2026"  # noqa: S105 (the bench's throwaway accounts)
YEAR, CLOSED_YEAR = 2025, 2024


def server_cpu(response):
    """The worker's CPU for this request (ms), from its `Server-Timing: cpu;dur=` header."""
    match = re.search(r"cpu;dur=([0-9.]+)", response.headers.get("Server-Timing", ""))
    return float(match.group(1)) if match else None


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    """A POST's redirect is answered, not followed: its own CPU is read off it (a followed
    redirect would report the CPU of the page it leads to)."""

    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    def __init__(self):
        self.cpu = None
        self.jar = CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.jar)
        self.opener = urllib.request.build_opener(cookies)
        self.poster = urllib.request.build_opener(cookies, _KeepRedirect())

    def get(self, path, record=True):
        with self.opener.open(BASE + path, timeout=30) as response:
            if record:
                self.cpu = server_cpu(response)
            return response.status, response.read().decode()

    def post(self, path, data):
        """The POST, then the page it redirects to, as a browser does: the client's time is
        both, the CPU recorded is the POST's own."""
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(BASE + path, data=body, headers={"Referer": BASE + path})  # noqa: S310 (loopback)
        try:
            with self.poster.open(request, timeout=30) as response:
                self.cpu = server_cpu(response)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            if answer.code not in (301, 302, 303):
                raise
            self.cpu = server_cpu(answer)
            answer.read()
            answer.close()
            location = urllib.parse.urlsplit(answer.headers["Location"])
            return self.get(location.path + (f"?{location.query}" if location.query else ""), record=False)

    def login(self, username):
        self.get("/login/")
        status, page = self.post("/login/", {"username": username, "password": PASSWORD})
        assert "Đăng xuất" in page, f"login failed for {username}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.conflicts = defaultdict(int)
        self.cpu = defaultdict(list)

    def timed(self, name, call, session=None):
        started = time.perf_counter()
        try:
            result = call()
        except urllib.error.HTTPError as error:
            if error.code != 409:  # 409: another save came first, the app refused this one as it should
                with self.lock:
                    self.errors[name] += 1
                print(f"  error on {name}: {error}", flush=True)
                return None
            elapsed = (time.perf_counter() - started) * 1000
            with self.lock:
                self.conflicts[name] += 1
                self.times[name].append(elapsed)
            return None
        except (urllib.error.URLError, AssertionError, TimeoutError) as error:
            with self.lock:
                self.errors[name] += 1
            print(f"  error on {name}: {error}", flush=True)
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.times[name].append(elapsed)
            if session is not None and session.cpu is not None:
                self.cpu[name].append(session.cpu)
        return result


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0
    return 0


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def fixtures():
    """Accounts and ids of the load: one writer, readers and the chair per cluster."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from cluster.models import Cluster, Membership
    from scoring.models import Scorecard

    clusters = []
    for cluster in Cluster.objects.filter(name__startswith="Cụm đo tải").order_by("name"):
        members = list(
            Membership.objects.filter(emulation_year__cluster=cluster, year=YEAR)
            .select_related("province")
            .order_by("rotation_order")
        )
        chair = next(m for m in members if m.role == "chair")
        last_chair = Membership.objects.get(emulation_year__cluster=cluster, year=CLOSED_YEAR, role="chair")
        cards = {
            c.province_id: c
            for c in Scorecard.objects.filter(emulation_year__cluster=cluster, emulation_year__year=YEAR)
        }
        users = {m.province_id: m.province.staff.first().username for m in members}
        writer = members[0]
        clusters.append(
            {
                "id": cluster.pk,
                "writer": users[writer.province_id],
                "draft": cards[writer.province_id].pk,
                "reader": users[members[-1].province_id],
                "submitted": cards[members[-1].province_id].pk,
                "chair": users[chair.province_id],
                "last_chair": last_chair.province.staff.first().username,
                "criteria": [],
            }
        )
    from scoring import selectors

    for c in clusters:
        card = Scorecard.objects.select_related("emulation_year").get(pk=c["draft"])
        c["criteria"] = [x.pk for x in selectors.criteria_table(card.emulation_year).leaves]
    return clusters


def signed_in_sessions(cluster):
    """The four browsers of a virtual user, signed in (before the measured window)."""
    staff, reader, chair, last_chair = Session(), Session(), Session(), Session()
    last_chair.login(cluster["last_chair"])
    staff.login(cluster["writer"])
    reader.login(cluster["reader"])
    chair.login(cluster["chair"])
    return staff, reader, chair, last_chair


def virtual_user(sessions, cluster, stats, deadline, written, rng, think):
    staff, reader, chair, last_chair = sessions
    draft = f"/scorecards/{cluster['draft']}/"
    while time.monotonic() < deadline:
        if think:
            time.sleep(rng.uniform(0.5, 1.5) * think)  # a person reads the page before the next click
        roll = rng.random()
        if roll < 0.25:
            result = stats.timed("scorecard (staff page)", lambda: staff.get(draft), staff)
            if result:
                version = re.search(r'name="version" value="(\d+)"', result[1]).group(1)
                values = {pk: str(rng.randint(0, 20) / 2).replace(".", ",") for pk in cluster["criteria"]}
                data = {"version": version, "save": "1", **{f"score_{pk}": v for pk, v in values.items()}}
                saved = stats.timed("scorecard save (POST)", lambda data=data: staff.post(draft, data), staff)
                if saved and "Đã lưu bản nháp" in saved[1]:
                    written[cluster["draft"]] = values
                elif saved:
                    with stats.lock:
                        stats.errors["scorecard save (POST)"] += 1
        elif roll < 0.50:
            year = YEAR if rng.random() < 0.5 else CLOSED_YEAR
            path = f"/clusters/{cluster['id']}/years/{year}/scoreboard/"
            stats.timed(f"scoreboard {year}", lambda path=path: reader.get(path), reader)
        elif roll < 0.70:
            stats.timed(
                "scorecard (another member's)", lambda: reader.get(f"/scorecards/{cluster['submitted']}/"), reader
            )
        elif roll < 0.80:
            stats.timed("dashboard", lambda: reader.get(f"/clusters/{cluster['id']}/years/{YEAR}/"), reader)
        elif roll < 0.90:
            stats.timed("chair console", lambda: chair.get(f"/clusters/{cluster['id']}/years/{YEAR}/meeting/"), chair)
        elif roll < 0.93:
            stats.timed(
                "document request (POST)",
                lambda: last_chair.post(
                    f"/clusters/{cluster['id']}/years/{CLOSED_YEAR}/documents/", {"kind": "score_summary"}
                ),
                last_chair,
            )
        else:
            stats.timed("floor: minimal view", lambda: staff.get("/healthz/"), staff)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user waits between clicks (0: none)")
    parser.add_argument("--port", type=int, default=8200, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--redis-db", type=int, default=11, help="the Redis database number (cache, broker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's worker processes")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn's worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="sample the web workers with py-spy over the measured window into FILE (raw stacks) and print "
        "where their time went; the sampling slows the run: its figures are not the benchmark's",
    )
    args = parser.parse_args()
    global BASE  # the sessions' one address, set once before any request
    BASE = f"http://127.0.0.1:{args.port}"
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to the national data set (bench/national_data.py).")
    clusters = fixtures()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": "bench-" + "s" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "CELERY_QUEUE": "bench-load",
        "AXES_FAILURE_LIMIT": "1000",
        "DJANGO_SERVER_TIMING": "true",  # each response says the CPU it cost its worker
        "DJANGO_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "bench-load-media"),
    }
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    web = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            str(args.workers),
            "-k",
            args.worker_class,
            "--threads",
            str(args.threads),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "-Q", "bench-load", "-l", "ERROR"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = defaultdict(float)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for pid in children(web.pid):
                peak["web worker (gunicorn)"] = max(peak["web worker (gunicorn)"], rss_mb(pid))
            for pid in [worker.pid, *children(worker.pid)]:
                peak["Celery worker"] = max(peak["Celery worker"], rss_mb(pid))
            time.sleep(0.5)

    try:
        time.sleep(5)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        stats, written = Stats(), {}
        # Signing in is not part of the measured work: every user's browsers sign in first.
        sessions = [signed_in_sessions(clusters[i % len(clusters)]) for i in range(args.users)]
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=virtual_user,
                args=(sessions[i], clusters[i % len(clusters)], stats, deadline, written, random.Random(i), args.think),
            )
            for i in range(args.users)
        ]
        spy = (
            subprocess.Popen(
                [str(Path(PY).parent / "py-spy"), "record", "--pid", str(web.pid), "--subprocesses", "--rate", "200"]
                + ["--duration", str(args.seconds), "--format", "raw", "--output", args.profile, "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if args.profile
            else None
        )
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        duration = time.monotonic() - started
        stop.set()
        if spy is not None:
            spy.wait(timeout=60)
    finally:
        web.terminate()
        worker.terminate()
        web.wait()
        worker.wait()

    floor = statistics.median(stats.times["floor: minimal view"]) if stats.times["floor: minimal view"] else 1
    floor_cpu = statistics.median(stats.cpu["floor: minimal view"]) if stats.cpu["floor: minimal view"] else 1
    total = sum(len(t) for t in stats.times.values())
    print(
        f"\n{args.users} concurrent users (think time {args.think:g} s) for {duration:.0f} s against gunicorn "
        f"-w {args.workers} -k {args.worker_class} --threads {args.threads} on PostgreSQL ({len(clusters)} clusters, "
        f"national data set): {total} requests, {total / duration:.1f} req/s\n"
    )
    print(
        f"{'page':32s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'errors':>6s} "
        f"{'conflicts':>9s} {'p50/floor':>9s} {'cpu ms':>7s} {'cpu/floor':>9s}"
    )
    for name in sorted(stats.times):
        times = stats.times[name]
        p50 = statistics.median(times)
        cpu = statistics.median(stats.cpu[name]) if stats.cpu[name] else float("nan")
        print(
            f"{name:32s} {len(times):8d} {len(times) / duration:7.1f} {p50:8.1f} {percentile(times, 0.95):8.1f} "
            f"{stats.errors[name]:6d} {stats.conflicts[name]:9d} {p50 / floor:9.1f} {cpu:7.1f} {cpu / floor_cpu:9.1f}"
        )
    # Lost updates: what each writer last saved is what is stored.
    from scoring.models import Score

    lost = 0
    for card_id, values in written.items():
        stored = {
            pk: str(v) for pk, v in Score.objects.filter(scorecard_id=card_id).values_list("criterion_id", "self_score")
        }
        for pk, value in values.items():
            if stored.get(pk) is None or float(stored[pk]) != float(value.replace(",", ".")):
                lost += 1
    print(f"\nlost updates: {lost} (checked {len(written)} scorecards, {sum(len(v) for v in written.values())} values)")
    print(f"errors: {sum(stats.errors.values())}")
    print(f"conflicts (a concurrent save refused with 409, as it should be): {sum(stats.conflicts.values())}")
    for name, value in peak.items():
        print(f"peak memory, {name}: {value:.0f} MB RSS")
    if args.profile:
        print_profile(args.profile)


#: Frames of the server's plumbing, left out of the profile's summary.
PLUMBING = ("gunicorn/", "whitenoise/", "django/core/handlers/", "django/utils/deprecation.py", "<frozen", "process ")


def print_profile(path, top=30):
    """The functions by their share of the workers' samples, what they call included (py-spy's
    raw stacks): where the time of the load went."""
    inclusive, total = defaultdict(int), 0
    for line in Path(path).read_text().splitlines():
        stack, _sep, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in {re.sub(r":\d+\)$", ")", f) for f in stack.split(";")}:
            if not any(part in frame for part in PLUMBING):
                inclusive[frame] += int(count)
    print(f"\nwhere the workers' time went (py-spy, {total} samples, {path}):")
    for frame, count in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        print(f"  {100 * count / max(total, 1):5.1f}%  {frame}")


if __name__ == "__main__":
    main()
