"""System events that mean the customer left before the agent could close."""

from __future__ import annotations

from supportqa.scorers.phrases.patterns import pairs

# --- the customer left ----------------------------------------------------------------------------
# System events (and public bot messages) after the agent's last reply. Structure, not sentences:
# "<subject> [has] <leave verb>", "<chat/window> [was] <closed/ended> by [the] <subject>",
# "<subject>'s <session> <timed out>", "no response from [the] <subject>"; in system messages a
# capitalised name may stand for the subject ("Maria left the chat") unless it names staff.

LEFT_SUBJECTS: tuple[str, ...] = (
    "customer",
    "visitor",
    "user",
    "caller",
    "client",
    "guest",
    "end user",
    "end-user",
    "contact",
    "member",
    "requester",
    "shopper",
    "buyer",
    "consumer",
    "chat visitor",
    "website visitor",
)
# Leaving as such: these also mark a named person's leaving.
LEAVE_VERBS: tuple[str, ...] = (
    "left",
    "disconnected",
    "hung up",
    "hang up",
    "exited",
    "quit",
    "dropped",
    "dropped off",
    "dropped out",
    "abandoned",
    "logged off",
    "logged out",
    "signed off",
    "signed out",
    "timed out",
    "navigated away",
    "went away",
    "went idle",
    "went offline",
    "went inactive",
    "went quiet",
    "went silent",
    "became idle",
    "became inactive",
    "became unresponsive",
    "stopped responding",
    "disappeared",
    "is idle",
    "is offline",
    "is inactive",
    "is away",
    "is unresponsive",
    "is no longer",
    "is not responding",
    "has gone",
    "closed the window",
    "closed the chat window",
    "closed the tab",
    "closed the browser",
    "closed the widget",
    "closed their browser",
    "closed the page",
)
# Ending the conversation: the customer's doing only when the subject says so ("customer ended the
# chat"), or when the name is the customer's (agents close conversations too).
END_VERBS: tuple[str, ...] = ("closed", "ended", "terminated", "cancelled", "canceled")
# States a subject can be tagged with: "Visitor idle", "customer inactivity".
LEFT_STATES: tuple[str, ...] = (
    "idle",
    "inactive",
    "inactivity",
    "offline",
    "unresponsive",
    "timeout",
    "timed-out",
    "disconnect",
    "disconnection",
)
# What a subject's session is: "the visitor's session timed out".
SESSION_WORDS: tuple[str, ...] = (
    "session",
    "connection",
    "chat",
    "call",
    "line",
    "browser",
    "window",
    "tab",
)
SESSION_ENDS: tuple[str, ...] = (
    "timed out",
    "expired",
    "ended",
    "closed",
    "dropped",
    "disconnected",
    "was lost",
    "lost",
    "was dropped",
    "was closed",
    "was ended",
)
# Passive events: "... <closed> by [the] <subject or name>"; what was closed does not matter.
# The things a subject can end ("the customer ended the chat").
LEFT_EVENT_THINGS: tuple[str, ...] = (
    "chat",
    "conversation",
    "call",
    "session",
    "window",
    "chat window",
    "tab",
    "widget",
    "page",
    "line",
)
LEFT_EVENT_VERBS: tuple[str, ...] = (
    "left",
    "closed",
    "ended",
    "terminated",
    "abandoned",
    "disconnected",
    "dropped",
    "exited",
)
NO_RESPONSE: tuple[str, ...] = ("no response from", "no reply from", "no answer from")
# The phone line itself failing: the agent could not close either.
LINE_DROPPED: tuple[str, ...] = (
    "call dropped",
    "line dropped",
    "connection lost",
    "lost connection",
)
# Words that make a leave event hypothetical when they precede it in its sentence ("this chat will
# close if the visitor is inactive for 5 minutes").
LEFT_HYPOTHETICAL: tuple[str, ...] = (
    "if",
    "when",
    "whenever",
    "unless",
    "once",
    "until",
    "will",
    "may",
    "might",
    "would",
    "should",
)
# Capitalised words that open system messages without naming a person.
LEFT_NOT_NAMES: tuple[str, ...] = (
    "agent",
    "assistant",
    "bot",
    "operator",
    "representative",
    "rep",
    "advisor",
    "support",
    "team",
    "system",
    "we",
    "you",
    "i",
    "it",
    "this",
    "the",
    "chat",
    "conversation",
    "session",
    "call",
    "ticket",
    "everyone",
    "nobody",
)
# After "left", words that make it something else than leaving ("left a rating", "left feedback").
LEFT_OBJECTS: tuple[str, ...] = (
    "a",
    "an",
    "some",
    "their",
    "his",
    "her",
    "rating",
    "feedback",
    "review",
    "comment",
    "note",
    "message",
    "voicemail",
    "survey",
    "reply",
    "score",
    "tip",
)


def customer_left_phrases() -> list[str]:
    return [
        *pairs(LEFT_SUBJECTS, LEAVE_VERBS),
        *pairs(LEFT_SUBJECTS, END_VERBS),
        *pairs(LEFT_SUBJECTS, LEFT_STATES),
        *pairs(SESSION_WORDS, SESSION_ENDS),
        *pairs(LEFT_EVENT_VERBS, LEFT_SUBJECTS, "by"),
        *pairs(END_VERBS, LEFT_EVENT_THINGS),
        *pairs(NO_RESPONSE, LEFT_SUBJECTS),
        *LINE_DROPPED,
    ]
