from django.urls import path

from console.reconciliation import views_matching

urlpatterns = [
    path("<str:entity_code>/matching/", views_matching.matching_page, name="matching-page"),
    path("<str:entity_code>/matching/matched/", views_matching.matched_list, name="matching-matched"),
    path("<str:entity_code>/matching/unmatched/", views_matching.unmatched_list, name="matching-unmatched"),
    path("<str:entity_code>/matching/rules/new/", views_matching.rule_new, name="matching-rule-new"),
    path("<str:entity_code>/matching/rules/<int:rule_id>/", views_matching.rule_edit, name="matching-rule-edit"),
    path("<str:entity_code>/matching/run/", views_matching.run_now, name="matching-run"),
]
