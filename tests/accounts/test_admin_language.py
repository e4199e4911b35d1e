"""The Django admin that remains is in Vietnamese: Django's own words (it ships them) and ours
(the site's titles, every app's and model's name, the columns and filters of every list)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def in_both(text):
    with translation.override("en"):
        english = str(text)
    with translation.override("vi"):
        return english, str(text)


def column_labels(model, model_admin):
    """The names of the model fields shown as list columns and filters."""
    names = [*model_admin.list_display, *(f for f in model_admin.list_filter if isinstance(f, str))]
    labels = []
    for name in names:
        try:
            labels.append(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return labels


@pytest.fixture
def admin_client(client, demo_2014, demo_user):
    """Signed in as an admin, with rows in most lists (a list without rows shows no columns)."""
    from accounts.models import AccountEvent

    AccountEvent.objects.create(user=demo_user("backan"), actor=demo_user("admin"), kind=AccountEvent.Kind.CREATED)
    client.force_login(demo_user("admin"))
    return client


def test_the_index_names_every_app_and_model_in_vietnamese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert '<html lang="vi"' in page
    for text in (admin.site.site_header, admin.site.index_title):
        english, vietnamese = in_both(text)
        assert english != vietnamese and vietnamese in page and english not in page
    assert "Đăng xuất" in page or "Thoát" in page  # Django's own admin, in Vietnamese
    untranslated = []
    for model, _model_admin in REGISTERED:
        for text in (apps.get_app_config(model._meta.app_label).verbose_name, model._meta.verbose_name_plural):
            english, vietnamese = in_both(text)
            if english == vietnamese or capfirst(vietnamese) not in page:
                untranslated.append(f"{model._meta.label}: {english}")
    assert not untranslated


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _a in REGISTERED])
def test_every_list_has_vietnamese_columns(admin_client, model, model_admin):
    opts = model._meta
    page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).content.decode()
    assert page.count('<html lang="vi"') == 1
    shown = model._default_manager.exists()  # an empty list shows no columns
    untranslated = []
    for label in column_labels(model, model_admin):
        english, vietnamese = in_both(label)
        if english.lower() == vietnamese.lower() and english.upper() != english:  # "ID" stays "ID"
            untranslated.append(english)
        elif shown and capfirst(vietnamese) not in page and vietnamese not in page:
            untranslated.append(f"{english} (not shown)")
    assert not untranslated


def test_a_user_s_page_in_vietnamese(admin_client, demo_user):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[demo_user("backan").pk])).content.decode()
    for text in (gettext_lazy("Cluster"), gettext_lazy("full name"), gettext_lazy("province")):
        english, vietnamese = in_both(text)
        assert english != vietnamese and capfirst(vietnamese) in page
    assert "Tên đăng nhập" in page and "Cán bộ thi đua Bắc Kạn" in page
