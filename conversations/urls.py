from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("themes/", views.codebook, name="codebook"),
    path("themes/adopt/", views.codebook_adopt, name="codebook-adopt"),
    path("themes/new/", views.theme_create, name="theme-create"),
    path("themes/<int:pk>/edit/", views.theme_edit, name="theme-edit"),
    path("themes/<int:pk>/retire/", views.theme_retire, name="theme-retire"),
    path("themes/code/", views.words_code, name="words-code"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/summary/", views.person_summary, name="person-summary"),
    path("people/<int:pk>/access/", views.person_access, name="person-access"),
    path(
        "people/<int:pk>/subject-access/",
        views.person_subject_access,
        name="person-subject-access",
    ),
    path(
        "people/<int:pk>/subject-access.json",
        views.person_subject_access_json,
        name="person-subject-access-json",
    ),
    path(
        "people/<int:person_pk>/conversations/new/",
        views.conversation_start,
        name="conversation-start",
    ),
    path("conversations/<int:pk>/", views.conversation_detail, name="conversation-detail"),
    path("conversations/<int:pk>/record/", views.conversation_record, name="conversation-record"),
    path(
        "conversations/<int:pk>/autosave/",
        views.conversation_autosave,
        name="conversation-autosave",
    ),
    path(
        "conversations/<int:pk>/sign-off/",
        views.conversation_complete,
        name="conversation-complete",
    ),
    path("conversations/<int:pk>/reopen/", views.conversation_reopen, name="conversation-reopen"),
    path(
        "conversations/<int:pk>/history/",
        views.conversation_history,
        name="conversation-history",
    ),
]
