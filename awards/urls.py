from django.urls import path

from . import views, views_electronic, views_screen

app_name = "awards"

year = "clusters/<int:cluster_id>/years/<int:year>/meeting/"

urlpatterns = [
    path(year, views.ConsoleView.as_view(), name="console"),
    path(f"{year}edit/", views.MeetingEditView.as_view(), name="meeting_edit"),
    path(f"{year}attendance/", views.AttendanceView.as_view(), name="attendance"),
    path(f"{year}committee/", views.CommitteeView.as_view(), name="committee"),
    path(f"{year}ranking/", views.RankingAdoptView.as_view(), name="ranking_adopt"),
    path(f"{year}nominations/", views.NominationsView.as_view(), name="nominations"),
    path(f"{year}ballot/<slug:award>/", views.BallotView.as_view(), name="ballot"),
    path(f"{year}term/", views.NextTermView.as_view(), name="next_term"),
    path(f"{year}close/", views.CloseYearView.as_view(), name="close_year"),
    path(f"{year}reopen/", views.ReopenYearView.as_view(), name="reopen_year"),
    path("nominations/<int:pk>/decision/", views.decision_edit, name="decision"),
    path(f"{year}screen-link/", views_screen.ScreenLinkView.as_view(), name="screen_link"),
    path(f"{year}checkin-sheet/", views_screen.CheckinSheetView.as_view(), name="checkin_sheet"),
    path(f"{year}checkin-live/", views_screen.ConsoleAttendanceView.as_view(), name="checkin_live"),
    path("screen/<str:token>/", views_screen.screen, name="screen"),
    path("screen/<str:token>/state/", views_screen.screen_state, name="screen_state"),
    path("checkin/", views_screen.CheckinView.as_view(), name="checkin"),
    path(f"{year}electronic/<slug:award>/", views_electronic.ElectronicBallotView.as_view(), name="electronic"),
    path("vote/", views_electronic.VoteView.as_view(), name="vote"),
]
