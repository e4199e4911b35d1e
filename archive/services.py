"""Export a cluster's whole history (all years, scores, evidence files, meetings, ballots,
decisions, documents and the change history) to a zip archive, and restore it into an empty
database. Primary keys are kept, so every reference survives the round trip.

An archive holds only rows of the project's own apps (`ARCHIVED_APPS`); a restore refuses any
other (permissions, sessions, login attempts...). Password hashes are left out unless asked
for: users restored without one get an unusable password until an admin sets one.
"""

import json
import zipfile
from pathlib import PurePosixPath

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
#: The apps whose rows make a cluster's history: an archive naming a model of any other app
#: (auth, contenttypes, sessions, axes, admin...) is refused whole.
ARCHIVED_APPS = frozenset(
    {"accounts", "provinces", "cluster", "scoring", "covenants", "awards", "reports", "dossiers", "signatures"}
)


class ExactEncoder(json.JSONEncoder):
    """Like Django's JSON encoder, but datetimes keep their microseconds (a restore must be exact)."""

    def default(self, o):
        import datetime
        import decimal
        import uuid

        if isinstance(o, (datetime.datetime, datetime.date, datetime.time)):
            return o.isoformat()
        if isinstance(o, (decimal.Decimal, uuid.UUID)):
            return str(o)
        return super().default(o)


def _collect(cluster):
    """(model label, queryset) in an order where every row comes after what it points to."""
    from awards.models import (
        AwardQuota,
        AwardType,
        BallotCode,
        BallotResult,
        BallotRound,
        CountingCommitteeMember,
        Delegate,
        Delegation,
        ElectronicBallot,
        ElectronicVote,
        Guest,
        Nomination,
        ReviewMeeting,
        WrittenVote,
    )
    from cluster.models import EmulationYear, Membership, Person, RuleSet, YearDeadline
    from covenants.models import Commitment, Covenant, ReplacedScan, Signatory
    from dossiers.models import Dossier, DossierPaper
    from provinces.models import Province
    from reports.models import DocumentCounter, DocumentText, Report
    from scoring.models import Criterion, Evidence, PeerReview, PeerScore, Score, Scoreboard, Scorecard, Section
    from signatures.models import OrganisationCertificate, SignedCopy

    years = EmulationYear.objects.filter(cluster=cluster)
    province_ids = set(Membership.objects.filter(emulation_year__in=years).values_list("province_id", flat=True))
    provinces = Province.objects.filter(pk__in=province_ids)
    # successors (and their successors) first
    wanted = set(province_ids)
    frontier = set(provinces.exclude(successor__isnull=True).values_list("successor_id", flat=True))
    while frontier - wanted:
        wanted |= frontier
        frontier = set(
            Province.objects.filter(pk__in=frontier)
            .exclude(successor__isnull=True)
            .values_list("successor_id", flat=True)
        )
    provinces = list(Province.objects.filter(pk__in=wanted))
    provinces.sort(key=lambda p: p.successor_id is not None)
    User = get_user_model()
    users = User.objects.filter(Q(province_id__in=wanted) | Q(is_superuser=True))
    meetings = ReviewMeeting.objects.filter(emulation_year__in=years)
    scorecards = Scorecard.objects.filter(emulation_year__in=years)
    criteria = Criterion.objects.filter(section__emulation_year__in=years).order_by("parent_id", "pk")
    covenants = Covenant.objects.filter(emulation_year__in=years)
    parts = [
        ("provinces", provinces),
        ("users", users),
        # Actors outside the cluster's provinces (another cluster's admin) are not archived: kept empty.
        ("account events", _account_events(users)),
        ("cluster", [cluster]),
        ("years", years),
        ("rule sets", RuleSet.objects.filter(emulation_year__in=years)),
        ("memberships", Membership.objects.filter(emulation_year__in=years)),
        ("people", Person.objects.filter(emulation_year__in=years)),
        ("calendars", YearDeadline.objects.filter(emulation_year__in=years)),
        ("sections", Section.objects.filter(emulation_year__in=years)),
        ("criteria", _parents_first(criteria)),
        ("scoreboards", Scoreboard.objects.filter(emulation_year__in=years)),
        ("scorecards", scorecards),
        ("scores", Score.objects.filter(scorecard__in=scorecards)),
        ("evidence", Evidence.objects.filter(score__scorecard__in=scorecards)),
        ("cross-scorings", PeerReview.objects.filter(scorecard__in=scorecards)),
        ("cross-scores", PeerScore.objects.filter(review__scorecard__in=scorecards)),
        ("covenants", covenants),
        ("commitments", Commitment.objects.filter(covenant__in=covenants)),
        ("signatories", Signatory.objects.filter(covenant__in=covenants)),
        ("replaced scans", ReplacedScan.objects.filter(signatory__covenant__in=covenants)),
        ("award types", AwardType.objects.all()),
        ("award quotas", AwardQuota.objects.filter(emulation_year__in=years)),
        ("meetings", meetings),
        ("delegations", Delegation.objects.filter(meeting__in=meetings)),
        ("delegates", Delegate.objects.filter(delegation__meeting__in=meetings)),
        ("written votes", WrittenVote.objects.filter(delegation__meeting__in=meetings)),
        ("guests", Guest.objects.filter(meeting__in=meetings)),
        ("vote-counting committees", CountingCommitteeMember.objects.filter(meeting__in=meetings)),
        ("nominations", Nomination.objects.filter(emulation_year__in=years)),
        (
            "ballot rounds",
            _parents_first(BallotRound.objects.filter(meeting__in=meetings).order_by("pk"), parent="corrects_id"),
        ),
        ("ballot results", BallotResult.objects.filter(ballot_round__meeting__in=meetings)),
        # The electronic ballots: their codes (digests only) and votes (the round and the choice only).
        ("electronic ballots", ElectronicBallot.objects.filter(meeting__in=meetings)),
        ("ballot codes", BallotCode.objects.filter(ballot__meeting__in=meetings)),
        ("electronic votes", ElectronicVote.objects.filter(ballot__meeting__in=meetings)),
        ("document counters", DocumentCounter.objects.filter(cluster=cluster)),
        ("documents", _parents_first(Report.objects.filter(emulation_year__in=years).order_by("pk"), "replaces_id")),
        ("document texts", DocumentText.objects.filter(emulation_year__in=years)),
        # Encrypted with this server's SIGNING_KEY: restored elsewhere they stay unusable until the
        # same key is set (the page says so), which is what a backup of a key should do.
        ("signing certificates", OrganisationCertificate.objects.filter(cluster=cluster)),
        ("signed copies", SignedCopy.objects.filter(report__emulation_year__in=years)),
        ("dossiers", Dossier.objects.filter(nomination__emulation_year__in=years)),
        ("dossier papers", DossierPaper.objects.filter(dossier__nomination__emulation_year__in=years)),
    ]
    # The change history of every tracked model, restricted to this cluster's rows.
    history = [
        ("history: years", EmulationYear.history.filter(cluster_id=cluster.pk)),
        ("history: rule sets", RuleSet.history.filter(emulation_year__in=years)),
        ("history: criteria", Criterion.history.filter(section__emulation_year__in=years)),
        ("history: scoreboards", Scoreboard.history.filter(emulation_year__in=years)),
        ("history: scorecards", Scorecard.history.filter(emulation_year__in=years)),
        ("history: scores", Score.history.filter(scorecard__emulation_year__in=years)),
        ("history: evidence", Evidence.history.filter(score__scorecard__emulation_year__in=years)),
        ("history: cross-scorings", PeerReview.history.filter(scorecard__emulation_year__in=years)),
        ("history: cross-scores", PeerScore.history.filter(review__scorecard__emulation_year__in=years)),
        ("history: covenants", Covenant.history.filter(emulation_year__in=years)),
        ("history: commitments", Commitment.history.filter(covenant__emulation_year__in=years)),
        ("history: signatories", Signatory.history.filter(covenant__emulation_year__in=years)),
        ("history: meetings", ReviewMeeting.history.filter(emulation_year__in=years)),
        ("history: delegations", Delegation.history.filter(meeting__emulation_year__in=years)),
        ("history: nominations", Nomination.history.filter(emulation_year__in=years)),
        ("history: people", Person.history.filter(emulation_year__in=years)),
        ("history: calendars", YearDeadline.history.filter(emulation_year__in=years)),
        ("history: document texts", DocumentText.history.filter(emulation_year__in=years)),
        (
            "history: vote-counting committees",
            CountingCommitteeMember.history.filter(meeting__emulation_year__in=years),
        ),
    ]
    return parts + history


def _account_events(users):
    from accounts.models import AccountEvent

    user_ids = set(users.values_list("pk", flat=True))
    events = list(AccountEvent.objects.filter(user_id__in=user_ids))
    for event in events:
        if event.actor_id not in user_ids:
            event.actor_id = None
    return events


def _parents_first(queryset, parent="parent_id"):
    rows = list(queryset)
    done, ordered = set(), []
    while rows:
        ready = [r for r in rows if getattr(r, parent) is None or getattr(r, parent) in done]
        if not ready:  # pragma: no cover - a cycle cannot be stored through the services
            raise ValidationError("cycle")
        for r in ready:
            ordered.append(r)
            done.add(r.pk)
        rows = [r for r in rows if r.pk not in done]
    return ordered


FILE_FIELDS = {
    "scoring.evidence": ("file",),
    "covenants.signatory": ("scan",),
    "covenants.replacedscan": ("scan",),
    "reports.report": ("file", "docx_file"),
    "dossiers.dossier": ("pack",),
    "dossiers.dossierpaper": ("file",),
    "signatures.signedcopy": ("file",),
    "signatures.organisationcertificate": ("signer_image", "seal_image"),
}


def cluster_export(*, cluster, path, with_passwords=False):
    """Write the archive; returns {part: number of rows}. Users' password hashes are written
    only `with_passwords`."""
    user_label = get_user_model()._meta.label_lower
    counts, files = {}, set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        manifest = {"format": FORMAT_VERSION, "cluster": cluster.name, "passwords": with_passwords, "parts": []}
        for index, (part, rows) in enumerate(_collect(cluster)):
            rows = list(rows)
            counts[part] = len(rows)
            name = f"data/{index:02d}.json"
            data = serializers.serialize("python", rows)
            if not with_passwords:
                for item in data:
                    if item["model"] == user_label:
                        item["fields"]["password"] = ""
            archive.writestr(name, json.dumps(data, cls=ExactEncoder, ensure_ascii=False))
            manifest["parts"].append({"name": part, "file": name, "rows": len(rows)})
            for row in rows:
                for field in FILE_FIELDS.get(row._meta.label_lower, ()):
                    value = getattr(row, field, None)
                    if value and value.name and value.name not in files and default_storage.exists(value.name):
                        with default_storage.open(value.name, "rb") as handle:
                            archive.writestr(f"files/{value.name}", handle.read())
                        files.add(value.name)
        manifest["files"] = sorted(files)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return counts


def _foreign_models(items):
    """The labels of the models outside `ARCHIVED_APPS` that these serialized rows name, as
    their own model or through a many-to-many value (a user's groups or permissions)."""
    foreign = set()
    for item in items:
        label = str(item.get("model", "")).lower()
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            foreign.add(label)
            continue
        if model._meta.app_label not in ARCHIVED_APPS:
            foreign.add(label)
            continue
        for field in model._meta.many_to_many:
            if field.related_model._meta.app_label not in ARCHIVED_APPS and item["fields"].get(field.name):
                foreign.add(field.related_model._meta.label_lower)
    return foreign


def _read_parts(archive, manifest):
    """[(part name, serialized rows)] of the archive, or a ValidationError: nothing is written
    before every part has been read and checked."""
    parts = []
    try:
        for part in manifest["parts"]:
            items = json.loads(archive.read(part["file"]))
            if not isinstance(items, list) or not all(
                isinstance(item, dict) and isinstance(item.get("fields"), dict) for item in items
            ):
                raise ValueError(part["file"])
            parts.append((part["name"], items))
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(_("This file is not a cluster archive.")) from error
    foreign = set().union(*(_foreign_models(items) for _name, items in parts))
    if foreign:
        raise ValidationError(
            _("The archive holds data that is not a cluster's history (%(models)s): nothing was restored.")
            % {"models": ", ".join(sorted(foreign))}
        )
    return parts


def cluster_import(*, path):
    """Restore an archive into a database that has no cluster yet (all or nothing)."""
    from cluster.models import Cluster

    if Cluster.objects.exists():
        raise ValidationError(_("The database already holds a cluster: restore into an empty database."))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(_("This file is not a cluster archive.")) from error
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
            if not isinstance(manifest, dict):
                raise ValueError("manifest.json")
        except (KeyError, ValueError) as error:
            raise ValidationError(_("This file is not a cluster archive.")) from error
        if manifest.get("format") != FORMAT_VERSION:
            raise ValidationError(_("This archive's format is not supported."))
        parts = _read_parts(archive, manifest)
        user_label = get_user_model()._meta.label_lower
        counts, written, without_password = {}, [], 0
        try:
            with transaction.atomic():
                models = set()
                for name, items in parts:
                    for item in items:
                        if item["model"].lower() == user_label and not item["fields"].get("password"):
                            item["fields"]["password"] = make_password(None)  # unusable until set
                            without_password += 1
                    objects = list(serializers.deserialize("python", items))
                    for obj in objects:
                        obj.save()
                        models.add(type(obj.object))
                    counts[name] = len(objects)
                for name in manifest["files"]:
                    if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
                        raise ValidationError(_("The archive holds an unsafe file name."))
                    stored = default_storage.save(name, ContentFile(archive.read(f"files/{name}")))
                    written.append(stored)
                    if stored != name:
                        raise ValidationError(
                            _("A file of the archive already exists in the storage: %(name)s") % {"name": name}
                        )
                _reset_sequences(models)
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    if without_password:
        counts["users without a password"] = without_password
    return counts


def _reset_sequences(models):
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
