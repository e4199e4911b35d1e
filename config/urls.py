from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from accounts.forms import LoginForm

from .views import healthz

admin.site.site_header = _("Emulation cluster – administration")
admin.site.site_title = _("Emulation cluster")
admin.site.index_title = _("Data of the cluster")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("provinces/", include("provinces.urls")),
    path("", include("scoring.urls")),
    path("", include("covenants.urls")),
    path("", include("awards.urls")),
    path("", include("reports.urls")),
    path("", include("signatures.urls")),
    path("", include("dossiers.urls")),
    path("", include("search.urls")),
    path("", include("notifications.urls")),
    path("", include("cluster.urls")),
]
