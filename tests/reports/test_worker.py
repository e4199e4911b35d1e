"""A real Celery worker over the local Redis renders a document asked for through the web layer."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from reports.models import Report
from tests.reports.conftest import use_broker
from tests.reports.pdfcheck import pdf_text

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up():
    import redis

    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def database_url():
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def celery_worker_process(settings):
    if not redis_up():
        pytest.skip(f"Redis is not reachable at {REDIS} (.ci/run starts it)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS,
        "REDIS_URL": "",
        "CELERY_RESULT_BACKEND": "",
        "CELERY_QUEUE": queue,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        with use_broker(REDIS):
            yield worker
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output[-3000:])


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_minutes(client, demo_user, celery_worker_process):
    from awards.demo import load_awards_demo
    from cluster.demo import load_demo
    from scoring.demo import load_scoring_demo

    cluster, _accounts = load_demo()
    load_scoring_demo(cluster)
    load_awards_demo(cluster)
    client.force_login(demo_user("phutho"))
    response = client.post(reverse("reports:documents", args=[cluster.pk, 2014]), {"kind": "minutes"})
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in ("done", "failed"):
            break
        assert celery_worker_process.poll() is None, "the worker stopped"
        time.sleep(0.3)
    assert report.status == "done", report.error or report.status
    assert report.attempts == 1
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert "Phú Thọ, ngày 04 tháng 3 năm 2015" in pdf_text(b"".join(download.streaming_content))
