"""What opens a first reply: greeting words, salutations, thanks for reaching out, introductions."""

from __future__ import annotations

from itertools import product

# --- greeting -----------------------------------------------------------------------------------

GREETING_WORDS: tuple[str, ...] = (
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "good day",
)
WELCOME_WORDS: tuple[str, ...] = ("welcome",)  # not after "you're" / "you are"
# Only as the first word of a message ("Dear Ms Smith", "Morning Sam!"); elsewhere not greetings.
SALUTATIONS: tuple[str, ...] = ("dear", "morning", "afternoon", "evening")
THANKS_LEADS: tuple[str, ...] = (
    "thanks",
    "thank you",
    "many thanks",
    "thanks so much",
    "thank you so much",
    "thanks very much",
    "thank you very much",
)
GREETING_THANKS_FOR: tuple[str, ...] = (
    "contacting",
    "reaching out",
    "writing",
    "writing in",
    "calling",
    "your patience",
    "getting in touch",
    "your message",
    "waiting",
)
INTRODUCTIONS: tuple[str, ...] = (
    "my name is",
    "you're speaking with",
    "you're chatting with",
    "you are speaking with",
    "you are chatting with",
)
# Templates: "<lead> <Capitalised Name> <link>" and "<Capitalised Name> here" opening a sentence.
NAME_INTRO_LEADS: tuple[str, ...] = ("this is", "i'm", "i am")
NAME_INTRO_LINKS: tuple[str, ...] = ("from", "with", "at")
NOT_NAMES: tuple[str, ...] = (
    "click",
    "tap",
    "look",
    "see",
    "go",
    "come",
    "start",
    "sign",
    "log",
    "check",
    "reply",
    "respond",
    "write",
    "read",
    "right",
    "just",
    "over",
    "in",
    "out",
)


def greeting_phrases() -> list[str]:
    leads = (*THANKS_LEADS,)
    thanks = [f"{lead} for {what}" for lead, what in product(leads, GREETING_THANKS_FOR)]
    return [*GREETING_WORDS, *WELCOME_WORDS, *SALUTATIONS, *thanks, *INTRODUCTIONS]
