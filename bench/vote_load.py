"""Electronic ballot under load (issue 13 point 8): 100 delegates vote on their phones within
10 seconds against the production shape of this machine (gunicorn with 2 workers, PostgreSQL,
Redis), then the chair closes the round.

The world: a synthetic cluster of 100 members (the models allow any number; one delegation per
member), its year scored, agreed and locked, the review meeting with every delegation present,
the vote-counting committee elected, the ranking adopted and the default nominations confirmed;
an electronic ballot of the flag is opened and 100 codes issued through awards.electronic.
Each delegate (one thread, its own cookies) opens the vote page, posts its code (step 1: the
ballot) and its choice (step 2: the cast; every tenth one blank), starting at a random moment
of the window. Then the bench checks that every vote was counted once and the tally equals the
votes, and prints the latencies, the errors and the web workers' CPU.

  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctd_vote_bench \\
    .venv/bin/python bench/vote_load.py [--delegates 100] [--window 10] [--port 8310] [--redis-db 12]

Uses a throw-away test database (test_<name>), created before and dropped after.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ctd_vote_bench")
PY = sys.executable


class Browser:
    """One delegate's phone: its own cookies (the CSRF cookie of the vote page)."""

    def __init__(self, base):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path, fields):
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        body = urllib.parse.urlencode([*fields, ("csrfmiddlewaretoken", token)]).encode()
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def build_world(delegations):
    """The cluster of `delegations` members with its meeting ready for the ballot; returns
    (meeting, chair user, flag candidates)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from awards import services
    from awards.models import FLAG, AwardType, Nomination
    from cluster import selectors as cluster_selectors
    from cluster.models import RuleSet
    from scoring import services as scoring_services
    from scoring.enums import ScorecardStatus
    from tests.scoring.builders import build_scored_year

    services.award_types_ensure()
    _cluster, year = build_scored_year(members=delegations, criteria=5, year=2030, status=ScorecardStatus.AGREED)
    RuleSet.objects.filter(emulation_year=year).update(certificate_quota=2)
    members = list(cluster_selectors.members_of(year))
    chair_province = members[0].province
    chair = get_user_model()(username="chu-tri-do-tai", province=chair_province, full_name="Chủ trì đo tải")
    chair.set_unusable_password()  # the chair acts through the services here, never signs in
    chair.save()
    scoring_services.scoreboard_lock(emulation_year=year, user=chair)
    meeting = services.meeting_save(
        emulation_year=year,
        user=chair,
        starts_at=timezone.now(),
        place="Hội trường đo tải",
        host_province=chair_province,
        presiding_name="Nguyễn Văn Chủ Trì",
        presiding_post="Phó Chủ tịch UBND tỉnh",
        secretary_name="Trần Văn Thư Ký",
        secretary_post="Chuyên viên",
    )
    present = {m.province_id for m in members}
    delegates = {m.province_id: [(f"Đại biểu {m.province.code}", "Phó Chủ tịch UBND tỉnh")] for m in members}
    services.attendance_confirm(meeting=meeting, present=present, delegates=delegates, guests=[], user=chair)
    people = list(cluster_selectors.people_of(year).filter(full_name__startswith="Đại biểu")[:3])
    services.counting_committee_elect(meeting=meeting, head=people[0], members=people[1:], user=chair)
    services.ranking_adopt(meeting=meeting, user=chair)
    services.nominations_propose_defaults(meeting=meeting, user=chair)
    services.nominations_confirm(meeting=meeting, user=chair)
    flag = AwardType.objects.get(code=FLAG)
    candidates = list(Nomination.objects.filter(emulation_year=year, award_type=flag))
    meeting.refresh_from_db()
    return meeting, chair, flag, candidates


def open_ballot(meeting, chair, award_type, codes):
    """Open the electronic ballot and issue `codes` codes (awards.electronic): (ballot, [code])."""
    from awards import electronic

    ballot = electronic.electronic_ballot_open(meeting=meeting, award_type=award_type, user=chair)
    issued = electronic.ballot_codes_issue(ballot=ballot, count=codes, user=chair)
    return ballot, issued


def close_ballot(ballot, chair):
    from awards import electronic

    return electronic.electronic_ballot_close(ballot=ballot, user=chair)


def cpu_seconds(pid):
    """User + system CPU of a process, in seconds (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def delegate(base, code, choice, start_at, results, lock):
    """One delegate: wait for its moment, open the page, send the code, cast the ballot."""
    time.sleep(max(0.0, start_at - time.monotonic()))
    browser, timings, error = Browser(base), {}, None
    try:
        for step, call in (
            ("page", lambda: browser.get("/vote/")),
            ("step 1 (code)", lambda: browser.post("/vote/", [("code", code)])),
            (
                "step 2 (cast)",
                lambda: browser.post(
                    "/vote/",
                    [("code", code), ("step", "cast"), *(("choice", str(c)) for c in choice)]
                    if choice
                    else [("code", code), ("step", "cast"), ("blank", "1")],
                ),
            ),
        ):
            started = time.perf_counter()
            status, _page = call()
            timings[step] = (time.perf_counter() - started) * 1000
            if status != 200:  # the vote page answers 400 to a refused code or choice (urllib raises it)
                raise AssertionError(f"{step}: HTTP {status}")
    except (urllib.error.URLError, AssertionError, TimeoutError) as problem:
        error = str(problem)
    with lock:
        results.append({"timings": timings, "error": error, "choice": choice, "ended": time.monotonic()})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delegates", type=int, default=100)
    parser.add_argument("--window", type=float, default=10.0, help="seconds over which the delegates start voting")
    parser.add_argument("--port", type=int, default=8310)
    parser.add_argument("--redis-db", type=int, default=12)
    args = parser.parse_args()
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The production shape needs PostgreSQL: set DATABASE_URL=postgres://…")
    from _database import throwaway_database

    with throwaway_database() as connection:
        run(args, connection)


def run(args, connection):
    from awards.models import BallotCode, BallotResult, ElectronicVote

    meeting, chair, award_type, candidates = build_world(args.delegates)
    ballot, codes = open_ballot(meeting, chair, award_type, args.delegates)
    base = f"http://127.0.0.1:{args.port}"
    database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_HTTPS": "false",
        "DJANGO_SECRET_KEY": "bench-" + "v" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "CELERY_QUEUE": "bench-vote",
        "DJANGO_MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "bench-vote-media"),
    }
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    web = subprocess.Popen(
        [PY, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{args.port}", "-w", "2"]
        + ["--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    rng = random.Random(2026)
    # Each delegate's choice: one candidate (seats of the flag: 1), every tenth ballot blank.
    choices = [[] if i % 10 == 9 else [rng.choice(candidates).pk] for i in range(args.delegates)]
    results, lock = [], threading.Lock()
    try:
        for _ in range(100):  # gunicorn is up when /healthz/ answers
            try:
                Browser(base).get("/healthz/")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        Browser(base).get("/vote/")  # each worker imports lazily: warm one, as a server in use is
        workers = children(web.pid)
        cpu_before = sum(cpu_seconds(pid) for pid in workers)
        started = time.monotonic() + 0.5
        threads = [
            threading.Thread(
                target=delegate,
                args=(base, code, choices[i], started + rng.uniform(0, args.window), results, lock),
            )
            for i, code in enumerate(codes)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cpu = sum(cpu_seconds(pid) for pid in workers) - cpu_before
    finally:
        web.terminate()
        web.wait()
    elapsed = max(r["ended"] for r in results) - started
    errors = [r["error"] for r in results if r["error"]]
    casts = [r["timings"]["step 2 (cast)"] for r in results if "step 2 (cast)" in r["timings"] and not r["error"]]
    ballot.refresh_from_db()
    stored = ElectronicVote.objects.filter(ballot=ballot).count()
    spent = BallotCode.objects.filter(ballot=ballot, spent=True).count()
    print(
        f"\n{args.delegates} delegates, each starting at a random moment of {args.window:g} s, against gunicorn -w 2 "
        f"on PostgreSQL ({args.delegates} delegations present, {len(candidates)} flag candidates)"
    )
    print(f"all done {elapsed:.1f} s after the first could start")
    for step in ("page", "step 1 (code)", "step 2 (cast)"):
        times = [r["timings"][step] for r in results if step in r["timings"]]
        if times:
            print(
                f"  {step:15s} n={len(times):3d}  p50 {statistics.median(times):6.1f} ms  "
                f"p95 {percentile(times, 0.95):6.1f} ms  max {max(times):6.1f} ms"
            )
    print(f"errors: {len(errors)}" + (f"  (first: {errors[0]})" if errors else ""))
    print(f"web workers' CPU: {cpu:.2f} s in all, {cpu * 1000 / max(1, len(results)):.1f} ms per delegate")
    print(
        f"stored votes {stored}, codes used {ballot.codes_used}, codes spent {spent}, casts answered {len(casts)}: "
        + ("every vote counted once" if stored == ballot.codes_used == spent == len(casts) else "MISMATCH")
    )
    record = close_ballot(ballot, chair)
    expected = Counter(c for choice in choices if choice for c in choice)
    tally = dict(BallotResult.objects.filter(ballot_round=record).values_list("nomination_id", "votes"))
    blank = sum(1 for choice in choices if not choice)
    same = (
        record.returned == stored
        and record.blank == blank
        and all(tally.get(c.pk, 0) == expected.get(c.pk, 0) for c in candidates)
    )
    print(
        f"tally: {record.returned} returned, {record.valid} valid, {record.blank} blank, votes {tally}; "
        + ("equals the votes cast" if same else f"DIFFERS from the votes cast {dict(expected)} ({blank} blank)")
    )


if __name__ == "__main__":
    main()
