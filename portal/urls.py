"""The customer portal's pages, and one URL per action on a case (each a POST)."""

from django.urls import path

from portal.views import actions, case, cases, new_case, updates

app_name = "portal"

urlpatterns = [
    path("", cases.case_list, name="cases"),
    path("cases/new/", new_case.case_new, name="case_new"),
    path("cases/<slug:reference>/", case.case_page, name="case"),
    path("cases/<slug:reference>/reply/", actions.reply, name="reply"),
    path("cases/<slug:reference>/transitions/<slug:name>/", actions.transition, name="transition"),
    path("cases/<slug:reference>/delete/", actions.delete, name="delete"),
    path("cases/<slug:reference>/survey/", actions.survey, name="survey"),
    path("updates/", updates.update_list, name="updates"),
    path("updates/read/", updates.mark_all_read, name="mark_all_read"),
]
