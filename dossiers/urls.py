from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("nominations/<int:pk>/dossier/", views.dossier_detail, name="dossier"),
    path("nominations/<int:pk>/dossier/pack/", views.pack_download, name="pack"),
    path("dossier-papers/<int:pk>/", views.paper_download, name="paper"),
]
