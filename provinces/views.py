from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .models import Province


def province_list(request):
    provinces = Province.objects.select_related("successor").order_by("name")
    return render(request, "provinces/province_list.html", {"provinces": provinces})


def province_detail(request, code):
    province = selectors.province_with_history(code)
    if province is None:
        raise Http404(_("No province has this code."))
    return render(
        request,
        "provinces/province_detail.html",
        {"province": province, "memberships": selectors.province_memberships(province)},
    )
