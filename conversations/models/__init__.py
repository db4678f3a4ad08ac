from conversations.models.organisation import Membership, Partnership, StaffRole, Target, Team
from conversations.models.people import Person
from conversations.models.records import (
    Action,
    ActionOwner,
    Answer,
    AuditAction,
    AuditEvent,
    Conversation,
    ConversationStatus,
    ConversationType,
    Goal,
    InterviewerKind,
    MeasureAnswer,
    OutcomeRecord,
    OutcomeStatus,
)
from conversations.models.themes import Theme

__all__ = [
    "Action",
    "ActionOwner",
    "Answer",
    "AuditAction",
    "AuditEvent",
    "Conversation",
    "ConversationStatus",
    "ConversationType",
    "Goal",
    "InterviewerKind",
    "Membership",
    "MeasureAnswer",
    "OutcomeRecord",
    "OutcomeStatus",
    "Partnership",
    "Person",
    "StaffRole",
    "Target",
    "Team",
    "Theme",
]
