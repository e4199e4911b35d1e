"""The Django admin is read-only for the domain: every change of a year goes through the services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

#: Reference data that stays editable in the Django admin.
EDITABLE = {"accounts.User", "provinces.Province", "awards.AwardType", "cluster.Cluster"}
DOMAIN_APPS = {"accounts", "provinces", "cluster", "scoring", "covenants", "awards", "reports", "archive"}
REGISTERED = [m for m in admin.site._registry.values() if m.model._meta.app_label in DOMAIN_APPS]


def test_every_domain_admin_is_checked_below():
    assert {m.model._meta.label for m in REGISTERED} >= {"cluster.EmulationYear", "scoring.Score"}


@pytest.mark.parametrize("model_admin", REGISTERED, ids=lambda m: m.model._meta.label)
def test_only_reference_data_is_editable_in_the_admin(model_admin, demo_user, demo):
    request = RequestFactory().get("/admin/")
    request.user = demo_user("admin")
    editable = model_admin.model._meta.label in EDITABLE
    assert model_admin.has_add_permission(request) is editable
    assert model_admin.has_change_permission(request) is editable
    assert model_admin.has_delete_permission(request) is editable
    for inline in model_admin.get_inline_instances(request):
        assert not inline.has_change_permission(request) and not inline.has_delete_permission(request)


def test_a_post_to_the_admin_changes_no_year(client, demo, demo_user):
    from cluster.models import EmulationYear

    year = EmulationYear.objects.get(year=2015)
    client.force_login(demo_user("admin"))
    url = reverse("admin:cluster_emulationyear_change", args=[year.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(url, {"cluster": year.cluster_id, "year": 2099})
    assert response.status_code == 403
    assert EmulationYear.objects.filter(year=2099).count() == 0
