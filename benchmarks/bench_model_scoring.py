"""Model scoring throughput: the default scorecard (model criteria + CX) against the bare encoder.

Prints figures, not a pass/fail. In one process, on N generated conversations (parsed and validated
before any timing):

1. Model scoring: `ScoringEngine(default_scorecard())` in batches of 500 with a cold embedding
   cache (a fresh `EmbeddingCache` over `--encoder` through `set_shared_cache`; the model is loaded
   and warmed up on the encoder directly, so the cache starts empty and the load is not timed).
   Reports conversations/s, sentences seen, unique sentences encoded, the cache hit rate, and where
   the wall time goes: encoder calls, cache bookkeeping, sentence splitting + detector matching,
   and the rest split into each scorer's own time, the CX step and the engine itself.
2. Baseline in the same run: a fresh encoder of the same kind (same batch size and threads,
   warmed up) encodes the same unique sentences in one call. Ratio = (unique sentences encoded /
   scoring wall time) ÷ (bare encoder sentences/s); goal ≥ 0.7, i.e. the encoder is the limit.
3. Rules-only: the same conversations with the default scorecard cut down to its rule criteria
   (greeting, closing, responsiveness, pii_exposure, forbidden_phrases, required_disclosure) and
   `cx: {enabled: false}`; goal ≥ 2,000 conversations/s. Asserts the encoder is never called.

The machine is shared: every phase also prints this process's CPU time / wall time ("cores", 1.0 =
one full core), the cores other processes kept busy meanwhile ("others", from /proc/stat) and the
load average, so a slow figure can be told apart from a starved one; the encoder calls made while
scoring are also split into quiet ones (others < 0.25 cores) and busy ones.
With prefetching, "others" in the model-scoring row includes this run's own background encoder
process (a child of this one), so there it measures that process's work plus any contention.

    python benchmarks/bench_model_scoring.py --n 20000 [--json] [--profile 2000] [--threads 1]
        [--encoder int8|int8-weights|onnx|minilm]

`--threads` sets the encoder's threads for scoring and baseline: $SUPPORTQA_ENCODER_THREADS for the
ONNX encoders (side-by-side single-thread sessions), `torch.set_num_threads` for `minilm` (OpenMP
settings such as `OMP_WAIT_POLICY=PASSIVE` are read when torch loads: set them in the environment).
`--profile N` adds a cProfile of N conversations scored again with a warm cache (no encoding).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import supportqa.scorers.model as model_scorers
import supportqa.scoring.engine as engine_module
from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import Scorecard, default_scorecard
from supportqa.models.embeddings import (
    ENCODERS,
    EmbeddingCache,
    Encoder,
    Vectors,
    make_encoder,
    make_encoder_name,
    set_shared_cache,
)
from supportqa.models.markers import conversation_sentences
from supportqa.scoring import profiles
from supportqa.synthetic import generate_conversations

BATCH = 500
ENCODER = "auto"
"""Which sentence encoder (`--encoder`); see `supportqa.models.embeddings.make_encoder`."""
PREFETCH = True
"""Encode batch k+1 in a child process while scoring batch k, as `supportqa score` does
(`--no-prefetch`: one after the other, as before issue 19)."""
RATIO_GOAL = 0.7
RULES_GOAL = 2000.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine have spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


@dataclass
class Phase:
    """Wall time, this process's CPU time over it, the cores other processes kept busy meanwhile
    (contention on a shared machine), the 1-minute load average after."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    others_cpu_s: float = 0.0
    load: float = 0.0

    @property
    def cores(self) -> float:
        return self.cpu_s / self.wall_s if self.wall_s else 0.0

    @property
    def others(self) -> float:
        return max(0.0, self.others_cpu_s / self.wall_s) if self.wall_s else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "wall_s": self.wall_s,
            "cores_used": self.cores,
            "other_processes_cores": self.others,
            "load_after": self.load,
        }


@contextmanager
def timed() -> Iterator[Phase]:
    phase = Phase()
    c0, m0, t0 = cpu_seconds(), machine_busy_seconds(), time.perf_counter()
    try:
        yield phase
    finally:
        phase.wall_s = time.perf_counter() - t0
        phase.cpu_s = cpu_seconds() - c0
        phase.others_cpu_s = machine_busy_seconds() - m0 - phase.cpu_s
        phase.load = os.getloadavg()[0]


@dataclass
class Call:
    texts: int
    phase: Phase


class TimedEncoder:
    """Delegates to an encoder, keeping every call's size and timing and every text it was given."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.kind = getattr(inner, "kind", None)  # lets the cache start its background encoder
        self.calls: list[Call] = []
        self.texts: list[str] = []

    @property
    def seconds(self) -> float:
        return sum(call.phase.wall_s for call in self.calls)

    def encode(self, texts: Sequence[str]) -> Vectors:
        with timed() as phase:
            vectors = self.inner.encode(texts)
        self.calls.append(Call(len(texts), phase))
        self.texts.extend(texts)
        return vectors


def call_rates(calls: Sequence[Call], quiet_below: float = 0.25) -> dict[str, float]:
    """Sentences/s of the encoder calls of at least 64 texts: overall, and split by whether other
    processes kept less than `quiet_below` cores busy during the call."""
    big = [c for c in calls if c.texts >= 64]

    def rate(selected: list[Call]) -> float:
        seconds = sum(c.phase.wall_s for c in selected)
        return sum(c.texts for c in selected) / seconds if seconds else 0.0

    quiet = [c for c in big if c.phase.others < quiet_below]
    busy = [c for c in big if c.phase.others >= quiet_below]
    return {
        "calls": len(big),
        "rate": rate(big),
        "quiet_calls": len(quiet),
        "quiet_rate": rate(quiet),
        "busy_calls": len(busy),
        "busy_rate": rate(busy),
        "quiet_below_cores": quiet_below,
    }


class TimedCache(EmbeddingCache):
    """An EmbeddingCache that also keeps the time spent in `embed` (hashing, lookups, encoder), the
    time this process spent blocked on the background encoder, and every text it was given."""

    def __init__(self, encoder: Encoder) -> None:
        super().__init__(encoder)
        self.seconds = 0.0
        self.waited = 0.0
        self.texts: dict[str, None] = {}

    def embed(self, texts: Sequence[str]) -> Vectors:
        t0 = time.perf_counter()
        self.texts.update(dict.fromkeys(texts))
        try:
            return super().embed(texts)
        finally:
            self.seconds += time.perf_counter() - t0

    def prefetch(self, texts: Sequence[str]) -> None:
        self.texts.update(dict.fromkeys(texts))
        super().prefetch(texts)

    def wait(self) -> None:
        t0 = time.perf_counter()
        try:
            super().wait()
        finally:
            self.waited += time.perf_counter() - t0


@contextmanager
def timed_prepare_markers() -> Iterator[list[float]]:
    """Time `prepare_markers` (sentence split + embed + detector matching) wherever scoring calls
    it: the model scorers and the engine's CX step import it by name, so both names are swapped.

    Yields a one-element list holding the running total in seconds.
    """
    name = "prepare_markers"
    modules = (model_scorers, engine_module)
    original: Callable[..., None] = getattr(model_scorers, name)
    total = [0.0]

    def wrapper(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            original(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - t0

    for module in modules:
        setattr(module, name, wrapper)
    try:
        yield total
    finally:
        for module in modules:
            setattr(module, name, original)


def rules_only_scorecard() -> Scorecard:
    """The default scorecard's rule criteria only (no writing checks, no model, no CX)."""
    return profiles.rules_only(
        default_scorecard(), keep=profiles.RULE_SCORERS, name="default-rules-only"
    )


def instrument(
    engine: engine_module.ScoringEngine, markers_s: list[float], own_s: dict[str, float]
) -> None:
    """Time every scorer of `engine` and its CX step into `own_s`, minus the `prepare_markers` time
    spent inside them (counted once, under encode / cache / detectors): benchmark-only surgery on
    the engine's private `_bound` scorers and `_add_cx`."""

    def timing(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            m0, t0 = markers_s[0], time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - t0 - (markers_s[0] - m0)
                own_s[name] = own_s.get(name, 0.0) + spent

        return wrapper

    for key, bound in list(engine._bound.items()):
        name = f"scorer {bound.ref.name}"
        engine._bound[key] = replace(bound, score_batch=timing(name, bound.score_batch))
    method = "_add_cx"
    setattr(engine, method, timing("CX score + resolution outcome", getattr(engine, method)))


def score_all(
    card: Scorecard,
    conversations: Sequence[Conversation],
    instrumented: tuple[list[float], dict[str, float]] | None = None,
) -> None:
    engine = engine_module.ScoringEngine(card)
    if instrumented:
        instrument(engine, *instrumented)
    batches = [conversations[s : s + BATCH] for s in range(0, len(conversations), BATCH)]
    done = 0
    for batch in engine_module.prefetching(engine, batches) if PREFETCH else batches:
        engine.score(batch)
        done += len(batch)
        if done % 5000 == 0 or done == len(conversations):
            log(f"  scored {done:,}")


def model_scoring(conversations: Sequence[Conversation]) -> tuple[dict[str, Any], list[str]]:
    card = default_scorecard()
    encoder = TimedEncoder(make_encoder(ENCODER))
    with timed() as load:
        encoder.inner.encode(["warm up the model", "and its first-run allocations"])
    cache = TimedCache(encoder)
    own_s: dict[str, float] = {}
    set_shared_cache(cache)
    log(f"model scoring {len(conversations):,} conversations (cold cache)...")
    try:
        with timed_prepare_markers() as markers_s, timed() as phase:
            score_all(card, conversations, (markers_s, own_s))
    finally:
        set_shared_cache(None)
        cache.close()
    seen = cache.stats.hits + cache.stats.encoded
    encode_s, embed_s, prepare_s = encoder.seconds, cache.seconds, markers_s[0]
    figures = {
        "model_load_s": load.wall_s,
        "conversations_per_s": len(conversations) / phase.wall_s,
        **phase.as_dict(),
        "sentences_seen": seen,
        "unique_encoded": cache.stats.encoded,
        "cache_hit_rate": cache.stats.hits / seen if seen else 0.0,
        "encoder_calls": len(encoder.calls),
        "blocked_on_background_s": cache.waited,
        "encoder_call_rates": call_rates(encoder.calls),
        "unique_per_s": cache.stats.encoded / phase.wall_s,
        "encode_rate_in_scoring": cache.stats.encoded / encode_s if encode_s else 0.0,
        "time_s": {
            "encode": encode_s,
            "cache_bookkeeping": embed_s - encode_s,
            "sentences_and_detectors": prepare_s - embed_s,
            "rest": phase.wall_s - prepare_s,
        },
        "rest_s": {
            **dict(sorted(own_s.items(), key=lambda kv: -kv[1])),
            "engine: analyses, checks, reviews": phase.wall_s - prepare_s - sum(own_s.values()),
        },
    }
    return figures, list(cache.texts)  # cold cache, no eviction: the unique sentences encoded


def bare_encoder(texts: list[str]) -> dict[str, Any]:
    encoder = make_encoder(ENCODER)  # default batch size, as in scoring
    encoder.encode(texts[: encoder.batch_size])  # warm-up: lazy load, first-run allocations
    log(f"bare encoder on the same {len(texts):,} unique sentences...")
    with timed() as phase:
        encoder.encode(texts)
    return {
        "sentences": len(texts),
        "batch_size": encoder.batch_size,
        "sentences_per_s": len(texts) / phase.wall_s,
        **phase.as_dict(),
    }


class NeverEncoder:
    """Fails any call, and counts them: the engine turns a scorer's exception into a `failed`
    score, so the count is what proves the encoder was never reached."""

    name = "never"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        raise AssertionError(f"rules-only scoring reached the encoder with {len(texts)} texts")


def rules_only(conversations: Sequence[Conversation]) -> dict[str, Any]:
    card = rules_only_scorecard()
    never = NeverEncoder()
    set_shared_cache(EmbeddingCache(never))
    log(f"rules-only scoring ({', '.join(card.keys)})...")
    try:
        engine_module.ScoringEngine(card).score(conversations[:50])  # warm-up: lazy loads
        with timed() as phase:
            score_all(card, conversations)
        assert never.calls == 0, f"rules-only scoring called the encoder {never.calls} times"
    finally:
        set_shared_cache(None)
    rate = len(conversations) / phase.wall_s
    return {
        "criteria": card.keys,
        "conversations_per_s": rate,
        **phase.as_dict(),
    }


def profile_warm(conversations: Sequence[Conversation], top: int = 15) -> str:
    """cProfile of scoring `conversations` with a warm cache (no encoding): what else costs."""
    cache = EmbeddingCache(make_encoder(ENCODER))
    set_shared_cache(cache)
    try:
        # warm: every sentence is cached first, so nothing is left to encode while profiling
        cache.embed([s for c in conversations for s in _sentences(c)])
        score_all(default_scorecard(), conversations[:1])  # and the detectors' exemplars
        profiler = cProfile.Profile()
        profiler.enable()
        score_all(default_scorecard(), conversations)
        profiler.disable()
    finally:
        set_shared_cache(None)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _sentences(conversation: Conversation) -> list[str]:
    return [s.text for s in conversation_sentences(conversation)]


def encoder_threads(wanted: int) -> int:
    """Set the encoder's threads when asked; the number in effect."""
    if ENCODER != "minilm":
        from supportqa.models.onnx_encoder import THREADS_ENV, encoder_threads

        if wanted:
            os.environ[THREADS_ENV] = str(wanted)
        return encoder_threads()
    import torch

    if wanted:
        torch.set_num_threads(wanted)
    return int(torch.get_num_threads())


def print_table(n: int, model: dict[str, Any], bare: dict[str, Any], rules: dict[str, Any]) -> None:
    ratio = model["unique_per_s"] / bare["sentences_per_s"]
    wall = model["wall_s"]
    print(f"{n:,} generated conversations, scored in batches of {BATCH} in one process")
    print(
        f"encoder load + warm-up (not timed below): {model['model_load_s']:.1f} s; "
        f"{model['encoder_calls']} encoder calls in this process while scoring; blocked "
        f"{model['blocked_on_background_s']:.1f} s on the background encoder"
    )
    print()
    print(f"{'phase':<44} {'figure':>10} {'wall s':>8} {'cores':>6} {'others':>7} {'load':>5}")
    rows = [
        ("model scoring, cold cache (conversations/s)", model["conversations_per_s"], model),
        ("  unique sentences encoded / scoring wall s", model["unique_per_s"], model),
        ("bare encoder, same unique sentences (/s)", bare["sentences_per_s"], bare),
        ("rules-only scoring (conversations/s)", rules["conversations_per_s"], rules),
    ]
    for label, figure, phase in rows:
        print(
            f"{label:<44} {figure:>10,.0f} {phase['wall_s']:>8.1f} {phase['cores_used']:>6.2f} "
            f"{phase['other_processes_cores']:>7.2f} {phase['load_after']:>5.1f}"
        )
    print()
    print(
        f"sentences seen {model['sentences_seen']:,}; unique encoded {model['unique_encoded']:,}; "
        f"cache hit rate {model['cache_hit_rate']:.1%}"
    )
    print(
        f"ratio (unique encoded / scoring wall s) ÷ bare encoder sentences/s = {ratio:.2f} "
        f"(goal ≥ {RATIO_GOAL}: {'met' if ratio >= RATIO_GOAL else 'MISSED'})"
    )
    verdict = "met" if rules["conversations_per_s"] >= RULES_GOAL else "MISSED"
    print(
        f"rules-only {rules['conversations_per_s']:,.0f} conversations/s "
        f"(goal ≥ {RULES_GOAL:,.0f}: {verdict})"
    )
    print()
    print(
        "where model-scoring wall time goes"
        + (
            " (the next batch is encoded in a child process meanwhile; 'encoder calls' are"
            " this process's own):"
            if PREFETCH
            else ":"
        )
    )
    labels = {
        "encode": "encoder calls",
        "cache_bookkeeping": "cache: hashing, lookups, copying vectors",
        "sentences_and_detectors": "sentence split + detector matching",
        "rest": "rule + model scorer logic, CX, reviews",
    }
    for key, label in labels.items():
        seconds = model["time_s"][key]
        print(f"  {label:<44} {seconds:>8.1f} s {seconds / wall:>6.1%}")
    print("  of which, own time (markers excluded):")
    for label, seconds in model["rest_s"].items():
        print(f"    {label:<42} {seconds:>8.1f} s {seconds / wall:>6.1%}")
    print(
        f"encoder rate inside scoring {model['encode_rate_in_scoring']:,.0f} sentences/s "
        f"vs bare {bare['sentences_per_s']:,.0f} (per-call batches of new sentences vs one call)"
    )
    calls = model["encoder_call_rates"]
    print(
        f"encoder calls of ≥ 64 sentences while scoring: {calls['calls']}, "
        f"{calls['rate']:,.0f} sentences/s; quiet (others < {calls['quiet_below_cores']} cores) "
        f"{calls['quiet_calls']} at {calls['quiet_rate']:,.0f}/s, busy {calls['busy_calls']} "
        f"at {calls['busy_rate']:,.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="encoder threads for scoring and baseline (0 = the encoder's default)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument(
        "--encoder", default="auto", choices=["auto", *ENCODERS], help="sentence encoder"
    )
    parser.add_argument(
        "--no-prefetch",
        action="store_true",
        help="score and encode in turn in this process instead of encoding the next batch in a "
        "child process meanwhile",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile scoring the first N conversations with a warm cache",
    )
    args = parser.parse_args()
    global ENCODER, PREFETCH
    ENCODER = make_encoder_name(args.encoder)
    PREFETCH = not args.no_prefetch

    threads = encoder_threads(args.threads)
    t0 = time.perf_counter()
    conversations = [
        Conversation.model_validate(c) for c in generate_conversations(args.n, args.seed)
    ]
    log(f"generated + validated {args.n:,} conversations in {time.perf_counter() - t0:.1f} s")

    model, texts = model_scoring(conversations)
    bare = bare_encoder(texts)
    rules = rules_only(conversations)
    profile = profile_warm(conversations[: args.profile]) if args.profile else ""

    if args.json:
        result = {
            "n": args.n,
            "batch": BATCH,
            "encoder": ENCODER,
            "encoder_threads": threads,
            "prefetch": PREFETCH,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
            "model": model,
            "bare_encoder": bare,
            "ratio": model["unique_per_s"] / bare["sentences_per_s"],
            "rules_only": rules,
        }
        print(json.dumps(result, indent=2))
    else:
        print(
            f"encoder {ENCODER}, threads {threads}, prefetch {'on' if PREFETCH else 'off'}, "
            "OMP_WAIT_POLICY "
            f"{os.environ.get('OMP_WAIT_POLICY', '(unset)')}"
        )
        print_table(args.n, model, bare, rules)
        if profile:
            print()
            print(f"warm-cache profile of {args.profile:,} conversations (top by own time):")
            print(profile)


if __name__ == "__main__":
    main()
