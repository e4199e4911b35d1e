from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("clusters/<int:cluster_id>/years/<int:year>/documents/", views.DocumentsView.as_view(), name="documents"),
    path(
        "clusters/<int:cluster_id>/years/<int:year>/documents/<slug:kind>/texts/",
        views.DocumentTextsView.as_view(),
        name="texts",
    ),
    path("documents/<int:pk>/", views.report_detail, name="report"),
    path("documents/<int:pk>/download/", views.report_download, name="download"),
]
