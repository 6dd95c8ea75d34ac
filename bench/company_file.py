"""A realistic national company file, GENERATED (never downloaded): 1,000,000 rows by
default in La Bonne Boite's layout or INSEE's establishments layout.

Communes are the real ones of La Poste's table (those with coordinates), weighted so cities
are denser (a commune's postcode count squared times a log-normal draw: no population table
is shipped); NAF codes follow the real sector mix (hires per NAF in rome_naf_mapping.csv);
headcount brackets skew small as in SIRENE. SIRETs are unique and pass the Luhn check;
coordinates sit within ~2 km of the commune's centre. A few rows are deliberately bad
(0.1 %: broken Luhn key, unknown NAF, coordinates abroad) and 0.5 % carry 0,0 coordinates,
0.1 % repeat an earlier SIRET, as real files do.

    python bench/company_file.py OUT.csv [--rows 1000000] [--seed 0] [--layout sirene]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", ROOT.parent / "shared" / "data"))

LBB_HEADER = [
    "siret",
    "raisonsociale",
    "enseigne",
    "codenaf",
    "trancheeffectif",
    "numerorue",
    "libellerue",
    "codepostal",
    "tel",
    "email",
    "website",
    "flag_alternance",
    "flag_junior",
    "flag_senior",
    "flag_handicap",
    "has_multi_geolocations",
    "codecommune",
    "coordinates_x",
    "coordinates_y",
    "departement",
    "email_alternance",
    "score_alternance",
    "social_network",
    "phone_alternance",
    "website_alternance",
    "contact_mode",
    "flag_poe_afpr",
    "flag_pmsmp",
    "hiring",
]
SIRENE_HEADER = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "etablissementSiege",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
    "longitude",
    "latitude",
]
# SIRENE's bracket mix for employer establishments, roughly: most are very small.
HEADCOUNTS = {"00": 30, "01": 25, "02": 14, "03": 10, "11": 8, "12": 6, "21": 3, "22": 2}
HEADCOUNTS |= {"31": 1, "32": 0.5, "41": 0.3, "42": 0.1, "51": 0.05, "52": 0.02, "NN": 5}
SURNAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
]
FORMS = ("SARL", "SAS", "SASU", "EURL", "SA", "SCI", "", "", "")
STREETS = ("RUE", "AVENUE", "BOULEVARD", "PLACE", "CHEMIN", "ROUTE", "IMPASSE", "ALLEE")
STREET_NAMES = (
    "DE LA REPUBLIQUE",
    "VICTOR HUGO",
    "JEAN JAURES",
    "DE LA GARE",
    "PASTEUR",
    "DU GENERAL DE GAULLE",
    "DES ECOLES",
    "DE L EGLISE",
    "NATIONALE",
    "DU MOULIN",
    "GAMBETTA",
    "DE PARIS",
)
DOUBLED = str.maketrans("0123456789", "0246813579")


def with_luhn_key(payload: str) -> str:
    """Append the digit that makes `payload` + digit pass the Luhn check."""
    total = sum(map(int, payload[-2::-2])) + sum(map(int, payload[-1::-2].translate(DOUBLED)))
    return payload + str(-total % 10)


def communes() -> tuple[list[tuple], list[float]]:
    places: dict[str, dict] = {}
    with open(DATA_DIR / "laposte_hexasmal.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if not row["coordonnees_gps"]:
                continue
            code = row["Code_commune_INSEE"]
            entry = places.setdefault(
                code,
                {
                    "name": row["Nom_commune"],
                    "point": tuple(float(v) for v in row["coordonnees_gps"].split(",")),
                    "postcodes": [],
                },
            )
            entry["postcodes"].append(row["Code_postal"])
    rng = random.Random(12345)  # the commune weights are the same whatever the row seed
    items = sorted(places.items())
    weights = [len(set(p["postcodes"])) ** 2 * rng.lognormvariate(0, 1) for _, p in items]
    return [(code, p["name"], p["point"], p["postcodes"][0]) for code, p in items], weights


def sectors() -> tuple[list[str], list[float], dict[str, str]]:
    hires: dict[str, float] = defaultdict(float)
    labels = {}
    with open(DATA_DIR / "rome_naf_mapping.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            hires[row["naf_id"]] += float(row["hirings"])
            labels[row["naf_id"]] = row["naf_label"]
    codes = sorted(hires)
    return codes, [hires[c] for c in codes], labels


def generate(out: Path, rows: int, seed: int = 0, layout: str = "labonneboite") -> Path:
    rng = random.Random(seed)
    places, place_weights = communes()
    nafs, naf_weights, naf_labels = sectors()
    brackets, bracket_weights = list(HEADCOUNTS), list(HEADCOUNTS.values())
    sirens = rng.sample(range(100_000_000, 1_000_000_000), rows)
    picked_places = rng.choices(places, place_weights, k=rows)
    picked_nafs = rng.choices(nafs, naf_weights, k=rows)
    picked_brackets = rng.choices(brackets, bracket_weights, k=rows)
    sirets: list[str] = []
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(LBB_HEADER if layout == "labonneboite" else SIRENE_HEADER)
        for i in range(rows):
            siret = with_luhn_key(f"{sirens[i]:09d}{rng.randrange(1, 1000):04d}")
            if sirets and rng.random() < 0.001:
                siret = rng.choice(sirets)  # the same establishment twice in the file
            sirets.append(siret)
            code, commune_name, (lat, lon), postcode = picked_places[i]
            lat += rng.uniform(-0.02, 0.02)
            lon += rng.uniform(-0.02, 0.02)
            naf = picked_nafs[i]
            odd = rng.random()
            if odd < 0.005:
                lat = lon = 0.0
            elif odd < 0.006:
                kind = rng.randrange(3)
                if kind == 0:
                    siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
                elif kind == 1:
                    naf = "9999Z"
                else:
                    lat, lon = 40.71, -74.0
            surname = rng.choice(SURNAMES)
            name = f"{surname} {rng.choice(FORMS)}".strip()
            sign = naf_labels[naf.replace("9999Z", nafs[0])].split(",")[0][:40].upper()
            sign = f"{sign} {surname}" if rng.random() < 0.6 else ""
            number = str(rng.randrange(1, 200)) if rng.random() < 0.85 else ""
            street_type, street = rng.choice(STREETS), rng.choice(STREET_NAMES)
            bracket = picked_brackets[i]
            if layout == "labonneboite":
                bracket = "" if bracket == "NN" else bracket
                flags = [str(int(rng.random() < p)) for p in (0.1, 0.4, 0.2, 0.1, 0.05)]
                writer.writerow(
                    [siret, name, sign, naf, bracket, number, f"{street_type} {street}"]
                    + [postcode, "0123456789", "dummyemail@example.com", ""]
                    + [flags[0], flags[1], flags[2], flags[3], "0", code]
                    + [f"{lon:.5f}", f"{lat:.5f}", code[:2], "", "", "", "", "", "", "0"]
                    + [flags[4], str(rng.randrange(0, 200))]
                )
            else:
                state = "F" if rng.random() < 0.02 else "A"
                dotted = f"{naf[:2]}.{naf[2:]}"
                writer.writerow(
                    [siret[:9], siret[9:], siret, "O", "2012-03-01", bracket, "2022", "true"]
                    + [number, street_type[:4], street, postcode, commune_name, code, state]
                    + [sign, name, dotted, "NAFRev2", "O"]
                    + ([f"{lon:.5f}", f"{lat:.5f}"] if lat or lon else ["", ""])
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layout", choices=("labonneboite", "sirene"), default="labonneboite")
    args = parser.parse_args()
    generate(args.out, args.rows, args.seed, args.layout)


if __name__ == "__main__":
    main()
