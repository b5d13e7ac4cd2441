"""Loading the seed articles in seeds/: each NAME.txt (the body, verbatim) with NAME.toml (metadata)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from claims.extraction.transcript import TranscriptError, parse
from claims.models import Article
from claims.services.extraction import article_suggest_claims

REQUIRED_KEYS = {"title": str, "publisher": str, "published_at": dt.datetime, "language": str}
OPTIONAL_KEYS = {"note": str, "url": str, "byline": str, "kind": str}


class SeedError(Exception):
    """A seed file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Seed:
    key: str
    body: str
    metadata: dict


@dataclass
class SeedLoadResult:
    created: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    suggested_claims: int = 0


def seed_read(*, body_path: Path) -> Seed:
    """Read and validate one seed (body and metadata); raise SeedError on any problem."""
    meta_path = body_path.with_suffix(".toml")
    try:
        body = body_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(f"{body_path}: not valid UTF-8 at byte {exc.start}") from None
    if not body.strip():
        raise SeedError(f"{body_path}: the article body is empty")
    if "\x00" in body:
        raise SeedError(f"{body_path}: contains a NUL character, which a text body cannot hold")
    if not meta_path.exists():
        raise SeedError(f"{meta_path}: missing (every seed needs its metadata file)")
    try:
        metadata = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SeedError(f"{meta_path}: not valid TOML: {exc}") from None
    for key, kind in REQUIRED_KEYS.items():
        if key not in metadata:
            raise SeedError(f"{meta_path}: missing required key {key!r}")
        if not isinstance(metadata[key], kind) or (kind is str and not metadata[key].strip()):
            raise SeedError(f"{meta_path}: {key!r} must be a non-empty {kind.__name__}")
    if metadata["published_at"].tzinfo is None:
        raise SeedError(
            f"{meta_path}: 'published_at' needs a UTC offset, e.g. 2024-11-20T07:00:00+02:00"
        )
    unknown = set(metadata) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        raise SeedError(f"{meta_path}: unknown keys {sorted(unknown)}")
    for key in OPTIONAL_KEYS:
        if key in metadata and not isinstance(metadata[key], str):
            raise SeedError(f"{meta_path}: {key!r} must be a string")
    kind = metadata.get("kind", Article.Kind.ARTICLE)
    if kind not in Article.Kind.values:
        raise SeedError(f"{meta_path}: 'kind' must be one of {', '.join(Article.Kind.values)}")
    if kind == Article.Kind.TRANSCRIPT:
        try:
            parse(body)
        except TranscriptError as exc:
            raise SeedError(f"{body_path}: not a readable transcript: {exc}") from None
    return Seed(key=body_path.stem, body=body, metadata=metadata)


def _article_fields(seed: Seed) -> dict:
    meta = seed.metadata
    return {
        "title": meta["title"],
        "publisher": meta["publisher"],
        "published_at": meta["published_at"],
        "language": meta["language"],
        "note": meta.get("note", ""),
        "url": meta.get("url", ""),
        "byline": meta.get("byline", ""),
    }


def seed_load_all(*, directory: Path) -> SeedLoadResult:
    """Load every seed in ``directory`` idempotently, all or nothing, with suggested claims."""
    paths = sorted(directory.glob("*.txt"))
    if not paths:
        raise SeedError(f"{directory}: no seed articles (*.txt) found")
    seeds = [seed_read(body_path=path) for path in paths]  # validate all before writing any
    result = SeedLoadResult()
    with transaction.atomic():
        for seed in seeds:
            fields = _article_fields(seed)
            article = Article.objects.select_for_update().filter(seed_key=seed.key).first()
            kind = seed.metadata.get("kind", Article.Kind.ARTICLE)
            if article is None:
                turns = parse(seed.body).as_list() if kind == Article.Kind.TRANSCRIPT else []
                article = Article.objects.create(
                    seed_key=seed.key, body=seed.body, kind=kind, turns=turns, **fields
                )
                result.created.append(article)
                continue
            if article.body != seed.body:
                raise SeedError(
                    f"{directory / (seed.key + '.txt')}: the text differs from the stored article "
                    f"{article.pk}; seeds are never rewritten under existing claims"
                )
            if article.kind != kind:
                raise SeedError(
                    f"{directory / (seed.key + '.toml')}: kind {kind!r} differs from the stored "
                    f"article {article.pk} ({article.kind!r}); a kind is set once"
                )
            changed = {k: v for k, v in fields.items() if getattr(article, k) != v}
            if changed:
                for key, value in changed.items():
                    setattr(article, key, value)
                article.save(update_fields=[*changed, "updated_at"])
                result.updated.append(article)
            else:
                result.unchanged.append(article)
        for article in [*result.created, *result.updated, *result.unchanged]:
            result.suggested_claims += len(article_suggest_claims(article=article))
    return result
