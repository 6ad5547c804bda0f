"""The corpus, normalised, as plain JSON-ready data (what `explorer dump` prints)."""

from __future__ import annotations

import json
from typing import Any

from ..corpus import Corpus


def corpus_to_dict(corpus: Corpus) -> dict[str, Any]:
    def dump(items: list) -> list[dict[str, Any]]:
        return [item.model_dump(mode="json") for item in items]

    return {
        "corpus": corpus.info.model_dump(mode="json"),
        "documents": dump(corpus.documents),
        "passages": dump(corpus.passages),
        "themes": dump(corpus.themes),
        "entities": dump(corpus.entities),
        "experts": dump(corpus.experts),
        "events": dump(corpus.events),
        "relationships": dump(corpus.relationships),
    }


def corpus_to_json(corpus: Corpus, indent: int | None = 2) -> str:
    return json.dumps(corpus_to_dict(corpus), ensure_ascii=False, indent=indent)
