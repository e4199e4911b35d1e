"""A signing certificate belongs to a province (the one whose documents it signs), no longer to
the cluster's chair of the moment: the field (filled by 0003, constrained by 0004; three
migrations, so that PostgreSQL adds the constraints after the rows are written)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cluster", "0007_header_people_committee_dossier_deadline"),
        ("provinces", "0002_province_code_unique_per_start_date"),
        ("signatures", "0001_signed_copies_and_certificates"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="organisationcertificate",
            name="one_active_certificate_per_cluster",
        ),
        migrations.AddField(
            model_name="organisationcertificate",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="signing_certificates",
                to="provinces.province",
                verbose_name="province",
            ),
        ),
    ]
