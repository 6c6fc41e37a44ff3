"""Every sentence template the synthetic generator writes, kept apart from the scorers' phrases.

The generator must not echo the phrases the rule scorers look for (greeting and closing keywords,
forbidden phrases, required disclosures, password cues): a dataset written with the scorers' own
words would make every detector look perfect. Greetings and closings therefore use other wording;
rude lines paraphrase the forbidden phrases (half still match in order with one extra word, half
need fuzzy matching); compliant calls paraphrase the recording disclosure.
`tests/synthetic/test_disjoint_phrases.py` checks this against
`supportqa.scorers.phrases.builtin_phrases()` and the default scorecard.

Placeholders: {agent} {agent2} {customer} {team} {team2} {company} {article} {card} {password}
{handle} {short} {product} {ask}; the problem texts in `problems_*.py` add their own (see
`catalog.Problem`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

# Greetings open with one of these words, never with an introduction formula. (Not a template.)
GREETING_WORDS = frozenset(
    {"hi", "hello", "hey", "hiya", "morning", "afternoon", "evening", "dear"}
)
GREETINGS_CHAT: dict[str, tuple[str, ...]] = {
    "warm": (
        "Hello {customer}! {agent} with the {team} desk.",
        "Hi {customer}, {agent} on the {team} desk here.",
        "Hey there, {agent} from {team} speaking.",
    ),
    "formal": (
        "Hello {customer}, {agent} from the {team} team, at your service.",
        "Hello {customer}. {agent} in {team} on this chat.",
    ),
    "brisk": ("Hi {customer}, {agent} here.", "Hi, {agent} from {team}."),
    "casual": (
        "Hey {customer} 👋 {agent} here from {team}.",
        "Hiya, you've got {agent} in {team}.",
    ),
}
GREETINGS_TIME: dict[str, tuple[str, ...]] = {
    "morning": ("Morning, {customer}! {agent} picking this one up.",),
    "afternoon": ("Afternoon, {customer}! {agent} from {team} jumping in.",),
    "evening": ("Evening, {customer}! {agent} from {team} on the late shift.",),
}
GREETINGS_MINIMAL = ("Hi there.", "Hey there.", "Hello there.")
GREETINGS_EMAIL = (
    "Hi {customer},\n\n{agent} from the {team} team here.",
    "Hello {customer},\n\n{agent} in {team} picking up your email.",
    "Dear {customer},\n\nYou've reached {agent} on the {team} desk.",
)
GREETINGS_VOICE = (
    "Hi, you're through to {company} {team}, {agent} speaking.",
    "Hello, {team} desk, you've got {agent}.",
    "Hiya, {agent} in {team}, what's up?",
)
GREETINGS_SOCIAL = (
    "Hey {customer}! {agent} from the {team} crew here 👋",
    "Hi {handle}, {agent} from {team} jumping in.",
)
PICKUPS = (
    "Hi {customer}, {agent} from {team} picking this up.",
    "Hello {customer}, {agent} in {team} has your case now.",
)
VOICE_NO_GREETING = ("Yeah, go ahead.", "Okay, what's the issue?", "Go on.")

# Closings: offer more help, thank, or say goodbye, in words the closing scorer does not list.
CLOSINGS_CHAT: dict[str, tuple[str, ...]] = {
    "warm": (
        "Is there something more I can sort out for you?",
        "Really pleased we got there together. Bye for now!",
        "Grateful for your patience today, {customer}.",
        "Wishing you a lovely evening!",
    ),
    "formal": (
        "A pleasure to assist, {customer}. Goodbye for now.",
        "Should you need us again, this chat is open around the clock. Goodbye!",
    ),
    "brisk": ("All sorted then. Bye for now!", "Done on my side. Cheers!"),
    "casual": (
        "Shout if it acts up again. Bye for now! ✌️",
        "Cheers for bearing with me on this one!",
    ),
}
CLOSINGS_MINIMAL = ("Cheers then.", "Okay, bye then.")
CLOSINGS_EMAIL = (
    "If there's something more I can sort out, just hit reply.\n\nWarm wishes,\n{agent}\n{team}",
    "Hope that clears it up!\n\nCheers,\n{agent}, {company} {team}",
    "Grateful for your patience with this one.\n\nAll good wishes,\n{agent}",
)
CLOSINGS_VOICE = (
    "Brilliant, you're all set. Bye now!",
    "Is there something more I can sort out today? No? Lovely, bye now.",
    "Cheers for calling in, {customer}. Bye now!",
)
CLOSINGS_SOCIAL = ("Glad that's sorted! DM us any time 💬", "Sorted! Bye for now 👋")
EMAIL_NO_CLOSING = "— {agent}, {team}"

DISCLOSURES = (
    "Just a heads-up, calls are recorded for quality and training.",
    "Quick note that we record our calls to help with training.",
    "Before we start, the line is recorded for quality checks.",
    "This conversation is recorded so we can keep improving.",
)

# Rude paraphrases of the forbidden phrases. TOKEN ones match in order with at most one extra word
# (plus simple stemming); FUZZY ones need the scorer's fuzzy matching.
RUDE_TOKEN = (
    "Honestly, that is not really my problem.",
    "Fixing that is not exactly my job.",
    "Please just calm right down.",
    "You should really have read the terms first.",
    "As I have already told you, it is what it is.",
    "Frankly that's entirely your fault.",
    "I really don't care which option you pick.",
    "Stop your complaining and try it.",
)
RUDE_FUZZY = (
    "That's honestly not really something that's my problem to solve.",
    "You need to relax and calm yourself.",
    "This isn't part of my job description.",
    "If you'd read the instructions you wouldn't be here.",
    "I've explained this to you already.",
    "The blame here is on you, not us.",
    "You'll just have to live with that.",
    "Honestly it makes no difference to me.",
    "Quit moaning about it.",
    "Okay, whatever you reckon.",
)

EMPATHY_GENERAL = (
    "I can see how frustrating this has been.",
    "That sounds genuinely annoying, and I get why you're fed up.",
    "What a rotten experience, I'd be irritated too.",
)
EMPATHY_FORMULAIC = ("Apologies for the inconvenience.", "We regret any trouble caused.")
# (what a distressed customer adds, the agent's specific acknowledgement of it)
DISTRESS: tuple[tuple[str, str], ...] = (
    (
        "This is the third time I've had to contact you about this.",
        "Having to come back three times about one problem is exhausting, and that's on us. I'll "
        "make sure this is the last time.",
    ),
    (
        "I really need this working before work tomorrow, I'm stressed out.",
        "With work tomorrow hanging on this I can imagine how stressful tonight feels, so let's "
        "get it fixed now.",
    ),
    (
        "My elderly mum relies on this and I'm worried sick.",
        "Knowing your mum depends on it, no wonder you're worried; I'll treat this as urgent.",
    ),
    (
        "Money is tight this month and this has really upset me.",
        "When money is tight a mistake like this hits hard, and I'm sorry it landed on you.",
    ),
)

ACKS: dict[str, tuple[str, ...]] = {
    "warm": (
        "Right, let's get this sorted for you!",
        "Ooh, good catch, let me dig in.",
        "Lovely, that's everything I need.",
    ),
    "neutral": (
        "Okay, checking now.",
        "One moment while I look into this.",
        "Got it, give me a minute.",
    ),
    "curt": ("Checking.", "Wait.", "Looking."),
}
HOLDS_VOICE = ("Bear with me one sec while I pull that up.", "Okay, pulling up your account.")
WORDY = (
    "For context, this relates to how the entitlement service reconciles your device against the "
    "provisioning ledger on our backend, which is asynchronous.",
    "Technically the backend batch job re-syncs the account state, so the change propagates once "
    "the cache invalidates.",
)
CONFUSING = (
    "Basically the sync thing on the other side needs the token thing redone, so once it goes "
    "through it should be that.",
    "It's the flag on the profile, which if it's set means the other one doesn't, so that's it.",
)
CONFUSED_CUSTOMER = ("Sorry, what does that mean?", "I don't follow, can you say that more simply?")

REACT_RESOLVED = (
    "That worked, cheers!",
    "Perfect, all sorted now.",
    "Brilliant, much appreciated.",
    "Oh great, that did it.",
)
REACT_PARTIAL = ("Okay, I'll try that, but it's not really fixed.", "Fine, I'll wait then.")
REACT_DEAD_END = ("So there's nothing you can do? Great.", "That's really disappointing.")
REACT_WRONG = ("Tried that already, still the same.", "Did that, no change.")
REACT_MISREAD = ("That's not what I asked though.", "No, my question was about something else.")
PUSHBACK = ("Why is this taking so long?", "Hello? Are you still there?", "Can you actually help?")
CUSTOMER_LAST = ("You too!", "Cheers, you too!", "Ta.", "👍")

STYLE_OPENERS: dict[str, tuple[str, ...]] = {
    "polite": ("Hello, I hope you're well.", "Hi there, hoping you can help me."),
    "chatty": ("Hi! Hope your week is going better than mine, haha.", "Hey hey! Long story, but"),
    "angry": ("This is getting ridiculous.", "Honestly, I'm fed up."),
    "non_native": ("Respected team,", "Dear support team,", "Hello sir,"),
    "terse": (),
}
STYLE_EXTRAS: dict[str, tuple[str, ...]] = {
    "chatty": (
        "I've been with you for years and usually love the stuff.",
        "My kids use the app too so it's a big deal in our house.",
    ),
    "angry": ("I want this fixed TODAY.", "Unbelievable!!"),
}
STYLE_CLOSERS: dict[str, tuple[str, ...]] = {
    "polite": ("Many thanks in advance.", "Appreciate your help!"),
    "chatty": ("Anyway, sorry for the essay!", "Okay that's all, ta!"),
    "angry": ("Sort it out.", "Not impressed."),
    "non_native": ("Please kindly help me for this issue.", "Waiting your answer."),
    "terse": ("pls fix", "??", "asap"),
}
EMAIL_SIGNOFFS = (
    "Many thanks,\n{customer}",
    "Best,\n{customer}",
    "Sent from my iPhone",
    "{customer}",
)

BOT_GREETING = "Hi! I'm Sparky bot 🤖 Tell me what's going on and I'll point you the right way."
BOT_ARTICLE = "This guide might sort it: “{article}”. Did it help?"
BOT_HANDOFF = "Let me connect you with a specialist. Someone from {team} will be with you shortly."
BOT_SOLVED = "Brilliant, glad that did the trick! Ping me here whenever you need me."
BOT_GAVE_UP = "I couldn't fix this one, but a human is available on the Help page around the clock."
TO_BOT_NO = ("No, I need a person.", "talk to human", "That didn't help.")
TO_BOT_YES = ("Yes that did it, ty", "Oh that worked!")
TO_BOT_GIVE_UP = ("This bot is useless, I'll call instead.",)

TRANSFERS = (
    "This one belongs with our {team2} folks, so I'm passing you across now.",
    "{team2} can sort this properly, so I'm transferring you to them.",
)
TRANSFER_SYSTEM = "Conversation transferred from {agent} to {agent2} ({team2})."
TRANSFER_NOTE = "Handover to {team2}: {short}."
NOTES = (
    "Customer verified via email code.",
    "Third contact this month, keep an eye on it.",
    "Checked account history, nothing unusual.",
)
CUSTOMER_LEFT = ("{customer} left the chat.", "Chat window closed by the visitor.")
IVR = "IVR menu: {team}. Caller said: “{short}”"
VOICE_FILLERS = ("Um, ", "Uh, ", "So, ", "Yeah, ", "Right, ", "Okay so ")
VOICE_CUSTOMER_BYE = ("Okay, bye.", "Cheers, bye.", "Great, bye!")

CARD_LEAKS = ("Updated! The card on file is now {card}.", "The refund is going back to {card}.")
PASSWORD_LEAKS = (
    "I've reset your password to {password}, change it after you sign in.",
    "Use {password} as the password for now.",
)
PASSWORD_WORDS = ("Blue", "Otter", "Maple", "Quartz", "Tiger", "Comet", "Lemon", "River")
CUSTOMER_CARD = ("My card number is {card} if that helps.", "Use this card instead: {card}")

THANKS_NOTES = (
    "No problem this time, just wanted to say {agent2} was brilliant on the phone last week!",
    "The new {product} is great, cheers for the quick delivery!",
)
SUBJECTS_THANKS = ("Compliment for the team", "Feedback on my last contact")
THANKS_REPLIES = (
    "That's so lovely to hear, I'll pass it straight on to {agent2}.",
    "That made my day, I'll share it with the whole team!",
)

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, tuple | list | frozenset):
        for item in value:
            yield from _strings(item)


def strip_placeholders(template: str) -> str:
    """Drop `{name}` placeholders: the words either side then count as adjacent (the stricter
    reading for the disjointness test)."""
    return _PLACEHOLDER.sub("", template)


def generator_phrases() -> list[str]:
    """Every template the generator can write, placeholders stripped (see `strip_placeholders`).

    Covers the pools above and the problem texts in `problems_*.py`, but not `GREETING_WORDS`,
    which is a word list for checking the output rather than something the generator writes.
    """
    from supportqa.synthetic.catalog import TEAM_PROBLEMS

    pools: Iterable[Any] = [
        v for k, v in globals().items() if k.isupper() and k != "GREETING_WORDS"
    ]
    texts = list(_strings(list(pools)))
    for problems in TEAM_PROBLEMS.values():
        for raw in problems.values():
            texts.extend(_strings({k: v for k, v in raw.items() if k not in ("products", "tags")}))
    return sorted({strip_placeholders(t) for t in texts})
