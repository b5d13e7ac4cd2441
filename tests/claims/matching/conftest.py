"""A small corpus of earlier fact-checks on distinct topics."""

from __future__ import annotations

import json

import pytest

from claims.services.claimreviews import claimreview_import_trusted

CLAIMS = [
    ("bridge", "The new river bridge in Porto cost 40 million euros to build", "Mostly false"),
    ("vaccine", "The measles vaccine causes autism in young children", "False"),
    ("moon", "The Apollo 11 moon landing was filmed in a studio in Nevada", "False"),
    ("wage", "Germany raised its minimum wage to 12 euros an hour in 2022", "True"),
    ("shark", "A photo shows a shark swimming on a flooded highway in Houston", "Fake"),
    ("water", "Drinking hot water with lemon cures the common cold", "False"),
    ("tax", "The sugar tax in Mexico cut soda sales by ten percent", "Mostly true"),
    ("wall", "The Great Wall of China is visible from space with the naked eye", "False"),
    ("bees", "Bee populations in Europe fell by half over the last decade", "Unproven"),
    ("train", "The high-speed train from Madrid to Barcelona takes under three hours", "True"),
    ("coffee", "Drinking four cups of coffee a day doubles the risk of heart attacks", "False"),
    ("solar", "Solar panels produce more energy in their life than it takes to make them", "True"),
]


def fact_check(key: str, claim: str, rating: str) -> dict:
    return {
        "@type": "ClaimReview",
        "url": f"https://checks.example/{key}",
        "claimReviewed": claim,
        "name": f"Fact check: {claim[:40]}",
        "datePublished": "2023-05-01",
        "author": {"@type": "Organization", "name": "Checkers United"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


@pytest.fixture
def corpus(db):
    claimreview_import_trusted(data=json.dumps([fact_check(*row) for row in CLAIMS]))
