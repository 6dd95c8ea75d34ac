"""Normalisation of titles, names, salaries and contracts (pure functions)."""

import pytest

from server.offers.ingest import dedup_key, richness
from server.offers.normalize import (
    clean_title,
    company_key,
    contract_type,
    fold,
    parse_salary_text,
    place_key,
    title_key,
    yearly,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Vendeur H/F", "Vendeur"),
        ("Développeur Python (F/H)", "Développeur Python"),
        ("Technicien·ne de maintenance h/f/x", "Technicien de maintenance"),
        ("Serveur(se) - ", "Serveur"),
        ("Comptable [M/F]", "Comptable"),
        ("Chef de projet (Homme/Femme)", "Chef de projet"),
        ("Data engineer m/w/d", "Data engineer"),
        ("Assistant(e) RH H-F", "Assistant RH"),
        ("A/B testing lead", "A/B testing lead"),  # not a gender marker
    ],
)
def test_titles_lose_gender_markers(raw, clean):
    assert clean_title(raw) == clean


def test_matching_keys_ignore_accents_case_and_legal_forms():
    assert (
        title_key("DÉVELOPPEUR  python H/F")
        == title_key("Développeur Python")
        == ("developpeur python")
    )
    assert fold("L'Haÿ-les-Roses, Œuvre") == "l hay les roses oeuvre"
    assert company_key("Chaussures Cendry SAS") == company_key("CHAUSSURES CENDRY")
    assert place_key("Saint-Michel-sur-Orge") == place_key("ST MICHEL SUR ORGE")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Mensuel de 1800.00 Euros à 2000.00 Euros sur 12.0 mois", (21600, 24000)),
        ("Annuel de 30000.0 Euros à 35000.0 Euros sur 12.0 mois", (30000, 35000)),
        ("Horaire de 11.65 Euros sur 12 mois", (21203.47, 21203.47)),  # × 151.67 × 12
        ("35k-45k EUR", (35000, 45000)),
        ("Mensuel de 2 100,50 Euros", (25206, 25206)),
        ("Selon profil", (None, None)),
        (None, (None, None)),
    ],
)
def test_salary_labels_become_yearly(label, expected):
    assert parse_salary_text(label) == expected


def test_yearly_factors():
    assert yearly(10, "hour") == round(10 * 151.67 * 12, 2)
    assert yearly(2000, "month") == 24000
    assert yearly(0, "month") is None


def test_one_contract_vocabulary():
    assert contract_type("CDI") == "permanent"
    assert contract_type("alternance", "CDD") == "apprenticeship"
    assert contract_type("MIS") == "temporary"
    assert contract_type("contract") == "fixed_term"
    assert contract_type("Stage développeur", "FULLTIME") == "internship"
    assert contract_type("Vendeur", "FULLTIME") == "permanent"
    assert contract_type(None, "unknown") == "other"


def test_dedup_key_and_richness():
    base = {"source": "adzuna", "source_id": "1", "title_norm": "vendeur", "commune_code": "57463"}
    named = {**base, "company_name": "Cendry SAS"}
    assert dedup_key(named) == dedup_key({**named, "company_name": "CENDRY", "source_id": "2"})
    assert dedup_key({**named, "siret": "01625043300220"}).endswith("siret:01625043300220|57463")
    # Without an employer name, two offers are never merged.
    assert dedup_key(base) != dedup_key({**base, "source_id": "2"})
    poor = {**named, "description": "court"}
    rich = {**poor, "salary_min": 20000.0, "skills": ["Vente"]}
    assert richness(rich) > richness(poor)
    assert richness({**poor, "description": "plus long"}) > richness(poor)
