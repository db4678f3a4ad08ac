"""Words for the demo conversations: what people hope for, how they say things are going, what
helps, what gets in the way, and what was agreed.

Written for this project (the case studies in the source documents suggested the themes, not the
sentences). Templates use ``str.format`` slots filled from a person's profile, so one person
keeps the same hobby, relative and helper across their conversations:
``{hobby}``, ``Nan``, ``{Relative}``, ``{helper}``, ``{place}``, ``{cared_for}``,
``{Cared_for}``.

Codes are the users 2012 and carers 2013 codes, plus the two carers 2008 outcomes that 2013
dropped. Users 2007 conversations borrow the words of the equivalent 2012 outcome.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Narrative:
    hope: tuple[str, ...]
    achieved: tuple[str, ...]
    partly: tuple[str, ...]
    not_achieved: tuple[str, ...]
    helping: tuple[str, ...]
    actions: tuple[str, ...]


USER_NARRATIVES: dict[str, Narrative] = {
    "feeling_safe": Narrative(
        hope=(
            "Since the fall I get frightened being in the house on my own. "
            "I'd like to stop worrying about that.",
            "I want to feel safe at home again, especially once it gets dark.",
            "I'd like to go out without feeling anxious about who is hanging about.",
        ),
        achieved=(
            "I feel safe at home now. With the alarm round my neck I know someone will come.",
            "I'm not frightened any more. {Relative} looks in and the door has a proper lock.",
            "No worries on that score these days. I sleep much better.",
        ),
        partly=(
            "Mostly I'm fine, but the long dark evenings still get to me.",
            "Better than it was. I still get nervous on the stairs when nobody's in.",
            "I feel safer in the house, less so when I'm out on my own.",
        ),
        not_achieved=(
            "I still don't feel safe. Someone I didn't know came to the door and it shook me.",
            "I lie awake thinking someone could get in. Nothing has really changed.",
        ),
        helping=(
            "The community alarm, and Nan phoning every night.",
            "Grab rails and a key safe, so the carers don't have to knock.",
            "Knowing the neighbours keep an eye on the house.",
        ),
        actions=(
            "Arrange a home fire safety visit",
            "Fit a key safe and a grab rail at the back door",
            "Check the alarm pendant works and go over how to use it",
        ),
    ),
    "having_things_to_do": Narrative(
        hope=(
            "I used to love {hobby}. I'd like to get back to it.",
            "The days are long with nothing in them. I want something to get up for.",
            "I'd like to be doing something useful with my week, like {hobby}.",
        ),
        achieved=(
            "I'm back at {hobby} and I look forward to it all week.",
            "My week has shape to it again. {hobby} on the Tuesday is the highlight.",
            "I've plenty to keep me busy now, more than I expected.",
        ),
        partly=(
            "I've been to {hobby} a couple of times but I can't go every week yet.",
            "There's more going on than before, though some days still drag.",
        ),
        not_achieved=(
            "I haven't managed to get to {hobby}. I sit in most days.",
            "Nothing much has changed. I still don't have anything to do with my time.",
        ),
        helping=(
            "{Helper} came with me the first few times until I felt settled.",
            "Being told about {hobby} in the first place, I'd no idea it existed.",
            "Having a timetable on the fridge so I know what's on.",
        ),
        actions=(
            "Find out the days and times for {hobby} and go along with a worker the first time",
            "Look for a volunteering placement close to home",
            "Put together a weekly timetable of activities",
        ),
    ),
    "seeing_people": Narrative(
        hope=(
            "I don't see anybody from one week to the next. I'd like some company.",
            "I want to get out and see my friends the way I used to.",
            "I miss having people to talk to. {Relative} can't come as often as they'd like.",
        ),
        achieved=(
            "I see my friends every week now, and I've made a couple of new ones.",
            "I'm out and about again and I don't feel lonely the way I did.",
            "{Relative} comes on a Sunday and I see folk at {hobby}. That's plenty.",
        ),
        partly=(
            "I see a few people at {hobby}, but weekends are still lonely.",
            "It's better, but I'd like to see my old friends more than I do.",
        ),
        not_achieved=(
            "I hardly see anyone. Apart from the carers it's just me and the television.",
            "I've lost touch with most of my friends and I can't see how to change that.",
        ),
        helping=(
            "The befriender who comes on a Thursday.",
            "A lift from a volunteer driver once a week.",
            "Learning to use video calls to speak to Nan.",
        ),
        actions=(
            "Refer to the befriending service",
            "Ask the community transport scheme about a regular lift",
            "Set up the tablet for video calls with Nan",
        ),
    ),
    "staying_well": Narrative(
        hope=(
            "I want to keep as well as I can and stay out of hospital.",
            "I'd like to get on top of my medication and not feel so run down.",
            "I want to eat better. I've been living on tins and toast.",
        ),
        achieved=(
            "I've kept well this time and I've not been back in hospital.",
            "I'm taking my tablets properly now and I feel the better for it.",
            "My appetite's back and I'm eating proper meals.",
        ),
        partly=(
            "Up and down. I had a bad spell but I'm picking up again.",
            "I'm eating better but I still forget my tablets some days.",
        ),
        not_achieved=(
            "I've been poorly most of the time since we last spoke.",
            "My health has gone downhill and I'm not coping with it well.",
        ),
        helping=(
            "The dosette box and a reminder call in the morning.",
            "A weekly food delivery so I'm not carrying heavy bags.",
            "The district nurse keeping an eye on things.",
        ),
        actions=(
            "Ask the pharmacy for a dosette box and reminder calls",
            "Set up a weekly supermarket delivery",
            "Book a review with the GP about pain relief",
        ),
    ),
    "living_where_and_as_you_want": Narrative(
        hope=(
            "I want to stay in my own home. I've been here forty years.",
            "I'd like my own place, somewhere I can do things my way.",
            "I want to get back upstairs to my own bedroom.",
        ),
        achieved=(
            "I'm home and I'm managing. That's all I wanted.",
            "I've got my own tenancy now and I decide how things are done.",
            "I can get up the stairs to my own bed again.",
        ),
        partly=(
            "I'm still at home, though I've had to give up some things I liked doing.",
            "The house suits me better since the adaptations, but it's not finished.",
        ),
        not_achieved=(
            "I'm still waiting on the move and it feels like it will never happen.",
            "I don't get much say in how my days go. Other people decide.",
        ),
        helping=(
            "The stairlift and the wet floor shower.",
            "Having a say in when the carers come.",
            "The housing officer keeping me up to date on the application.",
        ),
        actions=(
            "Occupational therapy assessment for a stair rail and bathroom adaptations",
            "Support with the housing application",
            "Agree visit times that suit the person's routine",
        ),
    ),
    "dealing_with_stigma": Narrative(
        hope=(
            "I want people to stop treating me differently because of my diagnosis.",
            "I'd like to feel able to go into the shops without people staring.",
        ),
        achieved=(
            "I don't let it bother me now. I know who my friends are.",
            "People in the village know me as me, not as my illness.",
        ),
        partly=(
            "Some days I shrug it off, other days it still gets to me.",
            "It's better at {hobby}, but I still get comments in the street.",
        ),
        not_achieved=(
            "I still feel judged everywhere I go, so I keep to myself.",
            "I had some bad remarks from neighbours and it set me right back.",
        ),
        helping=(
            "The peer support group, where nobody judges.",
            "Talking it through with {helper}.",
        ),
        actions=(
            "Introduce to the peer support group",
            "Talk to the housing association about the neighbours' behaviour",
        ),
    ),
    "listened_to": Narrative(
        hope=(
            "I want people to hear what I'm actually saying for once.",
            "Please listen to me and not just to my family.",
        ),
        achieved=(
            "I felt properly listened to. You took the time.",
            "Yes, they listen. I don't have to repeat myself.",
        ),
        partly=(
            "Mostly, though sometimes decisions were made before I'd finished.",
            "Some of the staff listen, some are always in a rush.",
        ),
        not_achieved=(
            "I don't feel heard. I said what I wanted and it didn't change anything.",
            "They talked over me to Nan.",
        ),
        helping=(
            "Having the same worker each time.",
            "An advocate at the meeting with me.",
        ),
        actions=(
            "Offer an independent advocate",
            "Send a written copy of what was agreed",
        ),
    ),
    "having_a_say": Narrative(
        hope=(
            "I want a say in what help I get and when.",
            "I'd like to choose who comes in, not just take whoever is sent.",
        ),
        achieved=(
            "I picked the agency myself and I'm happy with that.",
            "I've had a real say in my support plan.",
        ),
        partly=(
            "I had some say, but the times were decided for me.",
            "I was asked, but there weren't really any options to choose from.",
        ),
        not_achieved=(
            "It was all decided before anyone spoke to me.",
            "I wasn't given any choice about what happens.",
        ),
        helping=(
            "Having the options explained, including a direct payment.",
            "Being asked what I wanted before the plan was written.",
        ),
        actions=(
            "Explain the self-directed support options",
            "Meet again to go over the draft plan together",
        ),
    ),
    "treated_with_respect": Narrative(
        hope=(
            "I want to be treated as a grown adult, not fussed over.",
            "I'd like people to remember I've run my own life for years.",
        ),
        achieved=(
            "They treat me with respect. They knock and wait, and they ask first.",
            "I'm treated as me, not as a list of problems.",
        ),
        partly=(
            "Most of the carers are lovely, one or two talk down to me.",
            "Generally yes, though sometimes it's rushed.",
        ),
        not_achieved=(
            "I feel like a number on a list.",
            "They talk about me as if I'm not in the room.",
        ),
        helping=(
            "Carers who take the time to get to know me.",
            "Being asked how I like things done.",
        ),
        actions=(
            "Feed back to the provider about the way visits are done",
            "Write a one-page profile of how the person likes things done",
        ),
    ),
    "responded_to": Narrative(
        hope=(
            "When I ring about something, I want someone to get back to me.",
            "I'd like help to come quicker when things change.",
        ),
        achieved=(
            "When I phoned about my legs somebody came out the same week.",
            "They sorted it quickly when I needed more help.",
        ),
        partly=(
            "They get back to me in the end, but it takes a few calls.",
            "Some things are quick, others take weeks.",
        ),
        not_achieved=(
            "I phoned three times and nobody came back to me.",
            "I'm still waiting for something I asked about months ago.",
        ),
        helping=(
            "Having a direct number for the duty worker.",
            "The worker phoning back when they said they would.",
        ),
        actions=(
            "Give the duty team's direct number",
            "Chase the outstanding equipment request",
        ),
    ),
    "reliability": Narrative(
        hope=(
            "I want to know who is coming and when.",
            "I'd like the same faces, not a stranger every other day.",
        ),
        achieved=(
            "They come when they say, and it's mostly the same two carers.",
            "Very reliable. I can set my clock by them.",
        ),
        partly=(
            "Usually on time, but at weekends it could be anyone.",
            "Better than it was, though I still get late visits now and then.",
        ),
        not_achieved=(
            "I never know who's coming or when. Sometimes nobody turns up.",
            "My lunch visit came at four o'clock twice last week.",
        ),
        helping=(
            "A rota on the fridge so I know who to expect.",
            "A small team of regular carers.",
        ),
        actions=(
            "Ask the provider for a regular team and a weekly rota",
            "Review missed visits with the provider",
        ),
    ),
    "improved_confidence_and_morale": Narrative(
        hope=(
            "I've lost my confidence completely. I want to feel like myself again.",
            "I'd like to stop feeling so low about everything.",
        ),
        achieved=(
            "I feel like myself again. I'd never have believed it a few months ago.",
            "My confidence is back. I even went into town on my own.",
        ),
        partly=(
            "I'm more confident in the house, less so when I'm out.",
            "My spirits are better, though I still have bad days.",
        ),
        not_achieved=(
            "I'm still very low and I don't feel any more confident.",
            "If anything my confidence has got worse.",
        ),
        helping=(
            "Small steps, and {helper} telling me how far I've come.",
            "Getting to {hobby} again.",
        ),
        actions=(
            "Agree small weekly goals and check in on them",
            "Refer for a course on managing low mood",
        ),
    ),
    "improved_skills": Narrative(
        hope=(
            "I want to learn to cook a few meals for myself.",
            "I'd like to manage my own money and bills.",
            "I want to be able to use the bus on my own.",
        ),
        achieved=(
            "I can make my own tea now, and I go to the shop myself.",
            "I pay my own bills now, with a bit of checking.",
            "I can get the bus on my own. I know which stop to get off at.",
        ),
        partly=(
            "I can do the easy meals but I still need help with the shopping list.",
            "I'm learning, though I still need someone with me for some things.",
        ),
        not_achieved=(
            "I haven't had the chance to learn anything new yet.",
            "I still rely on other people for the money side of things.",
        ),
        helping=(
            "Practising with {helper} every week.",
            "Picture cards for the steps.",
        ),
        actions=(
            "Weekly cooking sessions with the support worker",
            "Travel training for the route to {hobby}",
            "Set up a simple budget sheet and go through it monthly",
        ),
    ),
    "improved_mobility": Narrative(
        hope=(
            "I want to get walking again, at least to the end of the road.",
            "I'd like to manage the stairs without help.",
            "I want to get to {place} on my own.",
        ),
        achieved=(
            "I'm walking to {place} with my stick now.",
            "I can manage the stairs on my own again.",
        ),
        partly=(
            "I'm steadier indoors but I still can't manage far outside.",
            "Some days are good, on others my hip won't let me.",
        ),
        not_achieved=(
            "My walking is no better. I can't get past the front gate.",
            "I've had another fall and I'm back to the frame.",
        ),
        helping=(
            "The physiotherapy exercises, done every day.",
            "A walking stick and a rail by the front step.",
        ),
        actions=(
            "Referral to physiotherapy for an exercise programme",
            "Supported walks twice a week with the rehabilitation assistant",
        ),
    ),
    "reduced_symptoms": Narrative(
        hope=(
            "I want the pain to ease so I can sleep.",
            "I'd like to get the voices under control.",
            "I want to be less breathless.",
        ),
        achieved=(
            "The pain's much better. I'm sleeping through most nights.",
            "My symptoms are well under control now.",
        ),
        partly=(
            "It's eased a bit, but I still have bad nights.",
            "Better on the new medication, though there are side effects.",
        ),
        not_achieved=(
            "The pain is no better and it's wearing me down.",
            "My symptoms are as bad as ever.",
        ),
        helping=(
            "Regular pain relief and the hot water bottle.",
            "Seeing the same nurse each week.",
        ),
        actions=(
            "Medication review with the GP",
            "Referral to the pain clinic",
        ),
    ),
}

CARER_NARRATIVES: dict[str, Narrative] = {
    "cared_for_quality_of_life": Narrative(
        hope=(
            "I want {cared_for} to have a good life, not just be kept safe.",
            "I'd like {cared_for} to get out more and enjoy things again.",
        ),
        achieved=(
            "{Cared_for} is much happier. The day centre has made a real difference.",
            "{Cared_for} is doing well and that takes a weight off me.",
        ),
        partly=(
            "{Cared_for} has good days and bad days. The good are better than they were.",
            "Things are better for {cared_for}, though not everything is in place.",
        ),
        not_achieved=(
            "{Cared_for} has gone downhill and I don't think the support is enough.",
            "{Cared_for} isn't getting what they need, and I can see it.",
        ),
        helping=(
            "The day centre three days a week.",
            "The home carers who get on well with {cared_for}.",
        ),
        actions=(
            "Review {cared_for}'s own support plan",
            "Look into a place at the day centre for {cared_for}",
        ),
    ),
    "carer_health_and_wellbeing": Narrative(
        hope=(
            "I need to look after my own health. I've been putting it off for ages.",
            "I'm exhausted. I want to get a proper night's sleep.",
        ),
        achieved=(
            "I finally got my own operation done and I'm feeling stronger.",
            "I'm sleeping better and I feel more like myself.",
        ),
        partly=(
            "I'm coping, but I'm tired most of the time.",
            "I got to the doctor, but I still don't look after myself the way I should.",
        ),
        not_achieved=(
            "I'm worn out. My own health is suffering.",
            "I keep cancelling my appointments because I can't leave {cared_for}.",
        ),
        helping=(
            "A sitter so I can get to my own appointments.",
            "The carers' centre checking in on me.",
        ),
        actions=(
            "Arrange a sitter for the carer's hospital appointment",
            "Suggest the carer speaks to the GP about a health check",
        ),
    ),
    "life_of_their_own": Narrative(
        hope=(
            "I'd like a little time for myself, even just an afternoon a week.",
            "I used to love {hobby}. I'd like to get back to it.",
            "I want to see my friends again without worrying the whole time.",
        ),
        achieved=(
            "I have my Wednesdays to myself now and I go to {hobby}.",
            "I've got some of my own life back. I'd forgotten what that felt like.",
        ),
        partly=(
            "I get an odd afternoon, but it's not regular and I can't plan anything.",
            "I managed {hobby} a couple of times, then the sitting service stopped.",
        ),
        not_achieved=(
            "I have no time for myself at all. It's caring from morning to night.",
            "I've given up {hobby} completely. There's nobody to sit with {cared_for}.",
            "I haven't had a break since we last spoke.",
        ),
        helping=(
            "A sitting service one afternoon a week.",
            "{Relative} taking over on a Saturday morning.",
        ),
        actions=(
            "Apply for a short break through the carers' centre",
            "Ask about a regular sitting service",
            "Look into a day centre place to give the carer a regular break",
        ),
    ),
    "positive_relationship_with_cared_for": Narrative(
        hope=(
            "I want to be {cared_for}'s family again, not just the person who does everything.",
            "We used to laugh a lot. I'd like some of that back.",
        ),
        achieved=(
            "We're getting on much better. We've time to just enjoy each other.",
            "Now the personal care is done by the carers, I'm back to being family.",
        ),
        partly=(
            "We have our moments, but the strain shows.",
            "It's easier than it was, but we still argue more than we used to.",
        ),
        not_achieved=(
            "We're both at the end of our tether and it's affecting how we get on.",
            "The caring has taken over everything between us.",
        ),
        helping=(
            "The carers doing the personal care so I don't have to.",
            "Going out together for a coffee once a week.",
        ),
        actions=(
            "Review who does the personal care",
            "Offer the carers' support group",
        ),
    ),
    "freedom_from_financial_hardship": Narrative(
        hope=(
            "I had to give up work to care, and money is very tight.",
            "I want to make sure we're getting everything we're entitled to.",
        ),
        achieved=(
            "The benefits check made a big difference. We're managing now.",
            "Money's not a worry the way it was.",
        ),
        partly=(
            "We get a bit more now, but the heating bills still frighten me.",
            "Some of the forms are sorted, others are still waiting.",
        ),
        not_achieved=(
            "We're struggling to make ends meet.",
            "I'm still waiting on the carer's benefit and we're getting into debt.",
        ),
        helping=("The welfare rights officer going through the forms with me.",),
        actions=("Refer to welfare rights for a benefits check",),
    ),
    "choices_in_caring": Narrative(
        hope=(
            "I want to decide how much I can do, not have it assumed.",
            "I need it understood that I can't do the nights any more.",
        ),
        achieved=(
            "It's been agreed what I'll do and what the carers do. That's a relief.",
            "I feel I have a choice now about how much I take on.",
        ),
        partly=(
            "They listened, but the nights are still down to me.",
            "I have more choice than before, but not as much as I'd like.",
        ),
        not_achieved=(
            "It's just assumed I'll do it all.",
            "I've no choice. If I don't do it, nobody will.",
        ),
        helping=("Writing down in the plan what I can and can't do.",),
        actions=(
            "Complete an adult carer support plan with clear limits on caring",
            "Ask about overnight support",
        ),
    ),
    "informed_skilled_equipped": Narrative(
        hope=(
            "I want to understand {cared_for}'s condition and what to expect.",
            "I need to know how to move {cared_for} without hurting my back.",
        ),
        achieved=(
            "The course helped me understand what's happening and what to do.",
            "I know who to phone now and how to use the hoist safely.",
        ),
        partly=(
            "I know more than I did, but I still feel out of my depth at times.",
            "I've had some training, I'm still waiting on the equipment.",
        ),
        not_achieved=(
            "Nobody has explained anything. I'm finding out as I go.",
            "I still don't know what help is out there.",
        ),
        helping=(
            "The carers' course at the centre.",
            "A folder with all the phone numbers in one place.",
        ),
        actions=(
            "Book a place on the carers' information course",
            "Arrange moving and handling training at home",
        ),
    ),
    "satisfaction_in_caring": Narrative(
        hope=("I want to feel I'm doing a good job, not just getting through the day.",),
        achieved=(
            "I feel good about what I do. We make a good team.",
            "I know I'm doing right by {cared_for}, and that matters to me.",
        ),
        partly=("Some days I feel I've done well, other days I just feel guilty.",),
        not_achieved=("I feel I'm failing at it, no matter what I do.",),
        helping=(
            "Hearing from other carers at the group.",
            "The nurse telling me I'm doing well.",
        ),
        actions=("Offer the carers' peer support group",),
    ),
    "partnership_with_services": Narrative(
        hope=("I want the services to work with me, not around me.",),
        achieved=("They treat me as part of the team. I'm asked before anything changes.",),
        partly=("Some of them involve me, others just get on with it.",),
        not_achieved=("Decisions get made and I'm the last to know.",),
        helping=("Being invited to the review meeting.",),
        actions=("Invite the carer to the next review of {cared_for}'s support",),
    ),
    "valued_and_respected": Narrative(
        hope=("I'd like it recognised that I know {cared_for} better than anyone.",),
        achieved=(
            "They ask my opinion and they take it seriously.",
            "I feel respected as the person who knows {cared_for} best.",
        ),
        partly=("Mostly, though the hospital didn't ask me anything.",),
        not_achieved=("I feel like I'm just the unpaid help.",),
        helping=("Practitioners who ask me how {cared_for} has been.",),
        actions=("Record the carer's knowledge of {cared_for} in the support plan",),
    ),
    "having_a_say_in_services": Narrative(
        hope=("I want a say in what support we get, because it affects me too.",),
        achieved=("I had a real say in the plan and it fits round our life.",),
        partly=("I was asked, but the options were limited.",),
        not_achieved=("Nobody asked me what I thought.",),
        helping=("Being at the planning meeting.",),
        actions=("Go over the support options together before the plan is agreed",),
    ),
    "flexible_and_responsive": Narrative(
        hope=("When things change I need the help to change with them, quickly.",),
        achieved=("When {cared_for} got worse they added visits within the week.",),
        partly=("They adjust eventually, but it takes time.",),
        not_achieved=("Things changed months ago and the support is still the same.",),
        helping=("A worker who knows us and can act quickly.",),
        actions=("Review the care package now that needs have changed",),
    ),
    "relationship_with_practitioners": Narrative(
        hope=("I'd like one person I can talk to who knows our situation.",),
        achieved=("Our worker knows us well. I can tell them anything.",),
        partly=("I get on with the worker, but it keeps changing.",),
        not_achieved=("It's a different person every time and I'm tired of explaining.",),
        helping=("Having the same worker for a while now.",),
        actions=("Name a single contact worker for the carer",),
    ),
    "accessible_and_available": Narrative(
        hope=("I need to be able to get help without jumping through hoops.",),
        achieved=("I know where to go and it's easy to get hold of someone.",),
        partly=("It's there if you know how to ask, but it took me a long time to find out.",),
        not_achieved=("It's very hard to get hold of anyone, especially out of hours.",),
        helping=("The carers' centre drop-in.",),
        actions=("Give details of the carers' centre and the out-of-hours number",),
    ),
}

# Words for special circumstances, used instead of the general ones above.
RURAL_SEEING_PEOPLE = Narrative(
    hope=(
        "Out here it's miles to anywhere. I'd like to see people more than once a fortnight.",
        "I miss the lunch club in the village, but I've no way of getting there now.",
    ),
    achieved=("The volunteer driver takes me to the lunch club and I see everybody there.",),
    partly=(
        "I get to the lunch club when there's a lift, but that's not every week.",
        "I see folk when Nan can drive me, which isn't often.",
    ),
    not_achieved=(
        "The bus is twice a week and I can't manage the walk to the stop. I see nobody.",
        "Living out here, I'm cut off. Nobody's been by except the carers.",
        "I can't get into the village any more, so I don't see my friends.",
    ),
    helping=("A neighbour who gives me a lift when she's going in.",),
    actions=(
        "Ask the community transport scheme about a weekly lift to the village",
        "Look into a befriender who can visit at home",
    ),
)

BARRIER_WORDS: dict[str, tuple[str, ...]] = {
    "transport": (
        "The bus only runs twice a week out here and a taxi costs too much.",
        "I can't drive now and the community transport is booked up.",
        "It's a long way into town and there's nobody to take me.",
    ),
    "staffing": (
        "The carers keep changing, so I'm forever explaining things again.",
        "Visits get cut short when they're short-staffed.",
        "My worker left and there's been nobody since.",
    ),
    "resources": (
        "There's a waiting list for everything.",
        "There isn't the money for what would really help.",
        "I was told it would be months before anything could start.",
    ),
    "time_limited": (
        "The support finished after six weeks, before I was ready.",
        "Respite is only a few nights a year.",
        "It was only ever going to be a short spell of help.",
    ),
    "information": (
        "I didn't know what was out there until somebody mentioned it.",
        "Nobody told me what I could ask for.",
    ),
    "not_joined_up": (
        "I've told my story to the GP, the hospital and social work, and none of them talk "
        "to each other.",
        "Health and social care each think the other one is sorting it.",
    ),
    "other": (
        "Being unwell over the winter set me back.",
        "Things at home have been difficult lately.",
    ),
}

CARER_BARRIER_WORDS: dict[str, tuple[str, ...]] = {
    "transport": (
        "Getting anywhere means two buses, and I can't leave {cared_for} that long.",
        "I gave up driving, so everything depends on lifts.",
    ),
    "staffing": (
        "The sitter cancels when they're short-staffed, usually on the day.",
        "Every time the carers change, I have to train the new ones myself.",
    ),
    "resources": (
        "There's a long waiting list for short breaks.",
        "The sitting service only has so many hours to go round.",
        "We can't afford to pay for extra help ourselves.",
    ),
    "time_limited": (
        "The respite is only a few nights a year, and it goes in no time.",
        "The sitting service was for twelve weeks and then it stopped.",
        "The support was always going to be short-term.",
    ),
    "information": (
        "I didn't know I could ask for a carer's assessment until last month.",
        "Nobody told me about the carers' centre.",
    ),
    "not_joined_up": (
        "The hospital discharged {cared_for} without telling anyone at home.",
        "The GP, the nurses and social work all ask me the same questions.",
    ),
    "other": (
        "My own health has been poor this year.",
        "{Cared_for} won't accept help from anyone but me.",
    ),
}


@dataclass(frozen=True)
class GoalWords:
    """What one of several goals under an outcome sounds like at each stage."""

    hope: str
    achieved: str
    partly: str
    not_achieved: str


# Bob (``casestudies``), relearning two different things after his stroke, both counted under
# "improved skills": the computer (to keep in touch with family far away) and the household
# money he always looked after. Two goals with their own words and status; the outcome's own
# status at review is still the one the measures and dashboards count.
SKILLS_GOALS: tuple[GoalWords, ...] = (
    GoalWords(
        hope="Get back on the computer so I can see the family on a video call.",
        achieved="I'm on the computer most days and I video call the family every Sunday.",
        partly="I can read my emails again, but setting up a video call still beats me.",
        not_achieved="I haven't got back to the computer. The mouse is too fiddly for my hand.",
    ),
    GoalWords(
        hope="Take back part of the bills and the banking, with Nan beside me.",
        achieved="I'm doing the household money again, and Nan only checks it now and then.",
        partly="I pay the regular bills myself now, but I get Nan to look over the bigger things.",
        not_achieved="The figures still swim when I look at a statement, so the banking waits.",
    ),
)
