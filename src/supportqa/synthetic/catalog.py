"""What the synthetic help desk supports: the company, its products, teams, agents and problems.

The roster is fixed (names and ids never change between runs), so generated datasets can be
joined; only the agents' latent quality is drawn per seed (see `world.build_roster`).
"""

from __future__ import annotations

from dataclasses import dataclass

from supportqa.synthetic.problems_billing_accounts import ACCOUNTS, BILLING
from supportqa.synthetic.problems_technical_shipping import SHIPPING, TECHNICAL

COMPANY = "Sparky Home"

PRODUCTS: dict[str, str] = {
    "hub": "Sparky Hub 2",
    "cam_in": "Sparky Cam Indoor",
    "cam_out": "Sparky Cam Outdoor",
    "plug": "Sparky Smart Plug",
    "thermo": "Sparky Thermostat",
    "bell": "Sparky Video Doorbell",
    "plus": "Sparky Plus subscription",
}

PLANS = ("Sparky Plus", "Sparky Plus Family", "Sparky Plus Pro")
COURIERS = ("UPS", "DHL", "FedEx", "Royal Mail", "DPD")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AMOUNTS = ("$9.99", "$14.99", "$29.00", "$49.99", "$59.00", "$89.99", "$129.00", "$199.00")


@dataclass(frozen=True)
class Problem:
    """A support problem with everything needed to write a conversation about it.

    Every text may use the placeholders {product} {order} {amount} {last4} {email} {day} {tracking}
    {courier} {plan}; `asks` is the customer's full description, `short` a terse one.
    """

    key: str
    team: str
    products: tuple[str, ...]
    subjects: tuple[str, ...]
    asks: tuple[str, ...]
    short: tuple[str, ...]
    clarify: tuple[str, ...]
    details: tuple[str, ...]
    solutions: tuple[str, ...]
    partials: tuple[str, ...]
    dead_ends: tuple[str, ...]
    notes: tuple[str, ...]
    article: str
    tags: tuple[str, ...]


def _problem(key: str, team: str, raw: dict[str, tuple[str, ...] | str]) -> Problem:
    def many(name: str) -> tuple[str, ...]:
        value = raw[name]
        return (value,) if isinstance(value, str) else value

    article = raw["article"]
    return Problem(
        key=key,
        team=team,
        products=tuple(PRODUCTS[p] for p in many("products")),
        subjects=many("subjects"),
        asks=many("asks"),
        short=many("short"),
        clarify=many("clarify"),
        details=many("details"),
        solutions=many("solutions"),
        partials=many("partials"),
        dead_ends=many("dead_ends"),
        notes=many("notes"),
        article=article if isinstance(article, str) else article[0],
        tags=many("tags"),
    )


TEAM_PROBLEMS: dict[str, dict[str, dict[str, tuple[str, ...] | str]]] = {
    "Billing": BILLING,
    "Technical": TECHNICAL,
    "Accounts": ACCOUNTS,
    "Shipping": SHIPPING,
}

PROBLEMS: tuple[Problem, ...] = tuple(
    _problem(key, team, raw)
    for team, problems in TEAM_PROBLEMS.items()
    for key, raw in problems.items()
)

TEAM_SHARE: dict[str, float] = {"Billing": 0.3, "Technical": 0.3, "Accounts": 0.2, "Shipping": 0.2}

# (agent id, full name, style); styles: warm, formal, brisk, casual.
AGENTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Billing": (
        ("agt-101", "Sam Carter", "warm"),
        ("agt-102", "Priya Nair", "formal"),
        ("agt-103", "Diego Alvarez", "casual"),
        ("agt-104", "Hannah Okafor", "warm"),
        ("agt-105", "Lukas Weber", "brisk"),
        ("agt-106", "Mei Chen", "formal"),
        ("agt-107", "Tom Whitaker", "casual"),
    ),
    "Technical": (
        ("agt-201", "Aisha Bello", "warm"),
        ("agt-202", "Ravi Patel", "brisk"),
        ("agt-203", "Jonas Berg", "formal"),
        ("agt-204", "Chloe Martin", "casual"),
        ("agt-205", "Kenji Sato", "brisk"),
        ("agt-206", "Olivia Brooks", "warm"),
        ("agt-207", "Marco Rossi", "casual"),
        ("agt-208", "Fatima Zahra", "formal"),
    ),
    "Accounts": (
        ("agt-301", "Noah Kim", "casual"),
        ("agt-302", "Elena Petrova", "formal"),
        ("agt-303", "Grace Mensah", "warm"),
        ("agt-304", "Liam O'Connor", "brisk"),
        ("agt-305", "Sofia Lindqvist", "warm"),
        ("agt-306", "Omar Haddad", "formal"),
    ),
    "Shipping": (
        ("agt-401", "Zoe Turner", "casual"),
        ("agt-402", "Mateo Silva", "warm"),
        ("agt-403", "Amara Obi", "brisk"),
        ("agt-404", "Ben Fischer", "formal"),
        ("agt-405", "Yuki Tanaka", "warm"),
    ),
}

BOT = {"id": "bot-sparky", "name": "Sparky bot"}
BOT_TEAM = "Self-service"

CUSTOMER_FIRST = (
    "Maria", "James", "Aaliyah", "Wei", "Fiona", "Carlos", "Ngozi", "Pierre", "Anika", "Dmitri",
    "Lucy", "Mohammed", "Sara", "Tomasz", "Isabel", "Kwame", "Hiroshi", "Emma", "Rahul", "Ingrid",
    "Jack", "Leila", "Pedro", "Chiara", "Daniel", "Yasmin", "Oscar", "Nadia", "Felix", "Rosa",
    "Arjun", "Beatriz", "Connor", "Dalia", "Erik", "Farah", "Gustavo", "Helen", "Ivan", "Julia",
    "Kai", "Lena", "Malik", "Nora", "Owen", "Paula", "Quentin", "Rina", "Stefan", "Tanya",
)  # fmt: skip
CUSTOMER_LAST = (
    "Lopez", "Smith", "Johnson", "Zhang", "Murphy", "Garcia", "Adeyemi", "Dubois", "Schmidt",
    "Ivanov", "Brown", "Khan", "Rossi", "Nowak", "Fernandez", "Mensah", "Yamamoto", "Wilson",
    "Sharma", "Larsen", "Taylor", "Haddad", "Costa", "Bianchi", "Cohen", "Aziz", "Novak", "Petrov",
    "Moreau", "Santos", "Gupta", "Oliveira", "Walsh", "Farouk", "Nilsson", "Rahman", "Ribeiro",
    "Clarke", "Popescu", "Weiss",
)  # fmt: skip
