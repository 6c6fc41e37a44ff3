"""The built-in phrases the rule scorers look for, kept as plain text.

Regexes are built from these lists (see `alternation`), so `builtin_phrases()` can list every
literal the rules react to; a test keeps the synthetic generator's phrase pools free of them, so the
rules are measured on text that was not written to please them. Name-shaped introductions
("Anna here", "this is Anna from Acme") are templates, not literals, and are not listed.

Many rules are structures rather than sentences: short lists joined by a few free words ("hope ~
helps" for "I hope the new firmware helps"), or a role plus a verb ("<customer/visitor/...> <left/
hung up/...>"). Those are listed by their pieces; rules.py and compliance.py show how they join.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from typing import Any

from supportqa.signals.pii import (
    PASSWORD_CUES,
    PASSWORD_LINKS,
    PASSWORD_MODIFIERS,
    PASSWORD_SETTERS,
    PIN_CUES,
)

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

# --- closing ------------------------------------------------------------------------------------
# Closings are built from short word lists joined by up to a few free words (see rules.py), so
# "is there anything more we can do for you today" and "what else can I help with" both count
# without either wording being listed. Patterns below are described as "<list> ~ <list>", where "~"
# stands for up to two (or three) free words.

# "anything else", "anything further" ...; "something else" only before "I/we".
FURTHER_HELP: tuple[str, ...] = (
    "anything else",
    "anything more",
    "anything further",
    "is there anything",
    "what else",
    "will that be all",
    "is that all",
    "glad i could help",
    "glad to help",
    "happy to help",
)
SOMETHING_ELSE: tuple[str, ...] = ("something else", "something more")
# "can I help (you) with anything/something?"
HELP_WITH: tuple[str, ...] = ("help", "assist")
HELP_WITH_WHAT: tuple[str, ...] = ("anything", "something")
# "<any/for/need ...> ~ <other/further ...> ~ <topic>": "if you have any other questions",
# "for further assistance", "should you need more help".
MORE_LEADS: tuple[str, ...] = ("any", "for", "need", "needs", "have", "got", "with", "no")
MORE_WORDS: tuple[str, ...] = ("other", "further", "additional", "more")
HELP_TOPICS: tuple[str, ...] = (
    "question",
    "questions",
    "issue",
    "issues",
    "problem",
    "problems",
    "concern",
    "concerns",
    "query",
    "queries",
    "trouble",
    "troubles",
    "help",
    "assistance",
    "support",
    "info",
    "information",
    "details",
)
# Invitations to come back: "<lead> ~ <contact verb>" ("feel free to give us a shout", "don't
# hesitate to get back to me") and "<contact verb> ~ <trigger>" ("reach out anytime", "let us know
# if anything else comes up").
INVITE_LEADS: tuple[str, ...] = (
    "feel free",
    "free to",
    "hesitate",
    "welcome to",
    "can always",
    "can also",
)
CONTACT_VERBS: tuple[str, ...] = (
    "reach out",
    "reach us",
    "reach me",
    "contact us",
    "contact me",
    "contact our",
    "contact support",
    "write to us",
    "write to me",
    "write back",
    "write in",
    "reply to this",
    "reply here",
    "reply back",
    "respond to this",
    "message us",
    "message me",
    "email us",
    "email me",
    "ping us",
    "ping me",
    "call us",
    "call me",
    "call back",
    "ring us",
    "text us",
    "chat with us",
    "chat again",
    "get in touch",
    "get back in touch",
    "hit reply",
    "come back",
    "pop back",
    "give us",
    "give me",
    "drop us",
    "drop me",
    "dm us",
    "dm me",
    "pm us",
    "send us a",
    "shoot us",
    "hit us up",
    "tweet us",
    "just shout",
    "just ask",
    "start a new",
    "open a new",
    "start another",
    "open another",
    "ask away",
    "ask us",
    "ask me",
    "give a shout",
    "let us know",
    "let me know",
)
CONTACT_TRIGGERS: tuple[str, ...] = (
    "anytime",
    "any time",
    "again",
    "whenever",
    "if you",
    "if there",
    "if anything",
    "if something",
    "if i can",
    "if we can",
    "should you",
    "should anything",
    "should there",
    "in case",
    "here",
)
# "get back to us", "reach back out", "drop us a line": invitations on their own.
COME_BACK: tuple[str, ...] = (
    "get back to us",
    "get back to me",
    "reach back out",
    "us a shout",
    "me a shout",
    "us a line",
    "me a line",
    "us a call",
    "a message away",
    "a click away",
    "a call away",
    "a chat away",
    "an email away",
    "don't be a stranger",
    "keep us posted",
    "keep me posted",
    "keep us updated",
    "keep me updated",
    "where to find us",
)
# "let us know how it goes", "let me know how you get on": an invitation to report back.
LET_KNOW: tuple[str, ...] = ("let us know how", "let me know how")
HOW_IT_GOES: tuple[str, ...] = ("it", "you", "that", "things", "everything", "this")
GOES: tuple[str, ...] = ("goes", "go", "get on", "gets on", "went", "works", "worked", "turns out")
# Offers: "<if/should/in case> you ~ <need/have ...> ~ <anything/questions ...>" ("should you
# need any more help"), "if <something> ~ <comes up>", "if <the issue> ~ <persists>".
IF_YOU: tuple[str, ...] = ("if you", "should you", "in case you", "whenever you", "if you ever")
# "any questions, just shout", "got any problems?": a bare "any <topic>" before a comma or "?".
ANY_TOPIC: tuple[str, ...] = ("any",)
IF_YOU_VERBS: tuple[str, ...] = (
    "need",
    "have",
    "run into",
    "hit",
    "notice",
    "see",
    "get",
    "want",
    "think of",
    "come across",
    "experience",
    "require",
    "face",
    "encounter",
)
IF_YOU_OBJECTS: tuple[str, ...] = (
    "us",
    "me",
    "anything",
    "something",
    "more",
    "else",
    "further",
    "other",
    "additional",
    "help",
    "questions",
    "issues",
    "problems",
    "trouble",
    "assistance",
    "support",
)
IF_SOMETHING: tuple[str, ...] = ("anything", "something", "there is anything", "there's anything")
COMES_UP: tuple[str, ...] = (
    "comes up",
    "crops up",
    "pops up",
    "changes",
    "goes wrong",
    "happens",
    "else",
)
IF_ISSUE: tuple[str, ...] = ("it", "this", "that", "the issue", "the problem", "the error")
ISSUE_RETURNS: tuple[str, ...] = (
    "persists",
    "persist",
    "happens again",
    "comes back",
    "recurs",
    "returns",
    "reappears",
    "keeps happening",
    "shows up again",
    "starts again",
)
# "I'm/we're ~ <here/around/available> <if/whenever ...>".
WE_ARE: tuple[str, ...] = ("i'm", "i am", "we're", "we are", "i'll be", "we'll be", "team is")
AVAILABLE: tuple[str, ...] = ("here", "around", "available", "always here", "online")
AVAILABLE_WHEN: tuple[str, ...] = (
    "if",
    "whenever",
    "should",
    "for you",
    "any time",
    "anytime",
    "24/7",
    "in case",
    "to help",
    "when",
)
# "hope ~ <helps/clears ...>": "I hope this helps", "hope the new firmware sorts it out".
HOPE_OUTCOMES: tuple[str, ...] = (
    "help",
    "helps",
    "helped",
    "helpful",
    "useful",
    "clear",
    "clears",
    "answer",
    "answers",
    "answered",
    "solve",
    "solves",
    "solved",
    "sort",
    "sorts",
    "sorted",
    "fix",
    "fixes",
    "fixed",
    "resolve",
    "resolves",
    "resolved",
    "work",
    "works",
    "trick",
    "sense",
)
# "<glad/happy ...> <I/we could ...>", "<glad> to <help/hear>", "glad it's working".
GLAD_WORDS: tuple[str, ...] = ("glad", "happy", "pleased", "delighted", "great", "good")
GLAD_STRICT: tuple[str, ...] = ("glad", "happy", "pleased", "delighted")
GLAD_WE_GOT: tuple[str, ...] = ("i got", "we got")
GLAD_WE_COULD: tuple[str, ...] = (
    "i could",
    "we could",
    "i was able",
    "we were able",
    "i managed",
    "we managed",
)
GLAD_TO: tuple[str, ...] = ("to help", "to assist", "to hear", "to be of", "to have helped")
GLAD_THAT: tuple[str, ...] = (
    "it",
    "it's",
    "that",
    "that's",
    "this",
    "everything",
    "everything's",
    "things",
    "all",
    "you",
    "you're",
)
WORKING_NOW: tuple[str, ...] = (
    "working",
    "works",
    "sorted",
    "resolved",
    "fixed",
    "solved",
    "back",
    "running",
    "fine",
    "okay",
    "ok",
    "set",
)
PLEASURE: tuple[str, ...] = (
    "a pleasure",
    "my pleasure",
    "our pleasure",
    "you're welcome",
    "you are welcome",
    "you're very welcome",
    "you're most welcome",
    "no worries at all",
    "no problem at all",
)
PLEASURE_WORDS: tuple[str, ...] = ("pleasure", "nice", "great", "lovely", "good")
# "<pleasure word> [to] <verb>": "pleasure chatting", "nice to talk".
PLEASURE_DOING: tuple[str, ...] = (
    "chatting",
    "talking",
    "speaking",
    "helping",
    "assisting",
    "chat",
    "talk",
    "speak",
    "help",
    "assist",
)
# Thanks: "thanks/thank you <so much/again ...>" or "thanks for ~ <patience/contacting ...>"
# anywhere in the last replies; any thanks at all in the last sentences of the final reply.
THANKS_WORDS: tuple[str, ...] = (
    "thanks",
    "thank you",
    "thank u",
    "thx",
    "thanks heaps",
    "ty",
    "much appreciated",
    "cheers",
)
THANKS_INTENSIFIERS: tuple[str, ...] = (
    "so much",
    "very much",
    "again",
    "kindly",
    "a lot",
    "a million",
    "a bunch",
    "a ton",
    "once again",
)
CLOSING_THANKS_FOR: tuple[str, ...] = (
    "contacting",
    "reaching",
    "patience",
    "getting",
    "understanding",
    "time",
    "business",
    "choosing",
    "writing",
    "chatting",
    "calling",
    "bearing",
    "being",
    "cooperation",
    "trust",
    "support",
    "loyalty",
    "feedback",
    "flagging",
    "reporting",
    "sticking",
    "using",
    "asking",
    "stopping",
    "dropping",
    "popping",
    "visiting",
    "chat",
    "call",
    "conversation",
)
# "Enjoy your new hub!", "Enjoy!" in the last sentences.
ENJOY: tuple[str, ...] = ("enjoy",)
ENJOY_WHAT: tuple[str, ...] = ("your", "the new", "it", "them")
# "[I/we] appreciate <it/your ...>" in the last sentences.
APPRECIATE: tuple[str, ...] = ("appreciate",)
APPRECIATE_WHAT: tuple[str, ...] = ("it", "your", "you", "that", "the", "this")
THANKS_AGAIN: tuple[str, ...] = ("thanks again", "thank you again")
# Warm wishes: "<have/enjoy ...> <a/the rest of ...> ~ <day/evening ...>".
WISH_VERBS: tuple[str, ...] = (
    "have",
    "enjoy",
    "wish you",
    "wishing you",
    "have yourself",
    "hope you have",
    "hope you enjoy",
    "hope you're having",
)
WISH_ARTICLES: tuple[str, ...] = ("a", "an", "your", "the", "the rest of", "rest of")
# "... the rest of your day" is a wish wherever it stands.
REST_OF: tuple[str, ...] = ("rest of your", "rest of the")
WISH_PERIODS: tuple[str, ...] = (
    "day",
    "evening",
    "weekend",
    "night",
    "afternoon",
    "morning",
    "week",
    "holiday",
    "holidays",
    "vacation",
    "trip",
    "rest",
    "christmas",
    "summer",
    "year",
)
# Check-ins that the request is done: "did that answer your question?", "was I able to help?".
DID_THAT: tuple[str, ...] = ("did", "does", "has", "have")
DID_WHO: tuple[str, ...] = ("that", "this", "i", "we", "it")
ANSWERED: tuple[str, ...] = (
    "answer",
    "answered",
    "resolve",
    "resolved",
    "solve",
    "solved",
    "cover",
    "covered",
    "clear up",
    "cleared up",
)
ANSWERED_WHAT: tuple[str, ...] = (
    "question",
    "questions",
    "query",
    "issue",
    "problem",
    "everything",
)
WERE_WE_ABLE: tuple[str, ...] = ("was i able to", "were we able to")
ABLE_TO: tuple[str, ...] = ("help", "assist", "resolve", "answer", "solve", "sort")
# Answers to thanks, as a sentence of their own: "No problem!", "No worries."
NO_PROBLEM: tuple[str, ...] = ("no problem", "no worries", "not a problem")
# Letting the customer go: "I'll leave you to it".
LET_GO: tuple[str, ...] = ("leave you to it", "let you get on", "let you go")
# "Any time!" answering thanks, on its own.
ANY_TIME: tuple[str, ...] = ("any time", "anytime")
# "Happy <weekday/weekend/holidays/...ing>!" and "Stay <safe/warm ...>!" ending a sentence.
HAPPY: tuple[str, ...] = ("happy",)
STAY: tuple[str, ...] = ("stay",)
# Good wishes and sign-offs anywhere in the last replies ("regards" not in "with regards to").
GOODBYES: tuple[str, ...] = (
    "take care",
    "bye",
    "goodbye",
    "good bye",
    "bye-bye",
    "farewell",
    "all the best",
    "best wishes",
    "good luck",
    "best of luck",
    "stay safe",
    "stay well",
    "be well",
    "kind regards",
    "best regards",
    "warm regards",
    "warmest regards",
    "many regards",
    "cheers",
    "sincerely",
    "warmly",
    "yours truly",
    "happy holidays",
    "happy new year",
    "happy weekend",
    "until next time",
    "till next time",
    "catch you later",
    "have fun",
    "take it easy",
    "look after yourself",
    "keep well",
    "good night",
    "goodnight",
    "have a good one",
    "have a great one",
    "have a nice one",
)
# "regards" as a sign-off, not in "with regards to".
REGARDS: tuple[str, ...] = ("regards",)
TALK_VERBS: tuple[str, ...] = ("talk", "speak", "chat", "see you", "see ya", "catch you")
TALK_WHEN: tuple[str, ...] = ("soon", "later", "next time", "again soon", "around")

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

# --- forbidden phrases ----------------------------------------------------------------------------
# Word-level equivalences applied to the configured phrases and to agent text alike, so a team's
# "not my problem" also catches "not our issue", "that's your fault" catches "it was your own
# fault" and "I don't care" catches "I couldn't care less". Only swaps that keep a phrase as rude as
# the original (no "told" -> "mentioned": "as I mentioned" is ordinary in polite replies).
# Inflected forms are listed where stemming differs.
FORBIDDEN_EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("problem", "issue", "concern"),
    ("job", "responsibility"),
    ("my", "our"),
    ("that", "it", "this"),
    ("is", "was"),
    ("fault", "mistake"),
    ("told", "said", "explained"),
    ("as", "like"),
    ("stop", "quit"),
    ("calm", "settle"),
    ("already", "before"),
    ("read", "check", "checked"),
    ("complain", "complaining", "whine", "whining", "moan", "moaning"),
    ("should", "ought"),
    ("do", "does", "did", "could", "would"),
)
# A phrase opening with one of these before three or more words also matches without it: "as I
# already told you" catches "I've already told you".
FORBIDDEN_OPTIONAL_LEADS: tuple[str, ...] = ("as", "like", "just")
# Adverbs that may stand anywhere near the rest of the phrase, in its clause: "as I already told
# you" also as "as I told you already" or "like I said before".
FORBIDDEN_FLOATING: tuple[str, ...] = ("already", "really", "even")
# Inserted between a phrase's words, a negation turns it around ("it's not your fault").
FORBIDDEN_NEGATIONS: tuple[str, ...] = ("not", "never", "no")
# A phrase opening with a verb ("deal with it", "calm down") is an order to the customer. Looking
# back from it through its clause, the first of these words decides: an order when "you" comes
# first ("I need you to calm down"), none after the agent as subject, a subordinator or a
# determiner ("I'll deal with it", "let me deal with this", "once things calm down", "here's the
# deal with this offer").
ORDER_TARGETS: tuple[str, ...] = ("you",)
# ... unless the agent offers to help with it: "let me help you deal with it".
ORDER_HELPERS: tuple[str, ...] = ("help", "helping", "let", "assist", "allow", "support")
ORDER_BLOCKERS: tuple[str, ...] = (
    "i",
    "we",
    "me",
    "us",
    "let",
    "help",
    "how",
    "way",
    "once",
    "until",
    "when",
    "after",
    "before",
    "while",
    "if",
    "since",
    "because",
    "the",
    "a",
    "an",
    "this",
    "that",
    "our",
    "your",
    "great",
    "good",
    "best",
    "things",
)
# Phrases opening with these words are not verb-led.
NOT_VERB_LEADS: tuple[str, ...] = (
    "i",
    "you",
    "we",
    "he",
    "she",
    "they",
    "it",
    "that",
    "this",
    "there",
    "not",
    "no",
    "never",
    "as",
    "like",
    "whatever",
    "what",
    "why",
    "your",
    "my",
    "our",
    "if",
    "so",
)

# --- required disclosure --------------------------------------------------------------------------
# Synonym groups for the content words of a configured disclosure: "this conversation is monitored
# for training" covers "this call may be recorded for quality purposes". Matched as written (then
# stemmed as the disclosure's own words are): "monitored"/"monitoring" but not "I'll monitor the
# line"; no "phone" or "tape" ("your phone number is recorded", "tap the button").
DISCLOSURE_EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("call", "calls", "line", "lines", "conversation", "conversations"),
    ("record", "records", "recorded", "recording", "recordings", "monitored", "monitoring"),
    ("quality", "training", "coaching"),
    ("purpose", "purposes", "reason", "reasons"),
)


def alternation(phrases: Iterable[str]) -> str:
    """One non-capturing group matching any of `phrases`, built as a character trie so the regex
    engine tests one branch per character instead of every phrase at every position. Longer
    wordings win, so the quoted span is the fullest phrase."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return "(?:" + _trie_pattern(trie) + ")"


def _atom(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    return re.escape(char)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [_atom(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def greeting_phrases() -> list[str]:
    leads = (*THANKS_LEADS,)
    thanks = [f"{lead} for {what}" for lead, what in product(leads, GREETING_THANKS_FOR)]
    return [*GREETING_WORDS, *WELCOME_WORDS, *SALUTATIONS, *thanks, *INTRODUCTIONS]


def _pairs(firsts: Iterable[str], seconds: Iterable[str], link: str = "") -> list[str]:
    joint = f" {link} " if link else " "
    return [f"{a}{joint}{b}" for a, b in product(firsts, tuple(seconds))]


def closing_phrases() -> list[str]:
    """Literal closings, and the pieces of the composed ones (their shortest wordings)."""
    return [
        *FURTHER_HELP,
        *SOMETHING_ELSE,
        *_pairs(HELP_WITH, HELP_WITH_WHAT, "with"),
        *MORE_LEADS,
        *_pairs(MORE_WORDS, HELP_TOPICS),
        *INVITE_LEADS,
        *CONTACT_VERBS,
        *CONTACT_TRIGGERS,
        *COME_BACK,
        *LET_KNOW,
        *HOW_IT_GOES,
        *GOES,
        *IF_YOU,
        *IF_YOU_VERBS,
        *ANY_TOPIC,
        *IF_YOU_OBJECTS,
        *COMES_UP,
        *ISSUE_RETURNS,
        *WE_ARE,
        *_pairs(AVAILABLE, AVAILABLE_WHEN),
        *_pairs(("hope",), HOPE_OUTCOMES),
        *_pairs(GLAD_WORDS, GLAD_WE_COULD),
        *GLAD_STRICT,
        *GLAD_WE_GOT,
        *_pairs(GLAD_WORDS, GLAD_TO),
        *_pairs(GLAD_WORDS, GLAD_THAT),
        *_pairs(("if",), IF_SOMETHING),
        *_pairs(("if",), IF_ISSUE),
        *WORKING_NOW,
        *PLEASURE,
        *PLEASURE_WORDS,
        *PLEASURE_DOING,
        *THANKS_WORDS,
        *_pairs(THANKS_WORDS, THANKS_INTENSIFIERS),
        "for",
        *CLOSING_THANKS_FOR,
        *_pairs(APPRECIATE, APPRECIATE_WHAT),
        *_pairs(ENJOY, ENJOY_WHAT),
        *_pairs(REST_OF, WISH_PERIODS),
        *THANKS_AGAIN,
        *WISH_VERBS,
        *WISH_ARTICLES,
        *WISH_PERIODS,
        *GOODBYES,
        *REGARDS,
        *ANY_TIME,
        *DID_THAT,
        *DID_WHO,
        *ANSWERED,
        *ANSWERED_WHAT,
        *WERE_WE_ABLE,
        *ABLE_TO,
        *NO_PROBLEM,
        *LET_GO,
        *HAPPY,
        *STAY,
        *_pairs(TALK_VERBS, TALK_WHEN),
    ]


def customer_left_phrases() -> list[str]:
    return [
        *_pairs(LEFT_SUBJECTS, LEAVE_VERBS),
        *_pairs(LEFT_SUBJECTS, END_VERBS),
        *_pairs(LEFT_SUBJECTS, LEFT_STATES),
        *_pairs(SESSION_WORDS, SESSION_ENDS),
        *_pairs(LEFT_EVENT_VERBS, LEFT_SUBJECTS, "by"),
        *_pairs(END_VERBS, LEFT_EVENT_THINGS),
        *_pairs(NO_RESPONSE, LEFT_SUBJECTS),
        *LINE_DROPPED,
    ]


def forbidden_vocabulary() -> list[str]:
    """The words a configured forbidden phrase may be matched through (the phrases themselves are
    in the scorecard)."""
    return [*(word for group in FORBIDDEN_EQUIVALENTS for word in group), *FORBIDDEN_FLOATING]


def disclosure_vocabulary() -> list[str]:
    return [word for group in DISCLOSURE_EQUIVALENTS for word in group]


def password_phrases() -> list[str]:
    """The password cues of the PII detector (signals/pii.py), as literal phrases."""
    cues = [*PASSWORD_CUES, *PIN_CUES]
    stated = [f"{cue} {link}" for cue, link in product(cues, PASSWORD_LINKS)]
    named = [f"{modifier} {cue}" for modifier, cue in product(PASSWORD_MODIFIERS, cues)]
    named += [f"{modifier} pass" for modifier in PASSWORD_MODIFIERS]
    return [*cues, *stated, *named, *PASSWORD_SETTERS, "as"]


def builtin_phrases() -> list[str]:
    """Every literal phrase or keyword the built-in rule scorers look for, as lower-case text.
    Composed patterns ("hope ~ helps", "<subject> <leave verb>") are listed by their pieces and
    shortest wordings. Guard lists that only stop a match (LEFT_OBJECTS, LEFT_NOT_NAMES,
    FORBIDDEN_NEGATIONS, ORDER_*, NOT_VERB_LEADS) are not phrases the rules look for."""
    phrases = (
        greeting_phrases()
        + closing_phrases()
        + customer_left_phrases()
        + forbidden_vocabulary()
        + disclosure_vocabulary()
        + password_phrases()
    )
    return sorted({" ".join(p.lower().split()) for p in phrases})
