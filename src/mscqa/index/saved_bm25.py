"""Query a bm25s index from its saved files with NumPy alone.

bm25s scores eagerly: at build time it stores each (token, passage) BM25 score in a sparse
column matrix (data/indices/indptr .npy files plus a vocabulary). Answering a question only
sums the columns of its tokens, which this does exactly as `bm25s.BM25.get_scores` does, without
importing bm25s and SciPy (about 1.5 s of every `mscqa ask` start). Building stays with bm25s.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class SavedBM25:
    """The scores of a folder written by `bm25s.BM25.save`."""

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray,
        vocab: dict[str, int],
        num_docs: int,
        dtype: str = "float32",
        nonoccurrence: np.ndarray | None = None,
    ) -> None:
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.vocab = vocab
        self.num_docs = num_docs
        self.dtype = np.dtype(dtype)
        self.nonoccurrence = nonoccurrence

    @classmethod
    def load(cls, folder: Path) -> SavedBM25:
        """Raises OSError, ValueError or KeyError when a file is missing or damaged."""
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = {
            name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr")
        }
        nonoccurrence_path = folder / "nonoccurrence_array.index.npy"
        nonoccurrence = (
            np.load(nonoccurrence_path, allow_pickle=False)
            if nonoccurrence_path.is_file()
            else None
        )
        # bm25s adds an empty token to the vocabulary that has no column of its own.
        if not isinstance(vocab, dict) or not 0 < len(arrays["indptr"]) <= len(vocab) + 1:
            raise ValueError(f"{folder}: vocabulary and score matrix differ in size")
        return cls(
            arrays["data"],
            arrays["indices"],
            arrays["indptr"],
            vocab,
            int(params["num_docs"]),
            str(params.get("dtype", "float32")),
            nonoccurrence,
        )

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for `tokens`; tokens not in the vocabulary are ignored."""
        columns = len(self.indptr) - 1
        ids = np.asarray(
            [i for i in (self.vocab.get(t, columns) for t in tokens) if i < columns],
            dtype=np.int64,
        )
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for token in ids:
            start, end = self.indptr[token], self.indptr[token + 1]
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        if self.nonoccurrence is not None and len(ids):
            scores += self.nonoccurrence[ids].sum()
        return scores
