"""Reference tables: jobs (ROME, OGR), activities (NAF), places (communes), brackets."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class Rome(db.Model):
    __tablename__ = "rome"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))


class RomeTreeNode(db.Model):
    """ROME tree: domains (A), subdomains (A11) and their labels."""

    __tablename__ = "rome_tree"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    level: Mapped[str] = mapped_column(String(10))  # domain | subdomain
    label: Mapped[str] = mapped_column(String(255))


class Ogr(db.Model):
    """A job title ("appellation") and the ROME code it belongs to."""

    __tablename__ = "ogr"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    rome_code: Mapped[str | None] = mapped_column(ForeignKey("rome.code"), index=True)


class NafSection(db.Model):
    __tablename__ = "naf_section"
    code: Mapped[str] = mapped_column(String(1), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))


class Naf(db.Model):
    __tablename__ = "naf"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    section_code: Mapped[str | None] = mapped_column(ForeignKey("naf_section.code"))


class RomeNafHiring(db.Model):
    """How many hires an activity (NAF) made for a job (ROME): the affinity weights."""

    __tablename__ = "rome_naf_hiring"
    rome_code: Mapped[str] = mapped_column(ForeignKey("rome.code"), primary_key=True)
    naf_code: Mapped[str] = mapped_column(ForeignKey("naf.code"), primary_key=True, index=True)
    hirings: Mapped[int] = mapped_column(Integer)


class Commune(db.Model):
    __tablename__ = "commune"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    department: Mapped[str] = mapped_column(String(3), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    # Arrondissements of Paris, Lyon and Marseille point at their city.
    parent_code: Mapped[str | None] = mapped_column(String(5))


class CommunePostcode(db.Model):
    __tablename__ = "commune_postcode"
    commune_code: Mapped[str] = mapped_column(ForeignKey("commune.code"), primary_key=True)
    postcode: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)


class EmploymentArea(db.Model):
    """Commune → employment area ("bassin d'emploi")."""

    __tablename__ = "employment_area"
    commune_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(10), index=True)


class RelatedJob(db.Model):
    """Jobs people move to from a job, per employment area, scored 0–1."""

    __tablename__ = "related_job"
    area_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    rome_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    related_rome_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    score: Mapped[float] = mapped_column(Float)


class HeadcountBracket(db.Model):
    """INSEE headcount bracket (00…53), its label and size class (TPE/PME/ETI/GE)."""

    __tablename__ = "headcount_bracket"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))
    size_class: Mapped[str | None] = mapped_column(String(3))


class JobTension(db.Model):
    """Recruitment difficulty per ROME: the highest tension of its job families."""

    __tablename__ = "job_tension"
    rome_code: Mapped[str] = mapped_column(ForeignKey("rome.code"), primary_key=True)
    tension_pct: Mapped[float] = mapped_column(Float)


class ContactMode(db.Model):
    """Recommended way to apply per NAF 2-digit prefix and ROME."""

    __tablename__ = "contact_mode"
    naf_prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    rome_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    mode: Mapped[str] = mapped_column(String(255))
