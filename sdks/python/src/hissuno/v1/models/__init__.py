"""Contains all the data models used in inputs/outputs"""

from .codebase_source_create import CodebaseSourceCreate
from .codebase_source_create_type import CodebaseSourceCreateType
from .company import Company
from .company_stage import CompanyStage
from .customer import Customer
from .customer_custom_fields import CustomerCustomFields
from .customer_import import CustomerImport
from .customer_import_item import CustomerImportItem
from .customer_import_item_company import CustomerImportItemCompany
from .customer_import_item_custom_fields import CustomerImportItemCustomFields
from .customer_import_result import CustomerImportResult
from .customer_import_result_errors_item import CustomerImportResultErrorsItem
from .customer_list import CustomerList
from .docs_portal_source_create import DocsPortalSourceCreate
from .docs_portal_source_create_type import DocsPortalSourceCreateType
from .effort_estimate import EffortEstimate
from .error import Error
from .error_details_item import ErrorDetailsItem
from .event_type import EventType
from .issue import Issue
from .issue_create import IssueCreate
from .issue_detail import IssueDetail
from .issue_list import IssueList
from .issue_priority import IssuePriority
from .issue_session import IssueSession
from .issue_status import IssueStatus
from .issue_type import IssueType
from .issue_update import IssueUpdate
from .issue_upvote import IssueUpvote
from .knowledge_source import KnowledgeSource
from .knowledge_source_list import KnowledgeSourceList
from .knowledge_source_status import KnowledgeSourceStatus
from .knowledge_source_type import KnowledgeSourceType
from .linked_issue import LinkedIssue
from .list_envelope import ListEnvelope
from .message import Message
from .message_sender import MessageSender
from .raw_text_source_create import RawTextSourceCreate
from .raw_text_source_create_type import RawTextSourceCreateType
from .session import Session
from .session_create import SessionCreate
from .session_create_user_metadata import SessionCreateUserMetadata
from .session_detail import SessionDetail
from .session_detail_user_metadata import SessionDetailUserMetadata
from .session_list import SessionList
from .session_source import SessionSource
from .session_status import SessionStatus
from .session_type import SessionType
from .session_update import SessionUpdate
from .session_user_metadata import SessionUserMetadata
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_event import WebhookEvent
from .webhook_list import WebhookList
from .webhook_with_secret import WebhookWithSecret
from .website_source_create import WebsiteSourceCreate
from .website_source_create_type import WebsiteSourceCreateType

__all__ = (
    "CodebaseSourceCreate",
    "CodebaseSourceCreateType",
    "Company",
    "CompanyStage",
    "Customer",
    "CustomerCustomFields",
    "CustomerImport",
    "CustomerImportItem",
    "CustomerImportItemCompany",
    "CustomerImportItemCustomFields",
    "CustomerImportResult",
    "CustomerImportResultErrorsItem",
    "CustomerList",
    "DocsPortalSourceCreate",
    "DocsPortalSourceCreateType",
    "EffortEstimate",
    "Error",
    "ErrorDetailsItem",
    "EventType",
    "Issue",
    "IssueCreate",
    "IssueDetail",
    "IssueList",
    "IssuePriority",
    "IssueSession",
    "IssueStatus",
    "IssueType",
    "IssueUpdate",
    "IssueUpvote",
    "KnowledgeSource",
    "KnowledgeSourceList",
    "KnowledgeSourceStatus",
    "KnowledgeSourceType",
    "LinkedIssue",
    "ListEnvelope",
    "Message",
    "MessageSender",
    "RawTextSourceCreate",
    "RawTextSourceCreateType",
    "Session",
    "SessionCreate",
    "SessionCreateUserMetadata",
    "SessionDetail",
    "SessionDetailUserMetadata",
    "SessionList",
    "SessionSource",
    "SessionStatus",
    "SessionType",
    "SessionUpdate",
    "SessionUserMetadata",
    "Webhook",
    "WebhookCreate",
    "WebhookEvent",
    "WebhookList",
    "WebhookWithSecret",
    "WebsiteSourceCreate",
    "WebsiteSourceCreateType",
)
