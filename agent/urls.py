"""The agent workspace's pages (/agent/), and one URL per action (each a POST)."""

from django.urls import path

from agent.views import (
    actions,
    case,
    lists,
    lookups,
    mail,
    new_case,
    overview,
    presence,
    releases,
    saved_replies,
    search,
    updates,
)

app_name = "agent"

urlpatterns = [
    path("", lists.case_list, name="cases"),
    path("cases/", lists.case_list, name="case_list"),
    path("cases/bulk/", lists.bulk, name="bulk"),
    path("cases/new/", new_case.case_new, name="case_new"),
    path("search/", search.search, name="search"),
    path("people/", lookups.people, name="people_lookup"),
    path("organizations/", lookups.organizations, name="organization_lookup"),
    path("cases/<slug:reference>/", case.case_page, name="case"),
    path("cases/<slug:reference>/reply/", actions.reply, name="reply"),
    path("cases/<slug:reference>/transitions/<slug:name>/", actions.transition, name="transition"),
    path("cases/<slug:reference>/properties/", actions.properties, name="properties"),
    path("cases/<slug:reference>/delete/", actions.delete, name="delete"),
    path("cases/<slug:reference>/presence/", presence.presence, name="presence"),
    path("saved-replies/", saved_replies.saved_reply_list, name="saved_replies"),
    path("saved-replies/<int:pk>/", saved_replies.saved_reply_edit, name="saved_reply_edit"),
    path(
        "saved-replies/<int:pk>/delete/",
        saved_replies.saved_reply_remove,
        name="saved_reply_delete",
    ),
    path("releases/", releases.release_list, name="releases"),
    path("releases/<int:pk>/", releases.release_page, name="release"),
    path("releases/<int:pk>/cases/", releases.release_add_case, name="release_add_case"),
    path("releases/<int:pk>/deliver/", releases.release_deliver, name="release_deliver"),
    path("overview/", overview.overview, name="overview"),
    path("mail/", mail.mail_list, name="mail"),
    path("mail/<int:pk>/", mail.mail_message, name="mail_message"),
    path("mail/<int:pk>/onto-case/", mail.release_onto_case, name="mail_onto_case"),
    path("mail/<int:pk>/new-case/", mail.release_as_new_case, name="mail_new_case"),
    path("mail/<int:pk>/discard/", mail.discard, name="mail_discard"),
    path("mail/<int:pk>/original/", mail.original, name="mail_original"),
    path("mail/<int:pk>/files/<int:index>/<path:filename>", mail.mail_file, name="mail_file"),
    path("updates/", updates.update_list, name="updates"),
    path("updates/read/", updates.mark_all_read, name="mark_all_read"),
]
