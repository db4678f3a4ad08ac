from conversations.views.home import home
from conversations.views.people import person_create, person_detail, person_edit, person_list

__all__ = ["home", "person_create", "person_detail", "person_edit", "person_list"]
