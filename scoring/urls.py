from django.urls import path

from . import views, views_evidence, views_excel, views_explanation, views_history, views_peer

app_name = "scoring"

year = "clusters/<int:cluster_id>/years/<int:year>/"

urlpatterns = [
    path(f"{year}scorecards/", views.ScorecardListView.as_view(), name="scorecards"),
    path(f"{year}scorecards/mine/", views.ScorecardOpenOwnView.as_view(), name="scorecard_open_own"),
    path(f"{year}scoreboard/", views.ScoreboardView.as_view(), name="scoreboard"),
    path(f"{year}scoreboard/lock/", views.ScoreboardLockView.as_view(), name="scoreboard_lock"),
    path(f"{year}criteria/", views.CriteriaView.as_view(), name="criteria"),
    path(f"{year}criteria/sections/new/", views.SectionEditView.as_view(), name="section_new"),
    path(f"{year}criteria/sections/<int:pk>/", views.SectionEditView.as_view(), name="section_edit"),
    path(f"{year}criteria/new/", views.CriterionEditView.as_view(), name="criterion_new"),
    path(f"{year}criteria/<int:pk>/", views.CriterionEditView.as_view(), name="criterion_edit"),
    path(f"{year}cross-scoring/", views_peer.CrossScoringView.as_view(), name="cross_scoring"),
    path(f"{year}cross-scoring/pairs/", views_peer.PeerPairsView.as_view(), name="peer_pairs"),
    path("scorecards/<int:pk>/", views.ScorecardView.as_view(), name="scorecard"),
    path("scorecards/<int:pk>/cross-scoring/", views_peer.PeerReviewView.as_view(), name="peer_review"),
    path("scorecards/<int:pk>/cross-scoring/submit/", views_peer.PeerSubmitView.as_view(), name="peer_submit"),
    path("scorecards/<int:pk>/cross-scores/", views_peer.PeerResultsView.as_view(), name="peer_results"),
    path("scorecards/<int:pk>/cross-scores/agree/", views_peer.PeerAggregateView.as_view(), name="peer_aggregate"),
    path("scorecards/<int:pk>/cross-check/", views.CrossCheckView.as_view(), name="cross_check"),
    path(
        "scorecards/<int:pk>/submit/",
        views.ScorecardActionView.as_view(),
        {"action": "submit"},
        name="scorecard_submit",
    ),
    path(
        "scorecards/<int:pk>/return/",
        views.ScorecardActionView.as_view(),
        {"action": "return"},
        name="scorecard_return",
    ),
    path(
        "scorecards/<int:pk>/criteria/<int:criterion_id>/explanation/",
        views_explanation.ScoreExplainView.as_view(),
        name="score_explain",
    ),
    path(
        "scorecards/<int:pk>/criteria/<int:criterion_id>/explanation/read/",
        views_explanation.ExplanationReadView.as_view(),
        name="explanation_read",
    ),
    path("evidence/<int:pk>/", views_evidence.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views_evidence.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/preview/", views_evidence.evidence_preview, name="evidence_preview"),
    path(
        "scorecards/<int:pk>/criteria/<int:criterion_id>/evidence/",
        views_evidence.evidence_upload,
        name="evidence_upload",
    ),
    path("provinces/<str:code>/results/", views.province_results, name="province_results"),
    path("scorecards/<int:pk>/history/", views_history.ScorecardHistoryView.as_view(), name="scorecard_history"),
    path(f"{year}scoreboard.xlsx", views_excel.ScoreboardExcelView.as_view(), name="scoreboard_xlsx"),
    path(f"{year}scoreboard-detail.xlsx", views_excel.ScoreDetailExcelView.as_view(), name="scoreboard_detail_xlsx"),
    path("scorecards/<int:pk>/export.xlsx", views_excel.scorecard_xlsx, name="scorecard_xlsx"),
    path("scorecards/<int:pk>/import/", views_excel.ScorecardImportView.as_view(), name="scorecard_import"),
]
