"""At most one active certificate per province; an active certificate has its province."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("signatures", "0003_certificate_province_backfill")]

    operations = [
        migrations.AddConstraint(
            model_name="organisationcertificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)), fields=("province",), name="one_active_certificate_per_province"
            ),
        ),
        migrations.AddConstraint(
            model_name="organisationcertificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("active", False), ("province__isnull", False), _connector="OR"),
                name="active_certificate_has_province",
            ),
        ),
    ]
