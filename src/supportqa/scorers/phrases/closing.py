"""What closes a conversation: offers of further help, invitations back, thanks, wishes, sign-offs."""

from __future__ import annotations

from supportqa.scorers.phrases.patterns import pairs

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
    "grateful",
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
    "safe travels",
    "safe trip",
    "safe journey",
    "safe drive",
    "safe flight",
    "drive safely",
    "travel safely",
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


def closing_phrases() -> list[str]:
    """Literal closings, and the pieces of the composed ones (their shortest wordings)."""
    return [
        *FURTHER_HELP,
        *SOMETHING_ELSE,
        *pairs(HELP_WITH, HELP_WITH_WHAT, "with"),
        *MORE_LEADS,
        *pairs(MORE_WORDS, HELP_TOPICS),
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
        *pairs(AVAILABLE, AVAILABLE_WHEN),
        *pairs(("hope",), HOPE_OUTCOMES),
        *pairs(GLAD_WORDS, GLAD_WE_COULD),
        *GLAD_STRICT,
        *GLAD_WE_GOT,
        *pairs(GLAD_WORDS, GLAD_TO),
        *pairs(GLAD_WORDS, GLAD_THAT),
        *pairs(("if",), IF_SOMETHING),
        *pairs(("if",), IF_ISSUE),
        *WORKING_NOW,
        *PLEASURE,
        *PLEASURE_WORDS,
        *PLEASURE_DOING,
        *THANKS_WORDS,
        *pairs(THANKS_WORDS, THANKS_INTENSIFIERS),
        "for",
        *CLOSING_THANKS_FOR,
        *pairs(APPRECIATE, APPRECIATE_WHAT),
        *pairs(ENJOY, ENJOY_WHAT),
        *pairs(REST_OF, WISH_PERIODS),
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
        *pairs(TALK_VERBS, TALK_WHEN),
    ]
