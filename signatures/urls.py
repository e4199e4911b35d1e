from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("documents/<int:pk>/signed-copies/upload/", views.signed_copy_upload, name="upload"),
    path("documents/<int:pk>/signed-copies/sign/", views.report_sign, name="sign"),
    path("signed-copies/<int:pk>/download/", views.signed_copy_download, name="download"),
    path("clusters/<int:cluster_id>/certificates/", views.certificates, name="certificates"),
    path("certificates/<int:pk>/deactivate/", views.certificate_deactivate, name="deactivate"),
]
