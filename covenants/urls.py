from django.urls import path

from . import views

app_name = "covenants"

urlpatterns = [
    path("clusters/<int:cluster_id>/years/<int:year>/covenant/", views.CovenantView.as_view(), name="covenant"),
    path(
        "clusters/<int:cluster_id>/years/<int:year>/covenant/edit/",
        views.CovenantEditView.as_view(),
        name="covenant_edit",
    ),
    path("covenants/signatories/<int:pk>/", views.signatory_edit, name="signatory_edit"),
    path("covenants/signatories/<int:pk>/scan/", views.signatory_scan, name="signatory_scan"),
]
