"""Field checks shared by the importers. Each returns a clean value or raises ValueError."""

from __future__ import annotations

import re

# La Poste's establishments share the SIREN 356000000 and do not follow the Luhn key:
# INSEE documents that their SIRET digits sum to a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

NAF_PATTERN = re.compile(r"^\d{4}[A-Z]$")

# (south, north, west, east) boxes: metropolitan France with Corsica, then overseas.
FRANCE_BOXES = {
    "metropolitan": (41.3, 51.2, -5.3, 9.7),
    "guadeloupe": (15.8, 16.6, -61.9, -60.9),
    "martinique": (14.3, 14.95, -61.3, -60.75),
    "guyane": (2.1, 5.8, -54.7, -51.5),
    "reunion": (-21.45, -20.85, 55.2, 55.9),
    "mayotte": (-13.1, -12.6, 44.9, 45.35),
    "saint-pierre-et-miquelon": (46.7, 47.2, -56.5, -56.1),
    "saint-barthelemy-saint-martin": (17.85, 18.15, -63.2, -62.75),
    "wallis-et-futuna": (-14.4, -13.15, -178.25, -176.1),
    "polynesie": (-28.0, -7.8, -154.8, -134.4),
    "nouvelle-caledonie": (-22.8, -19.5, 163.5, 168.2),
}


# Luhn doubles every second digit from the right, then adds the doubled value's digits.
_DOUBLED = str.maketrans("0123456789", "0246813579")


def luhn_ok(digits: str) -> bool:
    kept = sum(map(int, digits[-1::-2]))
    return (kept + sum(map(int, digits[-2::-2].translate(_DOUBLED)))) % 10 == 0


def siret(value: str) -> str:
    value = value.replace(" ", "")
    if not (len(value) == 14 and value.isdigit()):
        raise ValueError(f"SIRET must be 14 digits, got {value!r}")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5:
            raise ValueError(
                f"SIRET {value} fails La Poste's check (digit sum not a multiple of 5)"
            )
    elif not luhn_ok(value):
        raise ValueError(f"SIRET {value} has an invalid Luhn key")
    return value


def naf(value: str) -> str:
    value = value.replace(".", "").upper()
    if not NAF_PATTERN.match(value):
        raise ValueError(f"NAF code must look like 4711D, got {value!r}")
    return value


def in_france(latitude: float, longitude: float) -> bool:
    return any(
        south <= latitude <= north and west <= longitude <= east
        for south, north, west, east in FRANCE_BOXES.values()
    )


def coordinate(value: str, name: str) -> float:
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def flag(value: str) -> bool:
    if value in ("", "0", "false", "False", "f", "no"):
        return False
    if value in ("1", "true", "True", "t", "yes"):
        return True
    raise ValueError(f"flag must be 0 or 1, got {value!r}")


def department_of(commune_code: str) -> str:
    """Département of an INSEE commune code: 57463 → 57, 2A004 → 2A, 97411 → 974."""
    return commune_code[:3] if commune_code.startswith(("97", "98")) else commune_code[:2]
