"""Write the CheckThat! 2022 Task 2A fact-checks (vclaims.jsonl) as schema.org ClaimReview JSON
Lines, the form `import_claimreviews` reads. The data stays outside the repository.

    python bench/claimreview_convert.py > /tmp/vclaims.claimreview.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "claim_matching"
if not DATA.exists():
    DATA = Path("/work/shared/data/claim_matching")
URL = "https://factcheck.invalid/checkthat-2022/{}"


def vclaim_url(vclaim_id: str) -> str:
    """The url a converted fact-check is imported under (its identity)."""
    return URL.format(vclaim_id)


def claimreview(row: dict) -> dict:
    """One vclaim as a ClaimReview."""
    item: dict = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": vclaim_url(row["vclaim_id"]),
        "claimReviewed": row["vclaim"],
        "name": row.get("title") or "",
        "description": row.get("subtitle") or "",
        "author": {"@type": "Organization", "name": "Snopes"},
        "inLanguage": "en",
        "itemReviewed": {"@type": "Claim"},
    }
    if row.get("author"):
        item["creator"] = {"@type": "Person", "name": row["author"]}
    with contextlib.suppress(KeyError, ValueError):
        item["datePublished"] = dt.datetime.strptime(row["date"], "%d %B %Y").date().isoformat()
    return item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    with (args.data / "vclaims.jsonl").open() as f:
        for line in f:
            sys.stdout.write(json.dumps(claimreview(json.loads(line))) + "\n")


if __name__ == "__main__":
    main()
