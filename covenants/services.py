"""State changes of covenants. A covenant is signed once every member has signed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cluster import selectors as cluster_selectors
from cluster.services import person_save, year_ensure_open
from common.history import set_change_reason
from common.uploads import SCANS, inspect_upload

from .models import Commitment, Covenant, CovenantStatus, ReplacedScan, Signatory


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
    if covenant.signatories.filter(signed=True).exists():
        raise ValidationError(
            _("Members have already signed this text: it can no longer change (an admin can correct a signature).")
        )


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


def _representative(*, signatory, covenant, user, person, representative, post):
    """The person who signs for the row's member: the one picked among the year's people of that
    province, or, for a name typed instead, that person found or added to the year's people once
    (`cluster.services.person_save`). Returns (person or None, errors)."""
    emulation_year = covenant.emulation_year
    if person is not None:
        if person.emulation_year_id != emulation_year.pk or person.province_id != signatory.province_id:
            return None, {
                "person": _("%(name)s is not among the people of %(province)s in %(year)s.")
                % {"name": person.full_name, "province": signatory.province, "year": emulation_year.year}
            }
        return person, {}
    name = " ".join((representative or "").split())
    if not name:
        return None, {}
    found = cluster_selectors.people_of(emulation_year, signatory.province_id).filter(full_name=name).first()
    if found is not None:
        return found, {}
    try:
        return person_save(
            emulation_year=emulation_year, user=user, province=signatory.province, full_name=name, post=post
        ), {}
    except ValidationError as error:
        return None, {"representative": error.messages}


def _signatory_write(
    *, signatory, covenant, user, reason, signed, signed_on, person=None, representative="", post="", scan=None
):
    picked = person is not None
    person, errors = _representative(
        signatory=signatory, covenant=covenant, user=user, person=person, representative=representative, post=post
    )
    if person is not None:
        # A picked person brings their post; a name typed with a post keeps that post on this row.
        typed_post = (post or "").strip()
        representative = person.full_name
        post = typed_post if typed_post and not picked else person.post
        authority = person.authority
    else:
        authority = ""
    if signed and not covenant.commitments.exists():
        errors["signed"] = _("The covenant has no commitment yet: write its text before it is signed.")
    if signed and not (representative or "").strip() and "representative" not in errors and "person" not in errors:
        errors["representative"] = _("Give the name of the representative who signed.")
    if signed and signed_on is None:
        errors["signed_on"] = _("Give the date of signing.")
    info = None
    if scan:  # a file (a ticked "clear" box gives False: the scan is kept, never deleted)
        try:
            info = inspect_upload(scan, allowed=SCANS)
        except ValidationError as error:
            errors["scan"] = error.messages
    if errors:
        raise ValidationError(errors)
    # A copy of the person's name, post and authority: a signed row keeps them whatever the person becomes.
    signatory.person, signatory.authority = person, authority
    signatory.representative, signatory.post = (representative or "").strip(), (post or "").strip()
    signatory.signed, signatory.signed_on = signed, signed_on if signed else None
    if info is not None and scan:
        if signatory.scan:
            # The scan it replaces is kept, with who replaced it and why.
            ReplacedScan.objects.create(signatory=signatory, scan=signatory.scan.name, replaced_by=user, reason=reason)
        scan.seek(0)
        signatory.scan.save(info.safe_name, scan, save=False)
    signatory.full_clean()
    set_change_reason(signatory, reason or (_("Signature recorded") if signed else _("Representative recorded")), user)
    signatory.save()
    covenant_refresh_status(covenant=covenant, user=user)
    return signatory


def _locked_row(signatory):
    """The covenant and the row, re-read under lock, in an open year."""
    covenant = Covenant.objects.select_for_update().get(pk=signatory.covenant_id)
    _ensure_open(covenant)
    return covenant, Signatory.objects.select_for_update().get(pk=signatory.pk)


@transaction.atomic
def signatory_update(*, signatory, user, **fields):
    """A member records its own representative and signature (`fields`: person, a person of the
    year of that province, or a representative's name and post typed once, then kept among the
    year's people; signed, signed_on, scan); the covenant becomes signed when every member has signed. Only the
    member's own staff write its row, and a signed row no longer changes (an admin corrects it
    with `signatory_correct`)."""
    covenant, signatory = _locked_row(signatory)
    if user is None or user.province_id != signatory.province_id:
        raise ValidationError(
            _("Only the staff of %(province)s record its signature.") % {"province": signatory.province}
        )
    if signatory.signed:
        raise ValidationError(
            _("This signature is recorded and can no longer change; an admin can correct it, giving the reason.")
        )
    return _signatory_write(signatory=signatory, covenant=covenant, user=user, reason="", **fields)


@transaction.atomic
def signatory_correct(*, signatory, user, reason, **fields):
    """An admin corrects a member's signature row, signed or not, giving the reason (kept in the
    row's history; a replaced scan is kept). `fields` as for `signatory_update`."""
    if user is None or not user.is_superuser:
        raise ValidationError(_("Only an admin corrects a recorded signature."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the signature is corrected.")})
    covenant, signatory = _locked_row(signatory)
    return _signatory_write(signatory=signatory, covenant=covenant, user=user, reason=reason, **fields)


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
