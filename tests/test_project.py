"""The project's shape: production settings, docker-compose.yml, the settings it implies."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-very-long-production-secret-key-used-only-in-this-test-0123456789",
    "DJANGO_ALLOWED_HOSTS": "thidua.example.gov.vn",
}


def manage(*args, env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = manage("check", env={"DJANGO_DEBUG": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_sqlite_and_in_process_celery():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE]))"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
    ).stdout
    assert out.strip() == '["django.db.backends.sqlite3", true, "vi", "Asia/Ho_Chi_Minh"]'


def test_environment_switches_to_postgresql_and_redis():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND']]))"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "postgres://u:p@db:5432/x",
        "REDIS_URL": "redis://redis:6379/0",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    ).stdout
    assert out.strip() == (
        '["django.db.backends.postgresql", false, "redis://redis:6379/0", '
        '"django.core.cache.backends.redis.RedisCache"]'
    )


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_production_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker"}
    assert "gunicorn config.wsgi:application" in compose["services"]["web"]["command"]
    assert compose["services"]["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_compose_environment_matches_the_settings(compose):
    """Every variable the web and worker get is one the settings read, and they point at the compose services."""
    settings_source = (ROOT / "config" / "settings.py").read_text()
    for name in ("web", "worker"):
        env = compose["services"][name]["environment"]
        for variable in env:
            assert f'"{variable}"' in settings_source, f"{variable} is not read by config/settings.py"
        assert env["DJANGO_DEBUG"] == "false"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert env["CELERY_BROKER_URL"] == env["REDIS_URL"]
    postgres = compose["services"]["postgres"]["environment"]
    db_url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    assert (
        db_url
        == f"postgres://{postgres['POSTGRES_USER']}:{postgres['POSTGRES_PASSWORD']}@postgres:5432/{postgres['POSTGRES_DB']}"
    )


def test_dockerfile_installs_the_same_system_packages():
    dockerfile = (ROOT / "Dockerfile").read_text()
    install = (ROOT / "scripts" / "install.sh").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-liberation2"):
        assert package in dockerfile and package in install


def test_the_image_never_runs_in_debug_and_installs_from_the_locks():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DJANGO_DEBUG=false" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile and "npm ci" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and "node_modules" in ignored


def test_the_locks_pin_every_dependency_of_pyproject():
    """scripts/check_lock.py, which the README's test command runs, finds the locks in step."""
    result = subprocess.run(
        [sys.executable, "scripts/check_lock.py"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_lock_out_of_step_is_named(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\ndependencies = ["django>=5.2,<5.3", "openpyxl>=3.1"]\n'
        '[project.optional-dependencies]\ntest = ["pytest>=99"]\n'
    )
    (tmp_path / "requirements.txt").write_text("django==5.2.1\n")
    (tmp_path / "requirements-test.txt").write_text("django==5.2.1\nopenpyxl==3.1.5\npytest==8.0\n")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_lock.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "requirements.txt: openpyxl>=3.1 is not pinned" in result.stdout
    assert "requirements-test.txt: pytest>=99 is pinned at 8.0" in result.stdout


def test_bootstrap_is_served_from_the_npm_package():
    from django.contrib.staticfiles import finders

    found = finders.find("bootstrap/css/bootstrap.min.css")
    assert found and "node_modules/bootstrap/dist" in str(found)
