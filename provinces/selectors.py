import datetime

from django.db.models import Q

from .models import Province


def provinces_valid_in(year):
    """Provinces that existed on at least one day of `year`."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Province.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last),
        Q(valid_to__isnull=True) | Q(valid_to__gte=first),
    ).order_by("name")


def province_with_history(code):
    """The province with this code: the current one if the code was reused, else the latest."""
    from django.db.models import F

    return (
        Province.objects.select_related("successor")
        .prefetch_related("predecessors")
        .filter(code=code)
        .order_by(F("valid_to").desc(nulls_first=True), F("valid_from").desc(nulls_last=True))
        .first()
    )


def province_memberships(province):
    """The province's membership of clusters, year by year (newest first).

    Read through the reverse relation so this leaf app imports no other app.
    """
    return province.memberships.select_related("emulation_year__cluster").order_by("-year")
