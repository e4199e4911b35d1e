from django.urls import path

from . import people, views

app_name = "cluster"

urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<int:cluster_id>/years/", views.year_select, name="year_select"),
    path("clusters/<int:cluster_id>/years/<int:year>/", views.DashboardView.as_view(), name="dashboard"),
    path("clusters/<int:cluster_id>/years/<int:year>/term/", views.TermView.as_view(), name="term"),
    path("clusters/<int:cluster_id>/years/<int:year>/calendar/", views.CalendarView.as_view(), name="calendar"),
    path("clusters/<int:cluster_id>/years/<int:year>/rules/", views.RuleSetView.as_view(), name="rule_set"),
    path("clusters/<int:cluster_id>/years/<int:year>/members/", views.MembersView.as_view(), name="members"),
    path("clusters/<int:cluster_id>/years/<int:year>/people/", people.PeopleView.as_view(), name="people"),
    path("clusters/mine/<slug:page>/", views.my_cluster, name="my_cluster"),
    path("clusters/<int:cluster_id>/history/", views.HistoryView.as_view(), name="history"),
    path("clusters/<int:cluster_id>/rotation/", views.RotationView.as_view(), name="rotation"),
    path("clusters/<int:cluster_id>/settings/", views.ClusterSettingsView.as_view(), name="settings"),
]
