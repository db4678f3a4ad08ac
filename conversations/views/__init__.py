from conversations.views.audit import person_access
from conversations.views.data_protection import (
    person_subject_access,
    person_subject_access_json,
)
from conversations.views.home import home
from conversations.views.people import (
    person_create,
    person_detail,
    person_edit,
    person_list,
    person_summary,
)
from conversations.views.recording import (
    conversation_autosave,
    conversation_complete,
    conversation_detail,
    conversation_history,
    conversation_record,
    conversation_reopen,
    conversation_start,
)
from conversations.views.themes import (
    codebook,
    codebook_adopt,
    theme_create,
    theme_edit,
    theme_retire,
    words_code,
)

__all__ = [
    "codebook",
    "codebook_adopt",
    "theme_create",
    "theme_edit",
    "theme_retire",
    "words_code",
    "person_access",
    "conversation_autosave",
    "conversation_complete",
    "conversation_detail",
    "conversation_history",
    "conversation_record",
    "conversation_reopen",
    "conversation_start",
    "home",
    "person_create",
    "person_detail",
    "person_edit",
    "person_list",
    "person_subject_access",
    "person_subject_access_json",
    "person_summary",
]
