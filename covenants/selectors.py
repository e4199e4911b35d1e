from django.db.models import Prefetch

from .models import Commitment, Covenant, Signatory


def covenant_of_year(emulation_year):
    return (
        Covenant.objects.filter(emulation_year=emulation_year)
        .select_related("host_province", "emulation_year__cluster")
        .prefetch_related(
            Prefetch("commitments", queryset=Commitment.objects.select_related("section")),
            Prefetch("signatories", queryset=Signatory.objects.select_related("province").order_by("province__name")),
        )
        .first()
    )
