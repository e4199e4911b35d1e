"""The data migration that makes people of the names typed before people were kept."""

import importlib

from django.apps import apps

from awards.models import Delegate, ReviewMeeting
from cluster.models import Person
from covenants.models import Signatory

migration = importlib.import_module("awards.migrations.0007_people_from_typed_names")


def test_typed_names_become_the_years_people_and_each_record_is_linked_to_its_person(full_demo):
    # As before people were kept: the typed names only.
    Delegate.objects.update(person=None)
    Signatory.objects.update(person=None)
    ReviewMeeting.objects.update(presiding_person=None, secretary_person=None)
    Person.objects.all().delete()

    migration.forward(apps, None)
    meeting = ReviewMeeting.objects.get(emulation_year__year=2014)
    people_2014 = {
        (p.province.name if p.province else None, p.full_name) for p in Person.objects.filter(emulation_year__year=2014)
    }
    assert people_2014 == {
        ("Bắc Giang", "Nguyễn Văn An"),
        ("Bắc Kạn", "Trần Thị Bình"),
        ("Hòa Bình", "Lê Văn Cường"),
        ("Phú Thọ", "Chu Ngọc Anh"),  # a delegate and the presiding person: one person
        ("Phú Thọ", "Lê Thị Minh Thu"),  # the secretary, of the host province
        ("Thái Nguyên", "Phạm Thị Dung"),
        ("Tuyên Quang", "Hoàng Văn Đức"),
        ("Yên Bái", "Vũ Thị Giang"),
        (None, "Trần Thị Hà"),  # the guest, a central delegate
    }
    assert (
        meeting.presiding_person == Delegate.objects.get(delegation__meeting=meeting, full_name="Chu Ngọc Anh").person
    )
    assert meeting.secretary_person.post == "Chuyên viên Ban Thi đua - Khen thưởng tỉnh Phú Thọ"
    assert not Delegate.objects.filter(person=None).exists()
    signed = Signatory.objects.select_related("person").get(covenant__emulation_year__year=2015, province__code="24")
    assert (signed.person.full_name, signed.person.emulation_year.year) == ("Nguyễn Văn An", 2015)
    # Run again: nothing new.
    count = Person.objects.count()
    migration.forward(apps, None)
    assert Person.objects.count() == count
    migration.reverse(apps, None)
    assert not Signatory.objects.exclude(person=None).exists()
