"""Demo people modelled on the case studies in the source documents: Bob and his wife Nan,
Margaret and her brother, James, Tariq and his wife, and Mr A and his son.

The facts follow the case studies (seed 002's appendix one and its Tariq scenario); the words
are written for this project. Mr A and his son are named in the issue but not described in the
source documents, so their story is kept plain: an older man at home, and the son who looks in.

Unlike the generated caseload (``stories``), each story here is written out conversation by
conversation, with the themes coded, the kinds of help, the barriers, actions with their owners
and who answered. Dates count back from ``today``, so the stories always sit inside the demo's
eight quarters and every conversation is signed off before today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from conversations.demo.narratives import SKILLS_GOALS
from conversations.demo.stories import DEMO_ID_PREFIX, _review_due

PARTNERSHIP = "LOCHARD"


@dataclass(frozen=True)
class CaseStudyPerson:
    """A person (or carer) from the case studies, as ``seed_organisation`` creates them.
    ``team`` holds their conversations: Carer Support talks with Nan and with Tariq's wife,
    while Margaret's and Mr A's own teams talk with the brother and the son who help them."""

    ref: str
    name: str
    age: int
    team: str
    client_group: str
    cares_for: str | None = None
    # What a visitor to the demo sees on their pages (the README lists these).
    shows: str = ""


# Bob is the North team's first person: the demo's person with two goals under one outcome.
BOB = "N-0001"
MARGARET = "LD-0101"
JAMES = "MH-0101"
TARIQ = "N-0101"
MR_A = "S-0101"

CASE_STUDY_PEOPLE: tuple[CaseStudyPerson, ...] = (
    CaseStudyPerson(
        BOB,
        "Bob Moffat",
        78,
        "LOCHARD-N",
        "older_people",
        shows="two goals under improved skills (the computer, the family banking); Nan beside him",
    ),
    CaseStudyPerson(
        "CS-0101",
        "Nan Moffat",
        76,
        "LOCHARD-CS",
        "carer_support",
        cares_for=BOB,
        shows="a carer's conversation about Bob, shown on his page",
    ),
    CaseStudyPerson(
        MARGARET,
        "Margaret Guthrie",
        61,
        "LOCHARD-LD",
        "learning_disability",
        shows="answered with support (her brother helped her say what she wanted)",
    ),
    CaseStudyPerson(
        "CS-0102",
        "Ian Guthrie",
        58,
        "LOCHARD-LD",
        "carer_support",
        cares_for=MARGARET,
        shows="a brother's view beside Margaret's",
    ),
    CaseStudyPerson(
        JAMES,
        "James Rennie",
        61,
        "LOCHARD-MH",
        "substance_use",
        shows="a move to sheltered housing over a year; safety, money and drink",
    ),
    CaseStudyPerson(
        TARIQ,
        "Tariq Hussain",
        70,
        "LOCHARD-N",
        "older_people",
        shows="conversations held in Punjabi through an interpreter; his wife's view of a status",
    ),
    CaseStudyPerson(
        "CS-0103",
        "Nasreen Hussain",
        66,
        "LOCHARD-CS",
        "carer_support",
        cares_for=TARIQ,
        shows="a carer who speaks only Punjabi, with an interpreter",
    ),
    CaseStudyPerson(
        MR_A,
        "Archie Allan",
        84,
        "LOCHARD-S",
        "older_people",
        shows="a review answered by someone else: his son",
    ),
    CaseStudyPerson(
        "CS-0104",
        "Douglas Allan",
        55,
        "LOCHARD-S",
        "carer_support",
        cares_for=MR_A,
        shows="a son's conversation beside his father's",
    ),
)

CASE_STUDY_REFS = frozenset(person.ref for person in CASE_STUDY_PEOPLE)

_PEOPLE = {person.ref: person for person in CASE_STUDY_PEOPLE}


# --- how a story is written down ------------------------------------------------------------


def _outcome(
    code: str,
    words: str,
    *,
    themes: tuple[str, ...],
    status: str | None = None,
    helping: str = "",
    kinds: tuple[str, ...] = (),
    barriers: tuple[str, ...] = (),
    barrier_words: str = "",
    actions: tuple[tuple[str, str, int], ...] = (),
    carer_status: str | None = None,
    goals: tuple[tuple[str, str | None], ...] = (),
) -> dict:
    """One outcome as a line carries it. ``actions``: ``(what, who, days from the
    conversation)``, written with their owner and date when the line is made."""
    return {
        "code": code,
        "words": words,
        "status": status,
        "themes": sorted(themes),
        "helping": helping,
        "helping_kinds": sorted(kinds),
        "barriers": sorted(barriers),
        "barrier_words": barrier_words,
        "actions": actions,
        "carer_status": carer_status,
        "goals": goals,
    }


@dataclass(frozen=True)
class _Conversation:
    ref: str
    number: int
    kind: str
    days_ago: int
    outcomes: tuple[dict, ...]
    measures: tuple[tuple[str, str], ...] = ()
    answered_by: str = "person"
    relationship: str = ""
    language: str = "English"
    interpreter: bool = False
    # A carer or relative took part (the line format does not carry it; ``seed_conversations``
    # sets it after the import).
    carer_present: bool = False


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _due(held: date, days: int) -> str:
    due = held + timedelta(days=days)
    return f"{due.day} {due:%B %Y}"


def _line(conversation: _Conversation, *, today: date) -> dict:
    person = _PEOPLE[conversation.ref]
    held = _weekday_on_or_before(today - timedelta(days=conversation.days_ago))
    external_id = f"{DEMO_ID_PREFIX}{person.ref}-{conversation.number:02d}"
    signed = held + timedelta(days=1)
    outcomes = []
    for spec in conversation.outcomes:
        item: dict = {"code": spec["code"], "matters": True, "status": spec["status"]}
        item["words"] = spec["words"]
        item["barriers"] = list(spec["barriers"])
        item["actions"] = "; ".join(
            f"{what} — {who}, by {_due(held, days)}" for what, who, days in spec["actions"]
        )
        for key in ("helping", "barrier_words", "carer_status"):
            if spec[key]:
                item[key] = spec[key]
        for key in ("helping_kinds", "themes"):
            if spec[key]:
                item[key] = list(spec[key])
        if spec["goals"]:
            item["goals"] = [{"words": words, "status": status} for words, status in spec["goals"]]
        outcomes.append(item)
    who: dict = {"answered_by": conversation.answered_by}
    if conversation.relationship:
        who["answered_by_relationship"] = conversation.relationship
    who["language"] = conversation.language
    if conversation.interpreter:
        who["interpreter"] = True
    is_carer = person.cares_for is not None
    return {
        "id": external_id,
        "partnership": PARTNERSHIP,
        "team": person.team,
        "subject": {
            "ref": person.ref,
            "role": "carer" if is_carer else "user",
            "client_group": person.client_group,
            "cared_for_ref": person.cares_for,
        },
        "framework": "carers" if is_carer else "users",
        "framework_version": "2013" if is_carer else "2012",
        "type": conversation.kind,
        "date": held.isoformat(),
        "completed_at": f"{signed.isoformat()}T10:30:00Z",
        "review_due": _review_due(external_id, conversation.kind, held),
        "status": "completed",
        "interviewer": "practitioner",
        **who,
        "measures": dict(sorted(conversation.measures)),
        "outcomes": outcomes,
    }


def case_study_ids_with_a_carer_present() -> set[str]:
    """The ids of the case-study conversations a carer or relative took part in."""
    return {
        f"{DEMO_ID_PREFIX}{conversation.ref}-{conversation.number:02d}"
        for conversation in CONVERSATIONS
        if conversation.carer_present
    }


def case_study_records(*, today: date) -> list[dict]:
    """The case-study conversations as JSON Lines records, every one signed off before
    ``today``, ordered by date held then id like the generated ones."""
    records = [_line(conversation, today=today) for conversation in CONVERSATIONS]
    records.sort(key=lambda record: (record["date"], record["id"]))
    return records


# --- Bob and Nan (seed 002, case study two) -------------------------------------------------
# A stroke at 78; home from hospital after two months with the community rehabilitation team;
# goals: walking to the shops, indoor bowling again, longer at the computer (the family are all
# abroad) and part of the family banking with Nan's help. Six weeks on he walks to the shops, a
# voluntary buddy scheme drives him to the bowling club, and he has done some banking himself.

_COMPUTER, _BANKING = SKILLS_GOALS

BOB_STORY = (
    _Conversation(
        BOB,
        1,
        "assessment",
        400,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "My legs are still weak from the stroke. I want to walk to the shops on my own.",
                themes=("about_me",),
            ),
            _outcome(
                "having_things_to_do",
                "I want to be back at the indoor bowling. The club is a fair walk from here.",
                themes=("transport",),
                barriers=("transport",),
                barrier_words="I used to walk to the club, and that is beyond me for now.",
            ),
            _outcome(
                "improved_skills",
                "I've always kept the family's accounts. Since the stroke the numbers slip away.",
                themes=("about_me",),
                goals=((_COMPUTER.hope, None), (_BANKING.hope, None)),
            ),
            _outcome(
                "seeing_people",
                "The children and grandchildren are all overseas. The computer is how I see them.",
                themes=("about_me",),
            ),
        ),
    ),
    _Conversation(
        BOB,
        2,
        "support_plan",
        396,
        outcomes=(
            _outcome(
                "improved_mobility",
                "My legs are still weak from the stroke. I want to walk to the shops on my own.",
                themes=("about_me",),
                actions=(
                    (
                        "Exercise and outdoor walking programme with the rehab assistant",
                        "the worker",
                        42,
                    ),
                    ("Keep up the self-management exercises between visits", "the person", 42),
                ),
            ),
            _outcome(
                "having_things_to_do",
                "I want to be back at the indoor bowling. The club is a fair walk from here.",
                themes=("transport",),
                barriers=("transport",),
                barrier_words="I used to walk to the club, and that is beyond me for now.",
                actions=(
                    ("Ask the voluntary buddy scheme about lifts to the club", "the worker", 28),
                ),
            ),
            _outcome(
                "improved_skills",
                "I've always kept the family's accounts. Since the stroke the numbers slip away.",
                themes=("about_me",),
                goals=((_COMPUTER.hope, None), (_BANKING.hope, None)),
                actions=(
                    (
                        "Computer sessions set by the OT, a little longer each week",
                        "the worker",
                        42,
                    ),
                    ("Go through one bank task a week together", "his wife", 42),
                ),
            ),
            _outcome(
                "seeing_people",
                "The children and grandchildren are all overseas. The computer is how I see them.",
                themes=("about_me",),
                actions=(("Set up the video call on the computer", "the worker", 14),),
            ),
        ),
    ),
    _Conversation(
        BOB,
        3,
        "review",
        368,
        carer_present=True,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "I can get to the corner shop and back now, slowly, with a rest on the bench.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The walks with the rehab assistant, a bit further each time.",
                kinds=("the_service",),
                barriers=("other",),
                barrier_words="I still tire quickly, and my right leg drags by the afternoon.",
                actions=(("Carry on the walking programme", "the worker", 21),),
            ),
            _outcome(
                "having_things_to_do",
                "Not at the bowling yet. I miss the company as much as the game.",
                status="not_achieved",
                themes=("transport",),
                barriers=("transport",),
                barrier_words="The club is still too far to walk, and there's no bus that way.",
                actions=(("Chase the buddy scheme for a driver", "the worker", 14),),
            ),
            _outcome(
                "improved_skills",
                "The computer is coming back quicker than the money.",
                status="partly_achieved",
                themes=("about_me",),
                helping="Short computer sessions, and Nan going over the bank statements with me.",
                kinds=("family_friends", "the_service"),
                carer_status="not_achieved",
                goals=(
                    (_COMPUTER.partly, "partly_achieved"),
                    (_BANKING.not_achieved, "not_achieved"),
                ),
            ),
            _outcome(
                "seeing_people",
                "We had a video call with the grandchildren on Sunday. I managed it myself.",
                status="achieved",
                themes=("about_me",),
                helping="The computer practice, and the written steps beside the screen.",
                kinds=("own_strengths", "the_service"),
            ),
        ),
    ),
    _Conversation(
        BOB,
        4,
        "review",
        352,
        carer_present=True,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "yes")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "I walk to the shops and back on my own now. Next I'll try the exercise class.",
                status="achieved",
                themes=("about_me",),
                helping="The exercise programme, and sticking at it on my own.",
                kinds=("own_strengths", "the_service"),
            ),
            _outcome(
                "having_things_to_do",
                "A volunteer drives me to the bowling and back. I'm there longer every week.",
                status="achieved",
                themes=("about_me",),
                helping="The buddy scheme's driver, and my pals at the club.",
                kinds=("community_groups", "family_friends"),
            ),
            _outcome(
                "improved_skills",
                "Longer at the computer, and I did some of our banking myself. That felt grand.",
                status="achieved",
                themes=("about_me",),
                helping="Practice, and Nan beside me for the bigger payments.",
                kinds=("family_friends", "own_strengths"),
                # His goal was part of the banking with Nan's help: that is what he now does.
                goals=(
                    (_COMPUTER.achieved, "achieved"),
                    (_BANKING.partly, "achieved"),
                ),
                actions=(("Self-refer back to the team if things slip", "the person", 180),),
            ),
            _outcome(
                "seeing_people",
                "I see the family on the screen every week, and the lads at the club.",
                status="achieved",
                themes=("about_me",),
                helping="The computer, and the bowling club.",
                kinds=("community_groups", "own_strengths"),
                actions=(("Put Bob in touch with the stroke support group", "the worker", 28),),
            ),
        ),
    ),
)

NAN_STORY = (
    _Conversation(
        "CS-0101",
        1,
        "assessment",
        395,
        measures=(("NM2", "yes"), ("NM4", "partly")),
        outcomes=(
            _outcome(
                "cared_for_quality_of_life",
                "Bob's frustrated. He was always the one out and about, and now he's stuck in.",
                themes=("about_me",),
            ),
            _outcome(
                "carer_health_and_wellbeing",
                "I'm not sleeping. I listen for him on the stairs all night.",
                themes=("prevention",),
                barriers=("information",),
                barrier_words="Nobody said what to expect after a stroke, or who to ring.",
            ),
            _outcome(
                "informed_skilled_equipped",
                "I need to know how much to help him and when to stand back.",
                themes=("not_knowing",),
                actions=(("Visit from the stroke support nurse for both of us", "the worker", 14),),
            ),
        ),
    ),
    _Conversation(
        "CS-0101",
        2,
        "review",
        354,
        measures=(("NM2", "yes"), ("NM4", "yes")),
        outcomes=(
            _outcome(
                "cared_for_quality_of_life",
                "He's back at the bowling and full of it. Some days he forgets he had a stroke.",
                status="achieved",
                themes=("about_me",),
                helping="The volunteer who drives him to the club.",
                kinds=("community_groups",),
            ),
            _outcome(
                "carer_health_and_wellbeing",
                "Sleeping better. I still check on him more than he'd like.",
                status="partly_achieved",
                themes=("about_me",),
                helping="Knowing the team will come back if we ask.",
                kinds=("the_service",),
                barriers=("time_limited",),
                barrier_words="The team's visits end soon, and I'll miss having someone to ask.",
                actions=(("Give Nan the carers' centre number", "the worker", 7),),
            ),
            _outcome(
                "positive_relationship_with_cared_for",
                "We do the bank together at the kitchen table. He'd have hated me taking it over.",
                status="achieved",
                themes=("about_me",),
                helping="Doing the money side by side rather than me doing it for him.",
                kinds=("family_friends",),
            ),
        ),
    ),
)

# --- Margaret and her brother (seed 002, case study one) ------------------------------------
# 61, a moderate learning disability (communication above all), living alone; arthritis in the
# hip kept her in for a year and her mood fell; after the hip replacement the early supported
# discharge team met her with her brother, who helped her say what she wanted. Bed downstairs
# for two weeks, stairs practice, a stick, a volunteer for the first bus trips; a microwave and
# a weekly delivery (always with grapes); the district nurse for her leg ulcers.

MARGARET_STORY = (
    _Conversation(
        MARGARET,
        1,
        "assessment",
        330,
        answered_by="person_with_support",
        carer_present=True,
        measures=(("NM1", "partly"), ("NM2", "yes"), ("NM3", "no")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "I want to walk right again, and get up my own stairs to my own bed.",
                themes=("about_me",),
            ),
            _outcome(
                "seeing_people",
                "I've been stuck in all year. I want the bus to the shops and to see my friends.",
                themes=("prevention",),
                barriers=("other",),
                barrier_words="The hip hurt too much to get to the bus stop.",
            ),
            _outcome(
                "having_things_to_do",
                "I used to look in on the old ladies in my street. I want to do that again.",
                themes=("about_me",),
            ),
            _outcome(
                "reduced_symptoms",
                "No more pain. My legs and my hip both.",
                themes=("prevention",),
                barriers=("not_joined_up",),
                barrier_words="The operation kept being put off until my legs were better.",
            ),
            _outcome(
                "staying_well",
                "Keep my weight down. I only eat what goes in a pot or under the grill.",
                themes=("about_me",),
            ),
        ),
    ),
    _Conversation(
        MARGARET,
        2,
        "support_plan",
        316,
        answered_by="person_with_support",
        carer_present=True,
        outcomes=(
            _outcome(
                "improved_mobility",
                "I want to walk right again, and get up my own stairs to my own bed.",
                themes=("about_me",),
                actions=(
                    ("Bring the bed downstairs until the stairs are safe", "her brother", 2),
                    ("Stairs practice with the rehab care assistants", "the worker", 14),
                ),
            ),
            _outcome(
                "seeing_people",
                "I've been stuck in all year. I want the bus to the shops and to see my friends.",
                themes=("about_me",),
                actions=(
                    (
                        "Ask the local charity for a volunteer for the first bus trips",
                        "the worker",
                        28,
                    ),
                ),
            ),
            _outcome(
                "reduced_symptoms",
                "No more pain. My legs and my hip both.",
                themes=("not_joined_up",),
                actions=(
                    ("District nurse visits for the leg ulcers", "the provider", 28),
                    ("GP to review pain relief", "the provider", 14),
                ),
            ),
            _outcome(
                "staying_well",
                "Keep my weight down. My friend has a microwave and I could learn one of those.",
                themes=("about_me",),
                actions=(
                    ("Buy a microwave and go over the settings with Margaret", "her brother", 14),
                    ("Set up a weekly supermarket delivery", "her brother", 14),
                ),
            ),
        ),
    ),
    _Conversation(
        MARGARET,
        3,
        "review",
        290,
        answered_by="person_with_support",
        carer_present=True,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "I sleep upstairs again. I use my stick and I go up the stairs myself.",
                status="achieved",
                themes=("about_me",),
                helping="The care assistants doing the stairs with me every day.",
                kinds=("the_service",),
            ),
            _outcome(
                "seeing_people",
                "I've been on the bus to the shops. The lady from the charity came with me.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The volunteer on the bus with me.",
                kinds=("community_groups",),
                barriers=("other",),
                barrier_words="I'm not brave enough to go on my own yet.",
                actions=(
                    (
                        "Two more bus trips with the volunteer, then Margaret on her own",
                        "the worker",
                        28,
                    ),
                ),
                carer_status="not_achieved",
            ),
            _outcome(
                "reduced_symptoms",
                "The hip is good. My legs still get sore.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The district nurse.",
                kinds=("other_services",),
                barriers=("other",),
                barrier_words="The ulcers take a long time to heal.",
                actions=(("District nurse to keep dressing the ulcers", "the provider", 28),),
            ),
            _outcome(
                "staying_well",
                "I use the microwave every day. The shopping comes to the door, with grapes.",
                status="achieved",
                themes=("about_me",),
                helping="My brother, the microwave and the delivery.",
                kinds=("equipment_adaptations", "family_friends"),
            ),
        ),
    ),
    _Conversation(
        MARGARET,
        4,
        "review",
        190,
        answered_by="person_with_support",
        carer_present=True,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "yes")),
        outcomes=(
            _outcome(
                "improved_mobility",
                "I go everywhere with my stick now.",
                status="achieved",
                themes=("about_me",),
                helping="Practising every day.",
                kinds=("own_strengths",),
            ),
            _outcome(
                "seeing_people",
                "I get the bus on my own. I see my friends and get my pension at the post office.",
                status="achieved",
                themes=("about_me",),
                helping="The bus, and the volunteer who showed me at the start.",
                kinds=("community_groups", "own_strengths"),
            ),
            _outcome(
                "having_things_to_do",
                "I'm keeping an eye on next door's house while they're away.",
                status="achieved",
                themes=("about_me",),
                helping="Being able to get about again.",
                kinds=("own_strengths",),
            ),
            _outcome(
                "reduced_symptoms",
                "Hardly any pain now.",
                status="achieved",
                themes=("about_me",),
                helping="The nurse and the tablets the GP gave me.",
                kinds=("other_services",),
            ),
        ),
    ),
)

MARGARETS_BROTHER_STORY = (
    _Conversation(
        "CS-0102",
        1,
        "review",
        188,
        measures=(("NM2", "yes"), ("NM4", "yes")),
        outcomes=(
            _outcome(
                "cared_for_quality_of_life",
                "She's herself again: out on the bus, cheery on the phone. We all worry less.",
                status="achieved",
                themes=("about_me",),
                helping="The team getting her moving, and the charity's volunteer.",
                kinds=("community_groups", "the_service"),
            ),
            _outcome(
                "life_of_their_own",
                "The delivery means I've got my Saturday mornings back.",
                status="achieved",
                themes=("about_me",),
                helping="The weekly supermarket delivery.",
                kinds=("equipment_adaptations",),
            ),
            _outcome(
                "positive_relationship_with_cared_for",
                "We get on like we used to. I'm her brother again, not her worrier.",
                status="achieved",
                themes=("about_me",),
                helping="Margaret doing more for herself.",
                kinds=("own_strengths",),
            ),
        ),
    ),
)

# --- James (seed 002, case study three) ----------------------------------------------------
# 61, failing health and drinking, in a top-floor private let that was a danger to him, his
# benefits taken by acquaintances; temporary flat, home care withdrawn after his meter was
# tampered with; wants away from the flat and the company; applies for sheltered housing, waits
# in temporary accommodation in the new part of town with twice-weekly support and a drop-in;
# moves in three months on; a year later settled, joining in, health steadier.

JAMES_STORY = (
    _Conversation(
        JAMES,
        1,
        "assessment",
        420,
        measures=(("NM1", "no"), ("NM2", "partly"), ("NM3", "no")),
        outcomes=(
            _outcome(
                "feeling_safe",
                "Folk come round, take my money and leave me a bit of shopping. I can't stop them.",
                themes=("dignity",),
                barriers=("other",),
                barrier_words="They know where I live and they keep coming back.",
            ),
            _outcome(
                "living_where_and_as_you_want",
                "I want out of that flat and away from that crowd. Another part of town would do.",
                themes=("will_anything_change",),
                barriers=("resources",),
                barrier_words="There's nowhere to go to that I know of.",
            ),
            _outcome(
                "staying_well",
                "My health is going downhill and it's getting into everything.",
                themes=("prevention",),
            ),
            _outcome(
                "having_things_to_do",
                "I'd like to play music again, like I used to.",
                themes=("about_me",),
            ),
        ),
    ),
    _Conversation(
        JAMES,
        2,
        "support_plan",
        408,
        outcomes=(
            _outcome(
                "feeling_safe",
                "Folk come round, take my money and leave me a bit of shopping. I can't stop them.",
                themes=("dignity",),
                actions=(
                    ("Move James to temporary accommodation in the new area", "the worker", 7),
                    (
                        "Set up his benefits to be paid safely into his own account",
                        "the worker",
                        14,
                    ),
                ),
            ),
            _outcome(
                "living_where_and_as_you_want",
                "I want out of that flat and away from that crowd. Another part of town would do.",
                themes=("about_me",),
                barriers=("resources",),
                barrier_words="It's about two months' wait for a sheltered flat.",
                actions=(
                    ("Apply for a flat in the sheltered housing development", "the worker", 7),
                ),
            ),
            _outcome(
                "seeing_people",
                "I don't know a soul over that side of town.",
                themes=("not_knowing",),
                actions=(
                    ("Housing support twice a week until the flat is ready", "the provider", 60),
                    ("Try the drop-in centre in the new area", "the person", 14),
                ),
            ),
        ),
    ),
    _Conversation(
        JAMES,
        3,
        "review",
        330,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "feeling_safe",
                "Nobody's at my door now, and my money's my own.",
                status="achieved",
                themes=("about_me",),
                helping="Being in a new part of town where they can't find me.",
                kinds=("the_service",),
            ),
            _outcome(
                "living_where_and_as_you_want",
                "I've got the keys to my own flat at last. The waiting nearly did for me.",
                status="partly_achieved",
                themes=("time_limited", "will_anything_change"),
                helping="The support worker who kept coming twice a week.",
                kinds=("the_service",),
                barriers=("resources",),
                barrier_words="It took three months, not two, and some days I nearly gave up.",
                actions=(("Help to settle in and set up the bills", "the provider", 28),),
            ),
            _outcome(
                "seeing_people",
                "I go to the drop-in most days for a cup of tea.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The drop-in centre.",
                kinds=("community_groups",),
                barriers=("other",),
                barrier_words="I don't know anybody in the new building yet.",
                actions=(("Ask the warden about the residents' activities", "the worker", 28),),
            ),
        ),
    ),
    _Conversation(
        JAMES,
        4,
        "review",
        40,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "yes")),
        outcomes=(
            _outcome(
                "living_where_and_as_you_want",
                "It's home. I've been here a year and I'm not going back.",
                status="achieved",
                themes=("about_me",),
                helping="The flat, and the warden keeping an eye out.",
                kinds=("the_service",),
            ),
            _outcome(
                "staying_well",
                "My health has settled. Being warm and clean makes a difference.",
                status="achieved",
                themes=("about_me",),
                helping="A decent place to live.",
                kinds=("the_service",),
            ),
            _outcome(
                "seeing_people",
                "I go to the coffee mornings in the lounge and I know folk on my landing.",
                status="achieved",
                themes=("about_me",),
                helping="The activities in the development.",
                kinds=("community_groups",),
            ),
            _outcome(
                "having_things_to_do",
                "No music yet, but there's talk of a singalong night I might play at.",
                status="partly_achieved",
                themes=("not_knowing",),
                helping="The residents' group.",
                kinds=("community_groups",),
                barriers=("information",),
                barrier_words="I don't know where to find an instrument or anybody to play with.",
                actions=(("Find out about a community music group nearby", "the worker", 42),),
            ),
        ),
    ),
)

# --- Tariq and his wife (seed 002, scenario two) --------------------------------------------
# 70, came from Pakistan forty years ago; in hospital after a fall, now fit to go home; diabetes
# has damaged his sight and brings skin infections; his wife, treated for anxiety and depression
# and seen by a community psychiatric nurse, speaks only Punjabi and relies on him and their
# children. Two sons and five grandchildren in the town. No day centre and no paid carers at
# home, he says; he wants to keep his weekly visits to his sons and grandchildren, and to go to
# the mosque. Rent and heating are hard to pay. The conversations are held at home in Punjabi,
# with an interpreter, so that his wife can take part.

TARIQ_STORY = (
    _Conversation(
        TARIQ,
        1,
        "assessment",
        120,
        language="Punjabi",
        interpreter=True,
        carer_present=True,
        measures=(("NM1", "partly"), ("NM2", "yes"), ("NM3", "yes")),
        outcomes=(
            _outcome(
                "feeling_safe",
                "I don't want another fall. My eyes are poor and the house is dark on the stairs.",
                themes=("prevention",),
            ),
            _outcome(
                "living_where_and_as_you_want",
                "We manage at home as a family. No strangers coming in to wash me, no day centre.",
                themes=("about_me", "dignity"),
            ),
            _outcome(
                "seeing_people",
                "Each week I see my sons and grandchildren and go to the mosque. That must go on.",
                themes=("about_me",),
            ),
            _outcome(
                "staying_well",
                "The sugar, my eyes and my skin. And we can hardly pay for the heating.",
                themes=("resources",),
                barriers=("resources",),
                barrier_words="The rent and the gas bill take everything we have.",
            ),
        ),
    ),
    _Conversation(
        TARIQ,
        2,
        "support_plan",
        106,
        language="Punjabi",
        interpreter=True,
        carer_present=True,
        outcomes=(
            _outcome(
                "feeling_safe",
                "I don't want another fall. My eyes are poor and the house is dark on the stairs.",
                themes=("prevention",),
                actions=(
                    ("Home safety visit: stair rail and brighter lights", "the worker", 21),
                    ("Refer to the sight loss service", "the worker", 14),
                ),
            ),
            _outcome(
                "living_where_and_as_you_want",
                "We manage at home as a family. No strangers coming in to wash me, no day centre.",
                themes=("about_me", "dignity"),
                actions=(("Agree with the sons who helps with what each week", "the family", 14),),
            ),
            _outcome(
                "seeing_people",
                "Each week I see my sons and grandchildren and go to the mosque. That must go on.",
                themes=("about_me",),
                actions=(("Lifts to the mosque on Fridays", "the family", 7),),
            ),
            _outcome(
                "staying_well",
                "The sugar, my eyes and my skin. And we can hardly pay for the heating.",
                themes=("resources",),
                barriers=("resources",),
                barrier_words="The rent and the gas bill take everything we have.",
                actions=(
                    ("Welfare rights check of benefits and help with fuel bills", "the worker", 28),
                    ("Diabetes nurse to look at the skin infections", "the provider", 14),
                ),
            ),
        ),
    ),
    _Conversation(
        TARIQ,
        3,
        "review",
        20,
        language="Punjabi",
        interpreter=True,
        carer_present=True,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "yes")),
        outcomes=(
            _outcome(
                "feeling_safe",
                "With the rail and the new lights I'm steady on the stairs. No falls since.",
                status="achieved",
                themes=("about_me",),
                helping="The stair rail and the brighter bulbs.",
                kinds=("equipment_adaptations",),
                carer_status="partly_achieved",
            ),
            _outcome(
                "living_where_and_as_you_want",
                "We are managing in our own way, with the boys' help. Nobody forced carers on us.",
                status="achieved",
                themes=("about_me", "dignity"),
                helping="My sons, and being listened to.",
                kinds=("family_friends",),
            ),
            _outcome(
                "seeing_people",
                "My son drives me to the mosque on Fridays and the grandchildren come on Sundays.",
                status="achieved",
                themes=("about_me",),
                helping="My sons.",
                kinds=("family_friends",),
            ),
            _outcome(
                "staying_well",
                "The skin is healing. The bills are still a worry, but less of one.",
                status="partly_achieved",
                themes=("resources",),
                helping="The diabetes nurse, and the extra money from the benefits check.",
                kinds=("other_services", "the_service"),
                barriers=("resources",),
                barrier_words="Even with the extra, the heating costs too much in winter.",
                actions=(("Apply to the energy company's hardship fund", "the worker", 28),),
            ),
        ),
    ),
)

TARIQS_WIFE_STORY = (
    _Conversation(
        "CS-0103",
        1,
        "assessment",
        104,
        language="Punjabi",
        interpreter=True,
        measures=(("NM2", "partly"), ("NM4", "partly")),
        outcomes=(
            _outcome(
                "cared_for_quality_of_life",
                "He is proud and won't have carers, but I'm frightened he'll fall again.",
                themes=("prevention",),
            ),
            _outcome(
                "carer_health_and_wellbeing",
                "My nerves are bad. The nurse who comes helps, but I worry all the time.",
                themes=("about_me",),
            ),
            _outcome(
                "informed_skilled_equipped",
                "Everything is in English. When he was in hospital I couldn't ask anyone anything.",
                themes=("not_knowing",),
                barriers=("information",),
                barrier_words="Nobody on the ward spoke Punjabi, and no leaflet was in it.",
                actions=(("Information about carers' support in Punjabi", "the worker", 14),),
            ),
            _outcome(
                "accessible_and_available",
                "I need someone who speaks my language when the services come.",
                themes=("process",),
                actions=(("Book an interpreter for every visit", "the worker", 7),),
            ),
        ),
    ),
)

# --- Mr A and his son (named in the issue; not described in the source documents) ------------

MR_A_STORY = (
    _Conversation(
        MR_A,
        1,
        "assessment",
        250,
        measures=(("NM1", "partly"), ("NM2", "yes"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "living_where_and_as_you_want",
                "I've lived in this house fifty years and I mean to stay in it.",
                themes=("about_me",),
            ),
            _outcome(
                "reliability",
                "I want to know what time the carers are coming in the morning.",
                themes=("staffing",),
                barriers=("staffing",),
                barrier_words="A different face every day, and the times are all over the place.",
            ),
            _outcome(
                "seeing_people",
                "My son looks in after work. Other than that, it's the wireless.",
                themes=("about_me",),
            ),
        ),
    ),
    _Conversation(
        MR_A,
        2,
        "support_plan",
        236,
        measures=(),
        outcomes=(
            _outcome(
                "living_where_and_as_you_want",
                "I've lived in this house fifty years and I mean to stay in it.",
                themes=("about_me",),
                actions=(("Occupational therapy visit about the bath", "the worker", 28),),
            ),
            _outcome(
                "reliability",
                "I want to know what time the carers are coming in the morning.",
                themes=("staffing",),
                barriers=("staffing",),
                barrier_words="A different face every day, and the times are all over the place.",
                actions=(
                    ("Agree a set morning time and a small team of carers", "the provider", 14),
                ),
            ),
            _outcome(
                "seeing_people",
                "My son looks in after work. Other than that, it's the wireless.",
                themes=("not_knowing",),
                actions=(("Tell Mr A about the lunch club at the church hall", "the worker", 14),),
            ),
        ),
    ),
    _Conversation(
        MR_A,
        3,
        "review",
        140,
        measures=(("NM1", "yes"), ("NM2", "yes"), ("NM3", "no")),
        outcomes=(
            _outcome(
                "living_where_and_as_you_want",
                "Still in my own house. Getting in and out of the bath is the hard part.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The morning carers.",
                kinds=("the_service",),
                barriers=("resources",),
                barrier_words="The bath seat is on a waiting list.",
                actions=(("Chase the bath seat with the equipment store", "the worker", 14),),
            ),
            _outcome(
                "reliability",
                "The times are steadier since they gave me the same two carers.",
                status="partly_achieved",
                themes=("staffing",),
                helping="Two regular carers.",
                kinds=("the_service",),
                barriers=("staffing",),
                barrier_words="On their days off it's anybody, any time.",
            ),
            _outcome(
                "seeing_people",
                "I haven't been to the lunch club. I don't know a soul there.",
                status="not_achieved",
                themes=("not_knowing",),
                barriers=("information",),
                barrier_words="I didn't know who runs it or how to get there.",
                actions=(("Son to go along with him the first time", "the family", 28),),
            ),
        ),
    ),
    _Conversation(
        MR_A,
        4,
        "review",
        30,
        answered_by="someone_else",
        relationship="son",
        carer_present=True,
        measures=(("NM1", "partly"), ("NM2", "not_answered"), ("NM3", "partly")),
        outcomes=(
            _outcome(
                "living_where_and_as_you_want",
                "Dad's still at home and wants it that way. The new bath seat has helped.",
                status="achieved",
                themes=("about_me",),
                helping="The bath seat, and the morning carers.",
                kinds=("equipment_adaptations", "the_service"),
            ),
            _outcome(
                "reliability",
                "The times are better, but there were still new faces when staff were off.",
                status="partly_achieved",
                themes=("staffing",),
                helping="A small team that mostly knows him now.",
                kinds=("the_service",),
                barriers=("staffing",),
                barrier_words="When the regular carers are off there's nobody to cover.",
                actions=(
                    ("Provider to tell Mr A's son when a carer is changing", "the provider", 14),
                ),
            ),
            _outcome(
                "seeing_people",
                "He went to the lunch club twice before his chest infection. He liked it.",
                status="partly_achieved",
                themes=("about_me",),
                helping="The lunch club.",
                kinds=("community_groups",),
                barriers=("other",),
                barrier_words="He has been too unwell to go out this last month.",
                actions=(("Ask the lunch club about a lift once he is well", "the family", 28),),
            ),
        ),
    ),
)

MR_AS_SON_STORY = (
    _Conversation(
        "CS-0104",
        1,
        "review",
        28,
        measures=(("NM2", "yes"), ("NM4", "partly")),
        outcomes=(
            _outcome(
                "cared_for_quality_of_life",
                "He's happier with the same carers most days. The chest infection set him back.",
                status="partly_achieved",
                themes=("staffing",),
                helping="The regular carers.",
                kinds=("the_service",),
                barriers=("staffing",),
                barrier_words="When his regulars are off, nobody tells us who's coming.",
            ),
            _outcome(
                "life_of_their_own",
                "I go round every night after work. I haven't had a weekend away in a year.",
                status="not_achieved",
                themes=("resources",),
                barriers=("resources",),
                barrier_words="There's no sitter to cover the evenings I'm away.",
                actions=(("Refer to Carer Support for a short break", "the worker", 28),),
            ),
        ),
    ),
)

CONVERSATIONS: tuple[_Conversation, ...] = (
    *BOB_STORY,
    *NAN_STORY,
    *MARGARET_STORY,
    *MARGARETS_BROTHER_STORY,
    *JAMES_STORY,
    *TARIQ_STORY,
    *TARIQS_WIFE_STORY,
    *MR_A_STORY,
    *MR_AS_SON_STORY,
)
