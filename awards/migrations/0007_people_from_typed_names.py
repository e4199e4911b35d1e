"""The people of each year from the names typed before people were kept: delegates, guests
(central delegates), presiding persons and secretaries (the host province's), covenant
representatives. Each record is linked to its person; its own copy of the name stays."""

from django.db import migrations


def _name(text):
    return " ".join((text or "").split())[:150]


def forward(apps, schema_editor):
    Person = apps.get_model("cluster", "Person")
    Delegate = apps.get_model("awards", "Delegate")
    Guest = apps.get_model("awards", "Guest")
    ReviewMeeting = apps.get_model("awards", "ReviewMeeting")
    Signatory = apps.get_model("covenants", "Signatory")
    people = {(p.emulation_year_id, p.province_id, p.full_name): p for p in Person.objects.all()}
    orders = {}
    for p in people.values():
        key = (p.emulation_year_id, p.province_id)
        orders[key] = max(orders.get(key, 0), p.order)

    def person(year_id, province_id, full_name, post):
        full_name = _name(full_name)
        if not full_name:
            return None
        key = (year_id, province_id, full_name)
        if key not in people:
            orders[key[:2]] = orders.get(key[:2], 0) + 1
            people[key] = Person.objects.create(
                emulation_year_id=year_id,
                province_id=province_id,
                full_name=full_name,
                post=_name(post)[:200],
                order=orders[key[:2]],
            )
        return people[key]

    for delegate in Delegate.objects.filter(person__isnull=True).select_related("delegation__meeting").order_by("pk"):
        found = person(
            delegate.delegation.meeting.emulation_year_id, delegate.delegation.province_id, delegate.full_name, delegate.post
        )
        if found is not None:
            Delegate.objects.filter(pk=delegate.pk).update(person=found)
    for guest in Guest.objects.select_related("meeting").order_by("pk"):
        person(guest.meeting.emulation_year_id, None, guest.full_name, guest.post)
    for meeting in ReviewMeeting.objects.order_by("pk"):
        changes = {}
        for role in ("presiding", "secretary"):
            if getattr(meeting, f"{role}_person_id") is None:
                found = person(
                    meeting.emulation_year_id,
                    meeting.host_province_id,
                    getattr(meeting, f"{role}_name"),
                    getattr(meeting, f"{role}_post"),
                )
                if found is not None:
                    changes[f"{role}_person"] = found
        if changes:
            ReviewMeeting.objects.filter(pk=meeting.pk).update(**changes)
    for signatory in Signatory.objects.filter(person__isnull=True).select_related("covenant").order_by("pk"):
        found = person(signatory.covenant.emulation_year_id, signatory.province_id, signatory.representative, signatory.post)
        if found is not None:
            Signatory.objects.filter(pk=signatory.pk).update(person=found)


def reverse(apps, schema_editor):
    """The links go; the people stay (the schema migration before removes them with their table)."""
    apps.get_model("awards", "Delegate").objects.update(person=None)
    apps.get_model("awards", "ReviewMeeting").objects.update(presiding_person=None, secretary_person=None)
    apps.get_model("covenants", "Signatory").objects.update(person=None)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0006_counting_committee_and_people"),
        ("cluster", "0008_person"),
        ("covenants", "0003_signatory_person"),
    ]

    operations = [migrations.RunPython(forward, reverse)]
