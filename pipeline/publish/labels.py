"""Readable English names for the contract's codes, for the report and Datasette.

The codes themselves (pipeline/models.py) stay what the data holds; these are display text
only. tests/test_report.py checks that every code of every vocabulary has a label.
"""

from __future__ import annotations

import pycountry

LABELS: dict[str, dict[str, str]] = {
    "target_group_categories": {
        "refugees": "Refugees",
        "asylum_seekers": "Asylum seekers",
        "quota_refugees": "Quota refugees (resettled)",
        "newly_arrived": "Newly arrived",
        "immigrants": "Immigrants",
        "unaccompanied_minors": "Unaccompanied minors",
        "children": "Children",
        "youth": "Young people",
        "parents_families": "Parents and families",
        "women": "Women",
        "unemployed": "Unemployed people",
        "ethnic_minorities": "Ethnic minorities",
        "host_community": "Host community",
        "civil_society_organisations": "Civil-society organisations",
        "public_authorities": "Public authorities",
        "professionals": "Professionals",
        "volunteers": "Volunteers",
        "people_facing_discrimination": "People facing discrimination",
        "general_public": "General public",
    },
    "themes": {
        "labour_market": "Labour market",
        "language": "Language",
        "education": "Education",
        "housing": "Housing",
        "health": "Health",
        "leisure_and_networks": "Leisure and social networks",
        "volunteering": "Volunteering",
        "mentoring": "Mentoring",
        "entrepreneurship": "Entrepreneurship",
        "anti_discrimination": "Anti-discrimination",
        "civic_orientation": "Civic orientation",
        "cross_sector_cooperation": "Cross-sector cooperation",
        "capacity_building": "Capacity building",
        "research": "Research",
    },
    "implementation_level": {
        "local": "Local", "regional": "Regional", "national": "National",
        "international": "International",
    },
    "role": {
        "implementing": "Implementing", "coordinator": "Coordinator", "partner": "Partner",
        "funder": "Funder",
    },
}


def label(vocabulary: str, code: str) -> str:
    """The readable name of a code (the code itself when the vocabulary lacks it)."""
    return LABELS.get(vocabulary, {}).get(code, code)


def country_name(code: str) -> str:
    """The English short name of an ISO alpha-2 code, or the code when it is unknown."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
