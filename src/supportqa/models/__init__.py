"""Models: the sentence encoders, what is computed with them, and trained-model artefacts.

The layer sits between `signals` (cheap, model-free features: text, timing, sentiment lexicon, PII)
and `scorers`. Everything that needs an encoder lives here — the encoders and their cache
(`embeddings`, `onnx_encoder`), the embedding detectors (`markers`) and the zero-shot outcome read
from them (`outcome`) — because the encoder is a model, and a signal that reached up for it would
import across the layers. The trained-model code scorers and scoring predict with (`artefacts`,
`features`, `trained`, `linear`) lives here too, so calibration (which fits models) sits above the
scorers that use them. Nothing here is imported at package import: loading stays lazy, and
`supportqa --help` never pulls in numpy.
"""
