"""A whole cluster's history round-trips through an archive into an empty database."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import FileField

from cluster.models import Cluster

#: The project's apps: every row of every model they define (history tables and many-to-many
#: tables included) belongs to the cluster's history unless listed below with the reason.
PROJECT_APPS = {
    "accounts",
    "provinces",
    "cluster",
    "scoring",
    "covenants",
    "awards",
    "reports",
    "dossiers",
    "signatures",
    "archive",
    "demo",
    "notifications",
    "search",
}
NOT_ARCHIVED = {
    # A person's inbox and e-mail choice, not the cluster's history (the events they tell of are).
    "notifications.Notification": "personal inbox",
    "notifications.Preference": "personal setting",
}


def every_row():
    """Every row of every project model, field by field, listed without asking the exporter."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in PROJECT_APPS or model._meta.label in NOT_ARCHIVED:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        if model._meta.auto_created:  # a many-to-many row is its two ends: its own key means nothing
            fields = [name for name in fields if name != model._meta.pk.attname]
        rows[model._meta.label] = sorted(
            tuple(str(value) for value in row) for row in model._base_manager.values_list(*fields)
        )
    return rows


def every_file():
    files = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                for name in model._base_manager.exclude(**{field.attname: ""}).values_list(field.attname, flat=True):
                    with default_storage.open(name, "rb") as handle:
                        files[name] = handle.read()
    return files


def test_the_project_models_are_those_this_test_knows():
    """A new app must be added to PROJECT_APPS (and so to the round trip below)."""
    local = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(Path(settings.BASE_DIR).resolve())
        and not Path(config.path).resolve().is_relative_to((Path(settings.BASE_DIR) / ".venv").resolve())
    }
    assert local == PROJECT_APPS


@pytest.mark.django_db(transaction=True)
def test_export_then_restore_into_an_empty_database(tmp_path, settings, media, demo_user, demo_2014):
    from provinces.models import Province
    from reports import services as report_services
    from reports.enums import DocumentKind

    # Provinces that were never members (nor successors of one) are not the cluster's history.
    Province.objects.filter(code__in=["20", "02", "26"]).delete()
    chair, year_2014 = demo_user("phutho"), demo_2014.years.get(year=2014)
    minutes = report_services.report_request(kind=DocumentKind.MINUTES, emulation_year=year_2014, user=chair)
    # An issued document, its replacement, a written part, and a copy signed elsewhere.
    minutes = report_services.report_issue(report=minutes, user=chair)
    report_services.report_request(
        kind=DocumentKind.MINUTES, emulation_year=year_2014, user=chair, replaces=minutes, reason="Sửa tên"
    )
    report_services.document_texts_save(
        emulation_year=year_2014, kind=DocumentKind.MINUTES, texts={"guidance": "Đồng chí Thứ trưởng phát biểu."}
    )
    _signed_copy(settings, tmp_path, minutes, chair)
    from accounts import services as account_services

    account_services.password_changed(user=chair)  # an account event in the history
    _cross_scoring_and_electronic_ballot(year_2014)
    before_rows, before_files = every_row(), every_file()
    assert before_files, "the demo has evidence files, scans and a document"
    for label in (
        "scoring.PeerReview",
        "scoring.PeerScore",
        "awards.ElectronicBallot",
        "awards.ElectronicBallot_candidates",
        "awards.BallotCode",
        "awards.ElectronicVote",
        "reports.DocumentText",
        "reports.HistoricalDocumentText",
        "signatures.SignedCopy",
        "accounts.AccountEvent",
    ):
        assert before_rows[label], label
    assert all(before_rows[label] for label in ("scoring.Score", "awards.BallotResult", "scoring.HistoricalScore"))
    archive = tmp_path / "cum-thi-dua.zip"
    call_command("export_cluster", str(archive), "--with-passwords", verbosity=0)

    # Sequences kept: later tests of this process insert the demo with its keys, then new rows.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media-b")},
        },
    }
    assert not Cluster.objects.exists() and not any(every_row().values())
    call_command("import_cluster", str(archive), verbosity=0)

    after_rows = every_row()
    missing = {
        label: len(rows) - len(after_rows[label]) for label, rows in before_rows.items() if rows != after_rows[label]
    }
    assert not missing, f"rows lost or changed by the round trip, per model: {missing}"
    assert every_file() == before_files
    # the restored site works: ranks, ballots and the signed-in chair's rights are back
    from scoring.models import Scorecard

    assert Scorecard.objects.get(emulation_year__year=2014, province__name="Thái Nguyên").rank == 1
    assert demo_user("phutho").check_password("thidua2015")


def _cross_scoring_and_electronic_ballot(emulation_year):
    """Rows of the cross-scoring and of an electronic ballot, written directly: the round trip
    is about the archive, not about the services that make them."""
    from django.utils import timezone

    from awards.models import BallotCode, ElectronicBallot, ElectronicVote, Nomination
    from scoring.models import PeerReview, PeerScore, Scorecard

    scored, scorer = Scorecard.objects.filter(emulation_year=emulation_year).order_by("pk")[:2]
    review = PeerReview.objects.create(scorecard=scored, scorer=scorer.province, submitted_at=timezone.now())
    PeerScore.objects.create(review=review, score=scored.scores.first(), value="1.50", reason="Thiếu minh chứng")
    nomination = Nomination.objects.filter(emulation_year=emulation_year).first()
    ballot = ElectronicBallot.objects.create(
        meeting=emulation_year.review_meeting,
        award_type=nomination.award_type,
        number=9,
        seats=1,
        codes_issued=1,
        codes_used=1,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    ballot.candidates.add(nomination)
    BallotCode.objects.create(ballot=ballot, digest="0" * 64, spent=True)
    ElectronicVote.objects.create(ballot=ballot, choices=[nomination.pk])


def _signed_copy(settings, tmp_path, report, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from signatures import services as signature_services
    from tests.signatures import pki

    authority = pki.make_authority()
    (tmp_path / "ca.pem").write_bytes(authority.pem)
    settings.SIGNATURE_TRUST_ROOTS = [str(tmp_path / "ca.pem")]
    with report.file.open("rb") as handle:
        signed = pki.sign_elsewhere(handle.read(), pki.make_holder(authority))
    signature_services.signed_copy_upload(
        report=report, upload=SimpleUploadedFile("ky-so.pdf", signed, content_type="application/pdf"), user=user
    )


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_already_has_a_cluster(tmp_path, demo):
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


def archived_rows(archive):
    import json
    import zipfile

    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        return manifest, [item for part in manifest["parts"] for item in json.loads(z.read(part["file"]))]


@pytest.mark.django_db(transaction=True)
def test_a_default_export_leaves_password_hashes_out_and_restored_users_cannot_sign_in(tmp_path, demo, demo_user):
    import json

    from django.contrib.auth import get_user_model

    User = get_user_model()
    hashes = set(User.objects.values_list("password", flat=True))
    archive = tmp_path / "a.zip"
    call_command("export_cluster", str(archive), verbosity=0)

    manifest, rows = archived_rows(archive)
    users = [row for row in rows if row["model"] == "accounts.user"]
    assert manifest["passwords"] is False
    assert users and all(row["fields"]["password"] == "" for row in users)
    every_value = json.dumps(rows)
    assert hashes and not any(h in every_value for h in hashes)

    # Sequences kept: later tests of this process insert the demo with its keys, then new rows.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    call_command("import_cluster", str(archive), verbosity=0)
    assert User.objects.count() == len(users)
    phutho = demo_user("phutho")
    assert phutho.province.name == "Phú Thọ"
    assert not phutho.has_usable_password() and not phutho.check_password("thidua2015")
    assert not any(user.has_usable_password() for user in User.objects.all())


def write_archive(path, rows):
    import json
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data/00.json", json.dumps(rows))
        manifest = {"format": 1, "cluster": "x", "parts": [{"name": "x", "file": "data/00.json"}], "files": []}
        z.writestr("manifest.json", json.dumps(manifest))


PROVINCE = {"model": "provinces.province", "pk": 999, "fields": {"code": "99", "name": "Tỉnh thử"}}


@pytest.mark.parametrize(
    ("row", "named"),
    [
        ({"model": "auth.permission", "pk": 1, "fields": {"name": "x", "content_type": 1, "codename": "x"}}, None),
        ({"model": "auth.group", "pk": 1, "fields": {"name": "admins", "permissions": []}}, None),
        ({"model": "contenttypes.contenttype", "pk": 1, "fields": {"app_label": "x", "model": "x"}}, None),
        ({"model": "sessions.session", "pk": "k", "fields": {"session_data": "x", "expire_date": "2030-01-01"}}, None),
        ({"model": "axes.accessattempt", "pk": 1, "fields": {"username": "admin"}}, None),
        ({"model": "admin.logentry", "pk": 1, "fields": {}}, None),
        ({"model": "nosuchapp.model", "pk": 1, "fields": {}}, None),
        (
            {"model": "accounts.user", "pk": 1, "fields": {"username": "x", "password": "", "user_permissions": [1]}},
            "auth.permission",
        ),
    ],
    ids=["permission", "group", "contenttype", "session", "axes", "admin-log", "unknown", "user-permissions"],
)
def test_an_archive_naming_another_model_is_refused_and_restores_nothing(tmp_path, db, row, named):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from provinces.models import Province

    before = (Province.objects.count(), Permission.objects.count(), get_user_model().objects.count())
    archive = tmp_path / "x.zip"
    write_archive(archive, [PROVINCE, row])
    with pytest.raises(CommandError, match="không thuộc lịch sử của một cụm thi đua") as error:
        call_command("import_cluster", str(archive), verbosity=0)
    assert (named or row["model"]) in str(error.value)
    assert (Province.objects.count(), Permission.objects.count(), get_user_model().objects.count()) == before
    assert not Province.objects.filter(pk=999).exists()


@pytest.mark.parametrize("content", [b"not a zip at all", None], ids=["not-zip", "bad-manifest"])
def test_a_broken_archive_is_refused_clearly(tmp_path, db, content):
    import zipfile

    bogus = tmp_path / "x.zip"
    if content is None:
        with zipfile.ZipFile(bogus, "w") as z:
            z.writestr("manifest.json", "{not json")
    else:
        bogus.write_bytes(content)
    with pytest.raises(CommandError, match="không phải là tệp sao lưu"):
        call_command("import_cluster", str(bogus), verbosity=0)
