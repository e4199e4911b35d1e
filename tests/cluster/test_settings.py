import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cluster import services
from cluster.models import Cluster


def test_an_admin_sets_how_documents_are_headed(demo, demo_user, client):
    cluster = Cluster.objects.get()
    url = reverse("cluster:settings", args=[cluster.pk])
    client.force_login(demo_user("admin"))
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": cluster.name, "short_name": "", "header_people_committee": "on", "signature_people_committee": ""}
    )
    assert response.status_code == 302
    cluster.refresh_from_db()
    assert cluster.header_people_committee and not cluster.signature_people_committee


def test_a_blank_name_is_refused_next_to_the_field_and_nothing_changes(demo, demo_user, client):
    cluster = Cluster.objects.get()
    client.force_login(demo_user("admin"))
    response = client.post(
        reverse("cluster:settings", args=[cluster.pk]), {"name": " ", "header_people_committee": "on"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    cluster.refresh_from_db()
    assert cluster.name and not cluster.header_people_committee


def test_only_admins_change_the_settings(demo, demo_user, client):
    cluster = Cluster.objects.get()
    client.force_login(demo_user("phutho"))
    assert client.get(reverse("cluster:settings", args=[cluster.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.cluster_settings_update(
            cluster=cluster,
            user=demo_user("phutho"),
            name="X",
            header_people_committee=True,
            signature_people_committee=True,
        )
    assert Cluster.objects.get().name != "X"
