"""A signing certificate belongs to a province (the one whose documents it signs), no longer to
the cluster's chair of the moment. Existing certificates take the province of whoever stored
them; one stored by an admin, the province chairing the cluster's latest confirmed year then.
A province keeps at most one active certificate (its newest); a certificate whose province
cannot be told is kept inactive."""

from django.db import migrations


def backfill_province(apps, schema_editor):
    Certificate = apps.get_model("signatures", "OrganisationCertificate")
    EmulationYear = apps.get_model("cluster", "EmulationYear")
    Membership = apps.get_model("cluster", "Membership")
    chairs = {}
    for certificate in Certificate.objects.select_related("uploaded_by").order_by("-created_at", "-pk"):
        province_id = certificate.uploaded_by.province_id if certificate.uploaded_by_id else None
        if province_id is None:
            if certificate.cluster_id not in chairs:
                year = (
                    EmulationYear.objects.filter(cluster_id=certificate.cluster_id, term_confirmed_at__isnull=False)
                    .order_by("-year")
                    .first()
                )
                chairs[certificate.cluster_id] = (
                    Membership.objects.filter(emulation_year=year, role="chair")
                    .values_list("province_id", flat=True)
                    .first()
                    if year
                    else None
                )
            province_id = chairs[certificate.cluster_id]
        certificate.province_id = province_id
        if province_id is None:
            certificate.active = False
        certificate.save(update_fields=["province", "active"])
    seen = set()
    for certificate in Certificate.objects.filter(active=True).order_by("-created_at", "-pk"):
        if certificate.province_id in seen:
            certificate.active = False
            certificate.save(update_fields=["active"])
        seen.add(certificate.province_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cluster", "0007_header_people_committee_dossier_deadline"),
        ("signatures", "0002_certificate_province"),
    ]

    operations = [migrations.RunPython(backfill_province, migrations.RunPython.noop)]
