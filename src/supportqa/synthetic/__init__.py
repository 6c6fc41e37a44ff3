"""Synthetic support conversations with ground truth, and simulated human reviews of them.

`generate_conversations(n, seed)` yields conversation dicts (the JSONL contract) whose
`metadata.truth` records every injected defect; `simulate_reviews(conversations, seed)` yields
ratings lines from three reviewers with planted habits (`REVIEWER_HABITS`). Both are deterministic
per seed.
"""

from supportqa.synthetic.generator import generate_conversations
from supportqa.synthetic.reviewers import REVIEWER_HABITS, simulate_reviews

__all__ = ["REVIEWER_HABITS", "generate_conversations", "simulate_reviews"]
