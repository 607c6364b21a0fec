"""Whether the current version matches the corpus, the term table and the configured model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mscqa.corpus.articles import Article
from mscqa.corpus.passages import SENTENCE_RULES
from mscqa.errors import IndexCorruptError, IndexMissingError
from mscqa.index.load import Manifest, load_index, read_manifest, verify_files
from mscqa.index.store import REBUILD_HINT
from mscqa.text.terms import lexical_fingerprint


@dataclass(frozen=True)
class IndexStatus:
    """fresh, stale, model_mismatch, corrupt or missing, with what differs."""

    state: str
    message: str
    manifest: Manifest | None = None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.state in ("fresh", "stale")


def text_fingerprint() -> str:
    """What decides an index's sentences and tokens: the term table and word rules
    (`lexical_fingerprint`) and the sentence rules. An index built under others is stale."""
    rules = f"{lexical_fingerprint()}\n{SENTENCE_RULES}"
    return hashlib.sha256(rules.encode()).hexdigest()[:16]


def diff_articles(
    old: dict[str, str], new: dict[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(added, changed, removed) article ids between two id -> content-hash maps."""
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed = tuple(sorted(k for k in set(new) & set(old) if new[k] != old[k]))
    return added, changed, removed


def index_status(
    index_dir: Path,
    articles: Sequence[Article] | None,
    model_id: str | None,
    *,
    verify: bool = True,
    answer_model: str | None = None,
) -> IndexStatus:
    """Compare the current version with the corpus and the configured model; with `verify`,
    also check every file against the sha256 in the manifest. `answer_model` is the answer
    ranker whose sentence vectors the index should store (None: not asked)."""
    try:
        manifest = read_manifest(index_dir)
    except IndexMissingError as exc:
        return IndexStatus("missing", str(exc))
    except IndexCorruptError as exc:
        return IndexStatus("corrupt", str(exc))
    bad = verify_files(index_dir, manifest) if verify else []
    if bad:
        return IndexStatus(
            "corrupt",
            f"{', '.join(bad)} in version {manifest.version} changed since the build: "
            + REBUILD_HINT,
            manifest,
        )
    if verify:
        try:  # what the hashes cannot see: a manifest that disagrees with its own files
            load_index(index_dir, version=manifest.version)
        except IndexCorruptError as exc:
            return IndexStatus("corrupt", str(exc), manifest)
    if model_id is not None and manifest.model_id != model_id:
        return IndexStatus(
            "model_mismatch",
            f"built with model {manifest.model_id}, configured model is {model_id}: {REBUILD_HINT}",
            manifest,
        )
    if manifest.lexical != text_fingerprint():
        return IndexStatus(
            "stale",
            "the term table, word or sentence rules changed since the build: "
            "run `mscqa index update`",
            manifest,
        )
    if articles is not None:
        added, changed, removed = diff_articles(
            manifest.articles, {a.id: a.content_hash for a in articles}
        )
        if added or changed or removed:
            parts = [
                f"{label}: {', '.join(ids)}"
                for label, ids in (("added", added), ("changed", changed), ("removed", removed))
                if ids
            ]
            return IndexStatus(
                "stale",
                f"the corpus changed since the build ({'; '.join(parts)}): "
                "run `mscqa index update`",
                manifest,
                added,
                changed,
                removed,
            )
    if answer_model and manifest.answer_model != answer_model:
        return IndexStatus(
            "stale",
            "the answer ranker's vectors of the sentences are missing or were made by other "
            "weights (answers are right, only slower): run `mscqa index update`",
            manifest,
        )
    return IndexStatus(
        "fresh",
        f"{manifest.passage_count} passages from {len(manifest.articles)} articles",
        manifest,
    )
