"""State changes of covenants. A covenant is signed once every member has signed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.services import year_ensure_open
from common.history import set_change_reason
from common.uploads import SCANS, inspect_upload

from .models import Commitment, Covenant, CovenantStatus, Signatory


def _ensure_open(covenant_or_year):
    year_ensure_open(getattr(covenant_or_year, "emulation_year", covenant_or_year))


@transaction.atomic
def covenant_create(*, emulation_year, user=None, **fields):
    """Create the year's covenant with one signatory row per member."""
    _ensure_open(emulation_year)
    if Covenant.objects.filter(emulation_year=emulation_year).exists():
        raise ValidationError(_("The covenant of %(year)s already exists.") % {"year": emulation_year.year})
    fields.setdefault("title", _("Emulation covenant %(year)s") % {"year": emulation_year.year})
    covenant = Covenant(emulation_year=emulation_year, **fields)
    covenant.full_clean()
    set_change_reason(covenant, _("Covenant created"), user)
    covenant.save()
    Signatory.objects.bulk_create(
        [Signatory(covenant=covenant, province=m.province) for m in cluster_selectors.members_of(emulation_year)]
    )
    return covenant


def _ensure_draft(covenant):
    _ensure_open(covenant)
    if covenant.status == CovenantStatus.SIGNED:
        raise ValidationError(_("The covenant is signed: its text can no longer change."))


@transaction.atomic
def covenant_update(*, covenant, user=None, commitments=None, **fields):
    """Change the covenant's header and, when given, replace its ordered commitments
    (a list of (text, section or None))."""
    covenant = Covenant.objects.select_for_update().get(pk=covenant.pk)
    _ensure_draft(covenant)
    for name, value in fields.items():
        setattr(covenant, name, value)
    covenant.full_clean()
    set_change_reason(covenant, _("Covenant changed"), user)
    covenant.save()
    if commitments is not None:
        covenant.commitments.all().delete()
        Commitment.objects.bulk_create(
            [
                Commitment(covenant=covenant, order=i, text=text, section=section)
                for i, (text, section) in enumerate(commitments, start=1)
                if text.strip()
            ]
        )
    return covenant


@transaction.atomic
def signatory_update(*, signatory, user=None, representative, post, signed, signed_on, scan=None):
    """Record a member's representative and signature; the covenant becomes signed when
    every member has signed. A signature of a signed covenant cannot be withdrawn."""
    covenant = Covenant.objects.select_for_update().get(pk=signatory.covenant_id)
    _ensure_open(covenant)
    if covenant.status == CovenantStatus.SIGNED and not signed:
        raise ValidationError({"signed": _("The covenant is signed by every member: a signature cannot be withdrawn.")})
    errors = {}
    if signed and not covenant.commitments.exists():
        errors["signed"] = _("The covenant has no commitment yet: write its text before it is signed.")
    if signed and not representative.strip():
        errors["representative"] = _("Give the name of the representative who signed.")
    if signed and signed_on is None:
        errors["signed_on"] = _("Give the date of signing.")
    info = None
    if scan is not None:
        try:
            info = inspect_upload(scan, allowed=SCANS)
        except ValidationError as error:
            errors["scan"] = error.messages
    if errors:
        raise ValidationError(errors)
    signatory.representative, signatory.post = representative.strip(), post.strip()
    signatory.signed, signatory.signed_on = signed, signed_on if signed else None
    if info is not None:
        old = signatory.scan.name if signatory.scan else None
        scan.seek(0)
        signatory.scan.save(info.safe_name, scan, save=False)
        if old:
            storage = signatory.scan.storage
            transaction.on_commit(lambda: storage.delete(old))
    signatory.full_clean()
    set_change_reason(signatory, _("Signature recorded") if signed else _("Representative recorded"), user)
    signatory.save()
    covenant_refresh_status(covenant=covenant, user=user)
    return signatory


def covenant_refresh_status(*, covenant, user=None):
    """Signed iff every member has signed (set only here)."""
    rows = list(covenant.signatories.values_list("signed", flat=True))
    status = CovenantStatus.SIGNED if rows and all(rows) else CovenantStatus.DRAFT
    if status != covenant.status:
        covenant.status = status
        set_change_reason(
            covenant, _("Signed by every member") if status == CovenantStatus.SIGNED else _("Back to draft"), user
        )
        covenant.save(update_fields=["status"])
    return covenant
