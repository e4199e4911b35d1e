"""Fault drills, run against real services on this machine (not part of the test suite).

  worker-kill   a Celery worker is killed (SIGKILL) while rendering: the job is delivered
                again and finishes on a new worker; no document stays "running".
  redis-down    a private Redis is stopped: pages still answer, document requests are refused
                with a message and create nothing; a document queued before is rendered once
                Redis is back and a worker starts (lost messages are sent again).
  pg-restart    PostgreSQL restarts under a running web app: the next request succeeds
                without restarting the app (persistent connections are health-checked).
  two-webs      two gunicorn processes on two ports share sessions, cache and files:
                signed in on one, the session works on the other.

Run: .venv/bin/python bench/drills.py [worker-kill redis-down pg-restart two-webs]
pg-restart and two-webs need DATABASE_URL=postgres://...; the drills create and drop their
own test database. Each drill prints what it checked and "OK" or what failed.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PY = sys.executable


def say(text):
    print(f"  {text}", flush=True)


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


class Env:
    """A throw-away database with the demo, shared by the processes a drill starts."""

    def __init__(self):
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection
        from django.test.utils import setup_test_environment

        settings.ALLOWED_HOSTS = ["*"]
        setup_test_environment()
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        from awards.demo import load_awards_demo
        from cluster.demo import load_demo
        from scoring.demo import load_scoring_demo

        self.cluster, _ = load_demo()
        load_scoring_demo(self.cluster)
        load_awards_demo(self.cluster)
        s = connection.settings_dict
        self.vendor = connection.vendor
        self.database_url = (
            f"sqlite:///{s['NAME']}"
            if self.vendor == "sqlite"
            else (
                f"postgres://{s.get('USER') or ''}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"
            )
        )

    def close(self):
        from django.db import connection

        connection.close()
        connection.creation.destroy_test_db(self.old_name, verbosity=0)

    def use_broker(self, url, queue):
        from django.conf import settings

        from config.celery import app

        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = False, url, None
        app._pool = None
        app.amqp._producer_pool = None
        settings.CELERY_TASK_DEFAULT_QUEUE = queue

    def worker(self, broker, queue, slow_renders=0, **extra):
        """A Celery worker on `queue`; with `slow_renders`, each render first waits that many seconds."""
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": broker,
            "REDIS_URL": "",
            "CELERY_RESULT_BACKEND": "",
            "CELERY_QUEUE": queue,
            **{k: str(v) for k, v in extra.items()},
        }
        command = [PY, "-m", "celery", "-A", "config", "worker"]
        if slow_renders:
            command = [PY, str(ROOT / "bench" / "slow_worker.py"), "worker"]
            env["DRILL_RENDER_DELAY"] = str(slow_renders)
        return subprocess.Popen(
            [
                *command,
                "--pool=solo",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def request_minutes(self):
        from django.contrib.auth import get_user_model

        from reports import services
        from reports.enums import DocumentKind

        return services.report_request(
            kind=DocumentKind.MINUTES,
            emulation_year=self.cluster.years.get(year=2014),
            user=get_user_model().objects.get(username="phutho"),
        )


def drill_worker_kill(env):
    from reports.models import Report

    broker, queue = "redis://127.0.0.1:6379/13", f"drill-{uuid.uuid4().hex[:6]}"
    env.use_broker(broker, queue)
    first = env.worker(broker, queue, slow_renders=6, CELERY_VISIBILITY_TIMEOUT=5)
    time.sleep(2)
    report = env.request_minutes()
    wait_for(lambda: Report.objects.get(pk=report.pk).status == "running", 30, "the render to start")
    first.send_signal(signal.SIGKILL)
    first.wait()
    say("worker killed with SIGKILL while rendering; the document is 'running'")
    started = time.monotonic()
    second = env.worker(
        broker, queue, CELERY_VISIBILITY_TIMEOUT=5, CELERY_RESTORE_INTERVAL=1, CELERY_RESTORE_THROTTLE=1
    )
    try:
        wait_for(lambda: Report.objects.get(pk=report.pk).status == "done", 90, "the document to be rendered again")
    finally:
        second.terminate()
        second.wait()
    report.refresh_from_db()
    say(
        f"a new worker finished it {time.monotonic() - started:.1f} s later (attempts: {report.attempts}); "
        f"documents still running: {Report.objects.filter(status='running').count()}"
    )


def drill_redis_down(env):
    from django.test import Client
    from django.urls import reverse

    from reports.models import Report

    port = 6391
    redis = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
    ]
    server = subprocess.Popen(redis, stdout=subprocess.DEVNULL)
    time.sleep(1)
    broker, queue = f"redis://127.0.0.1:{port}/0", f"drill-{uuid.uuid4().hex[:6]}"
    env.use_broker(broker, queue)
    queued = env.request_minutes()  # no worker yet: it waits in Redis
    server.terminate()
    server.wait()
    say("Redis stopped with one document waiting in it")
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="phutho"))
    for url in [
        reverse("cluster:dashboard", args=[env.cluster.pk, 2015]),
        reverse("scoring:scoreboard", args=[env.cluster.pk, 2014]),
        reverse("awards:console", args=[env.cluster.pk, 2014]),
        reverse("reports:documents", args=[env.cluster.pk, 2014]),
    ]:
        assert client.get(url).status_code == 200, url
    say("pages answer 200 without Redis")
    before = Report.objects.count()
    response = client.post(
        reverse("reports:documents", args=[env.cluster.pk, 2014]), {"kind": "score_summary"}, follow=True
    )
    assert "Dịch vụ tạo văn bản tạm thời không hoạt động" in response.content.decode()
    assert Report.objects.count() == before
    say("a document request is refused with a message; nothing created")
    server = subprocess.Popen(redis, stdout=subprocess.DEVNULL)
    time.sleep(1)
    worker = env.worker(broker, queue, DOCUMENTS_REQUEUE_AFTER=1)
    try:
        wait_for(lambda: Report.objects.get(pk=queued.pk).status == "done", 60, "the waiting document")
    finally:
        worker.terminate()
        worker.wait()
        server.terminate()
        server.wait()
    say("Redis back (empty) and a worker started: the waiting document was sent again and rendered")


class Webs:
    """gunicorn processes serving the drill's database in production settings."""

    def __init__(self, env, ports):
        self.environ = {
            **os.environ,
            "DATABASE_URL": env.database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_HTTPS": "false",
            "DJANGO_SECRET_KEY": "drill-" + "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "REDIS_URL": "redis://127.0.0.1:6379/12",
        }
        subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.environ, check=True)
        self.procs = [
            subprocess.Popen(
                [PY, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
                cwd=ROOT,
                env=self.environ,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.jar = jar
        time.sleep(4)

    def login(self, port, username, password):
        page = self.opener.open(f"http://127.0.0.1:{port}/login/").read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        self.opener.open(
            urllib.request.Request(
                f"http://127.0.0.1:{port}/login/", data=data, headers={"Referer": f"http://127.0.0.1:{port}/login/"}
            )
        )
        for cookie in self.jar:  # the same cookies on every port of the host
            cookie.port, cookie.port_specified = None, False

    def get(self, port, path):
        response = self.opener.open(f"http://127.0.0.1:{port}{path}")
        return response.status, response.read().decode()

    def close(self):
        for proc in self.procs:
            proc.terminate()
            proc.wait()


def drill_pg_restart(env):
    if env.vendor != "postgresql":
        say("skipped: needs DATABASE_URL=postgres://...")
        return
    webs = Webs(env, [8103])
    try:
        webs.login(8103, "phutho", "thidua2015")
        path = f"/clusters/{env.cluster.pk}/years/2014/scoreboard/"
        assert webs.get(8103, path)[0] == 200
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
        wait_for(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0, 30, "PostgreSQL")
        say("PostgreSQL restarted under a running gunicorn")
        status, page = webs.get(8103, path)
        assert status == 200 and "Thái Nguyên" in page
        say("the next request answered 200 without restarting the web process")
    finally:
        webs.close()


def drill_two_webs(env):
    if env.vendor != "postgresql":
        say("skipped: needs DATABASE_URL=postgres://...")
        return
    webs = Webs(env, [8101, 8102])
    try:
        webs.login(8101, "phutho", "thidua2015")
        status, page = webs.get(8102, f"/clusters/{env.cluster.pk}/years/2014/scoreboard/")
        assert status == 200 and "Thái Nguyên" in page
        say("signed in on :8101, the session works on :8102 (sessions in the database, cache in Redis)")
    finally:
        webs.close()


DRILLS = {
    "worker-kill": drill_worker_kill,
    "redis-down": drill_redis_down,
    "pg-restart": drill_pg_restart,
    "two-webs": drill_two_webs,
}


def main():
    chosen = sys.argv[1:] or list(DRILLS)
    env = Env()
    failures = 0
    try:
        for name in chosen:
            print(f"{name}:", flush=True)
            try:
                DRILLS[name](env)
                print("  OK", flush=True)
            except Exception as error:
                failures += 1
                print(f"  FAILED: {error!r}", flush=True)
    finally:
        env.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
