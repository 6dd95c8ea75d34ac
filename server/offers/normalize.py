"""Text, salary and contract normalisation shared by every offer source."""

from __future__ import annotations

import re
import unicodedata

# Legal 35-hour month: 151.67 hours, the figure French payslips use.
HOURS_PER_MONTH = 151.67
MONTHS_PER_YEAR = 12

_GENDER_MARKERS = re.compile(
    r"[(\[]?\s*\b(?:h\s*[/-]\s*f|f\s*[/-]\s*h|m\s*[/-]\s*f|f\s*[/-]\s*m|m\s*/\s*w)"
    r"(?:\s*[/-]\s*[xd])?\b\s*[)\]]?|\(\s*(?:homme|femme)\s*/\s*(?:homme|femme)\s*\)",
    re.IGNORECASE,
)
# "Vendeur(se)", "technicien·ne", "conseiller.ère": keep the first (masculine) form only.
_INCLUSIVE_SUFFIX = re.compile(
    r"(\w)(?:\((?:e|ne|se|euse|rice|trice|ère|ere)s?\)|[·•.](?:e|ne|se|euse|rice|trice|ère)s?\b)",
    re.IGNORECASE,
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LEGAL_FORMS = {
    "sa", "sas", "sasu", "sarl", "eurl", "snc", "sci", "scop", "selarl", "gie", "eirl", "ei",
    "scp", "scm", "sca", "sem", "spa", "ltd", "inc", "gmbh", "groupe", "group", "france",
}  # fmt: skip
_PLACE_WORDS = {"saint": "st", "sainte": "ste"}


def fold(text: str | None) -> str:
    """Lower case, no accents, only letters and digits separated by single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", ascii_text).strip()


def clean_title(title: str) -> str:
    """The title without gender markers ("H/F", "(F/H)") or inclusive suffixes."""
    title = _GENDER_MARKERS.sub(" ", title or "")
    title = _INCLUSIVE_SUFFIX.sub(r"\1", title)
    title = re.sub(r"\s*[-–|,]\s*$", "", re.sub(r"\s+", " ", title)).strip()
    return title


def title_key(title: str) -> str:
    """Matching form of a title: cleaned, folded."""
    return fold(clean_title(title))


def company_key(name: str | None) -> str:
    """Matching form of a company name: folded, legal forms dropped."""
    words = [w for w in fold(name).split() if w not in _LEGAL_FORMS]
    return " ".join(words)


def place_key(name: str | None) -> str:
    """Matching form of a commune name, in La Poste's spelling ("ST MICHEL SUR ORGE")."""
    words = fold(name).split()
    return " ".join(_PLACE_WORDS.get(w, w) for w in words)


def yearly(amount: float | None, period: str) -> float | None:
    """An amount per `period` (hour, day, week, month, year) as a yearly figure."""
    if amount is None or amount <= 0:
        return None
    factor = {
        "hour": HOURS_PER_MONTH * MONTHS_PER_YEAR,
        "day": 218,  # legal "forfait jours"
        "week": 52,
        "month": MONTHS_PER_YEAR,
        "year": 1,
    }[period]
    return round(amount * factor, 2)


_AMOUNT = re.compile(r"(\d[\d\s\u202f\u00a0]*(?:[.,]\d+)?)\s*(k\b)?", re.IGNORECASE)
_PERIOD_WORDS = (
    ("hour", ("horaire", "heure", "/h", "hour")),
    ("month", ("mensuel", "mois", "month")),
    ("year", ("annuel", "an ", "/an", "year", "k€", "keur")),
    ("week", ("hebdo", "semaine", "week")),
    ("day", ("journalier", "jour", "day")),
)


def parse_salary_text(text: str | None) -> tuple[float | None, float | None]:
    """Yearly min / max from a label such as "Mensuel de 1800.00 Euros à 2000.00 Euros".

    The period comes from the words in the label; without one, amounts under 100 are read
    as hourly, under 10,000 as monthly, and larger ones as yearly.
    """
    if not text:
        return None, None
    low = f" {text.lower()} "
    # "sur 12.0 mois" gives the number of months paid, not the period.
    low_for_period = re.sub(r"sur\s+\d+(?:[.,]\d+)?\s*mois", " ", low)
    amounts = []
    for match in _AMOUNT.finditer(re.sub(r"sur\s+\d+(?:[.,]\d+)?\s*mois", " ", text)):
        raw = re.sub(r"[\s\u202f\u00a0]", "", match.group(1)).replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            continue
        if match.group(2):
            value *= 1000
        if value > 0:
            amounts.append(value)
    if not amounts:
        return None, None
    period = next(
        (name for name, words in _PERIOD_WORDS if any(w in low_for_period for w in words)), None
    )
    if period is None:
        top = max(amounts)
        period = "hour" if top < 100 else "month" if top < 10_000 else "year"
    low_value, high_value = min(amounts[:2]), max(amounts[:2])
    return yearly(low_value, period), yearly(high_value, period)


_CONTRACTS = {
    # France Travail typeContrat codes
    "cdi": "permanent",
    "cdd": "fixed_term",
    "mis": "temporary",
    "sai": "seasonal",
    "lib": "freelance",
    "fra": "freelance",
    "din": "permanent",  # CDI intérimaire
    "ddi": "fixed_term",  # CDD d'insertion
    "tti": "temporary",  # intérim d'insertion
    # Adzuna contract_type
    "permanent": "permanent",
    "contract": "fixed_term",
    # JSearch job_employment_type
    "fulltime": "permanent",  # JSearch says nothing finer; title words are tried first
    "parttime": "permanent",
    "contractor": "freelance",
    "intern": "internship",
    "temporary": "temporary",
    # free text in titles and labels
    "interim": "temporary",
    "stage": "internship",
    "internship": "internship",
    "alternance": "apprenticeship",
    "apprentissage": "apprenticeship",
    "apprenti": "apprenticeship",
    "professionnalisation": "apprenticeship",
    "saisonnier": "seasonal",
    "freelance": "freelance",
    "independant": "freelance",
}


def contract_type(*hints: str | None) -> str:
    """Map the first recognised hint (a code or label from any source) to our vocabulary."""
    for hint in hints:
        folded = fold(hint).replace(" ", "")
        if not folded:
            continue
        if folded in _CONTRACTS:
            return _CONTRACTS[folded]
        for word in fold(hint).split():
            if word in _CONTRACTS:
                return _CONTRACTS[word]
    return "other"
