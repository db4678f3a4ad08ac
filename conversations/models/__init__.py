from conversations.models.organisation import Membership, Partnership, StaffRole, Target, Team
from conversations.models.people import Person

__all__ = ["Membership", "Partnership", "Person", "StaffRole", "Target", "Team"]
