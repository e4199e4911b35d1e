"""A whole cluster's history round-trips through an archive into an empty database."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.services import _collect
from cluster.models import Cluster


def snapshot(cluster):
    """Every exported row, field by field, and every stored file's bytes."""
    from django.core.files.storage import default_storage

    rows, files = {}, {}
    for part, queryset in _collect(cluster):
        items = list(queryset)
        rows[part] = sorted(
            (obj.pk, tuple((f.attname, str(getattr(obj, f.attname))) for f in obj._meta.concrete_fields))
            for obj in items
        )
        for obj in items:
            for field in ("file", "scan"):
                value = getattr(obj, field, None)
                if value and getattr(value, "name", None) and default_storage.exists(value.name):
                    files[value.name] = default_storage.open(value.name, "rb").read()
    return rows, files


@pytest.mark.django_db(transaction=True)
def test_export_then_restore_into_an_empty_database(tmp_path, settings, demo_user):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media-a")},
        },
    }
    from awards.demo import load_awards_demo
    from cluster.demo import load_demo
    from reports import services as report_services
    from reports.enums import DocumentKind
    from scoring.demo import load_scoring_demo

    cluster, _ = load_demo()
    load_scoring_demo(cluster)
    load_awards_demo(cluster)
    report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=cluster.years.get(year=2014), user=demo_user("phutho")
    )
    before = snapshot(cluster)
    assert before[1], "the demo has evidence files and a document"
    archive = tmp_path / "cum-thi-dua.zip"
    call_command("export_cluster", str(archive), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media-b")},
        },
    }
    assert not Cluster.objects.exists()
    call_command("import_cluster", str(archive), verbosity=0)

    after = snapshot(Cluster.objects.get())
    differences = [
        (part, old, new)
        for part in before[0]
        for row_old, row_new in zip(before[0][part], after[0][part])
        for old, new in zip(row_old[1], row_new[1])
        if old != new
    ]
    assert not differences, differences[:5]
    assert after[0] == before[0]
    assert after[1] == before[1]
    # the restored site works: ranks, ballots and the signed-in chair's rights are back
    from scoring.models import Scorecard

    assert Scorecard.objects.get(emulation_year__year=2014, province__name="Thái Nguyên").rank == 1
    assert demo_user("phutho").check_password("thidua2015")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_already_has_a_cluster(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    from cluster.demo import load_demo

    load_demo()
    archive = tmp_path / "a.zip"
    call_command("export_cluster", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="đã có một cụm thi đua|already holds a cluster"):
        call_command("import_cluster", str(archive), verbosity=0)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path, db):
    bogus = tmp_path / "x.zip"
    import zipfile

    with zipfile.ZipFile(bogus, "w") as z:
        z.writestr("hello.txt", "xin chào")
    with pytest.raises(CommandError, match="không phải là tệp sao lưu|not a cluster archive"):
        call_command("import_cluster", str(bogus), verbosity=0)
