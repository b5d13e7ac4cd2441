"""Static sentence embeddings from WordLlama, whose weights ship inside its wheel.

The model is loaded from the package's own files, never from the network: WordLlama.load() looks
for the tokenizer under a folder name the wheel does not use and would then try to download it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

DIM = 256
WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"
DTYPE = np.float16


@functools.cache
def _model():
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as f:
        weights = f.get_tensor("embedding.weight")
    return WordLlamaInference(weights, tokenizer)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text (float32)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.asarray(_model().embed(list(texts), norm=True), dtype=np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    """How an embedding is stored (float16, 512 bytes)."""
    return np.asarray(vector, dtype=DTYPE).tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    """A stored embedding back as float32 (None when none was stored)."""
    if data is None:
        return None
    vector = np.frombuffer(bytes(data), dtype=DTYPE)
    return vector.astype(np.float32) if vector.size == DIM else None


def document_text(claim_reviewed: str, title: str) -> str:
    """What is embedded for a fact-check: the claim, then the review's title."""
    return f"{claim_reviewed} {title}".strip()
