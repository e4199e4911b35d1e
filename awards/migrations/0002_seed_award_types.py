from django.db import migrations

SEEDED = [
    ("flag", "Cờ thi đua của Chính phủ", 1),
    ("certificate", "Bằng khen của Thủ tướng Chính phủ", 2),
]


def seed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    for code, name, order in SEEDED:
        AwardType.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    # awards.services.award_types_ensure repeats this for databases flushed after migrating.


def unseed(apps, schema_editor):
    AwardType = apps.get_model("awards", "AwardType")
    AwardType.objects.filter(code__in=[code for code, _name, _order in SEEDED], nominations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
