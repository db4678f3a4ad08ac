from conversations.views.home import home
from conversations.views.people import person_list

__all__ = ["home", "person_list"]
