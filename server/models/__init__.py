"""Database models, one module per aggregate. Importing this package registers them all."""

from server.models.admin_audit import AdminAuditEntry
from server.models.admin_user import AdminUser
from server.models.answer import Answer, CompanyOptOut, RecruiterDetails
from server.models.api_user import ApiUser
from server.models.application import Application, ApplicationEvent, Attachment
from server.models.application_start import ApplicationStart
from server.models.blacklist import BlacklistEntry
from server.models.company import Company
from server.models.company_load import CompanyLoad, CompanyLoadReject, CompanyStaging
from server.models.email import Email, OutboxMessage
from server.models.hiring import Hire
from server.models.offer import Offer
from server.models.platform import Platform
from server.models.reference import (
    Commune,
    CommunePostcode,
    ContactMode,
    EmploymentArea,
    HeadcountBracket,
    JobTension,
    Naf,
    NafSection,
    Ogr,
    RelatedJob,
    Rome,
    RomeNafHiring,
    RomeTreeNode,
)
from server.models.remembered_profile import RememberedProfile
from server.models.score import CompanyJobScore, ScoreRun, SyntheticHistory
from server.models.webhook_delivery import WebhookDelivery

__all__ = [
    "AdminAuditEntry",
    "AdminUser",
    "Answer",
    "ApiUser",
    "Application",
    "ApplicationEvent",
    "ApplicationStart",
    "Attachment",
    "BlacklistEntry",
    "Commune",
    "CommunePostcode",
    "Company",
    "CompanyJobScore",
    "CompanyLoad",
    "CompanyLoadReject",
    "CompanyOptOut",
    "CompanyStaging",
    "ContactMode",
    "Email",
    "EmploymentArea",
    "HeadcountBracket",
    "Hire",
    "JobTension",
    "Naf",
    "NafSection",
    "Ogr",
    "OutboxMessage",
    "Offer",
    "Platform",
    "RecruiterDetails",
    "RelatedJob",
    "RememberedProfile",
    "Rome",
    "RomeNafHiring",
    "RomeTreeNode",
    "ScoreRun",
    "SyntheticHistory",
    "WebhookDelivery",
]
