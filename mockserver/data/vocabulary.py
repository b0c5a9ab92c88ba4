"""Words, sentences and people's names that make the seeded data read like a real product-feedback tool.

Each :class:`Topic` ties a session's name, first messages and page to the issue it raises, so that linked
sessions and issues talk about the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    kind: str  # bug | feature_request | change_request | question | win | loss
    session_name: str
    opening: str
    reply: str
    area: str
    path: str
    page: str
    issue_title: str = ""
    description: str = ""


TOPICS: tuple[Topic, ...] = (
    Topic("bug", "CSV export fails on large workspaces",
          "The CSV export times out when I pick the whole year. Smaller ranges work fine.",
          "Sorry about that! Exports above 10k rows are slow right now. I have flagged it to the team.",
          "export", "/reports/export", "Reports", "Export to CSV times out above 10k rows",
          "Customers report that exporting a full year of reports to CSV never finishes. The request times "
          "out after 30 seconds once a workspace holds more than 10k rows. Smaller date ranges export fine."),
    Topic("bug", "Billing page shows wrong seat count",
          "The billing page shows 12 seats but we only have 9 users.",
          "Thanks for spotting that. Deactivated users may still be counted; I have passed this on.",
          "billing", "/settings/billing", "Billing", "Seat count includes deactivated users",
          "The seat counter on the billing page includes users who were deactivated in the current period. "
          "Several admins were worried they would be over-charged. Invoices themselves look correct."),
    Topic("bug", "Dashboard charts not loading",
          "None of the charts on my dashboard load today, I just get a spinner.",
          "I can see a few reports of this. Could you tell me which browser you are using?",
          "dashboards", "/dashboards", "Dashboards", "Dashboard widgets spin forever after a filter change",
          "After changing the global date filter, dashboard widgets keep spinning and never render. "
          "Reloading the page fixes it until the next filter change. Seen in Chrome and Edge."),
    Topic("bug", "Slack notifications stopped",
          "We stopped getting Slack notifications for new comments since Monday.",
          "Thanks! Reconnecting the Slack integration usually helps while we look into it.",
          "integrations", "/settings/integrations", "Integrations", "Slack notifications stop after token refresh",
          "Slack notifications silently stop once the workspace token is refreshed. Reconnecting the "
          "integration restores them. Affected workspaces see no error in the integration settings."),
    Topic("bug", "Can't invite teammates",
          "When I invite a teammate the invite email never arrives.",
          "I'm sorry about this. Could you check the spam folder while I pass this to the team?",
          "auth", "/settings/members", "Members", "Invite emails are not delivered to Outlook domains",
          "Invitation emails are not delivered to recipients on Outlook-hosted domains. The invite is "
          "created and shows as pending. Resending does not help."),
    Topic("bug", "Search returns nothing for accented names",
          "Searching for 'José' returns nothing even though the record exists.",
          "Thanks for the example, that helps a lot. I have logged it for the team.",
          "search", "/search", "Search", "Search ignores records with accented characters",
          "Full-text search does not match names or titles that contain accented characters. Searching "
          "without the accent does not find them either. Affects customers in Spain, France and Brazil."),
    Topic("bug", "Mobile app crashes on login",
          "The iOS app crashes right after I sign in with Google.",
          "Sorry for the trouble! Which iOS version are you on? I'll add it to the report.",
          "mobile", "/login", "Sign in", "iOS app crashes after Google sign-in",
          "The iOS app closes immediately after a successful Google sign-in on iOS 18. Email sign-in "
          "works. Crash reports point at the session restore step."),
    Topic("bug", "Timezone wrong on scheduled reports",
          "My scheduled report arrives at 3am instead of 9am.",
          "It looks like the schedule may be using UTC. I have shared this with the team.",
          "reports", "/reports/schedules", "Scheduled reports", "Scheduled reports ignore the workspace timezone",
          "Scheduled reports are sent at the configured hour in UTC rather than in the workspace timezone. "
          "Customers outside Europe receive them in the middle of the night."),
    Topic("bug", "Duplicate records after import",
          "After importing our contacts we have every record twice.",
          "Thanks for letting us know. Was the same file imported twice, or only once?",
          "import", "/settings/import", "Import", "CSV import creates duplicates when emails differ in case",
          "The contact import treats emails that differ only in letter case as different people and "
          "creates duplicates. Larger customers now have to clean up hundreds of records by hand."),
    Topic("bug", "Webhook retries flood our endpoint",
          "Your webhooks keep retrying the same event dozens of times.",
          "Thanks for the report. Could you share the event id so the team can trace it?",
          "api", "/settings/webhooks", "Webhooks", "Webhook retries ignore 2xx responses with a body",
          "Webhook deliveries are retried even when the receiver answers 200 with a JSON body. One "
          "customer received the same event 40 times within an hour."),
    Topic("feature_request", "Question about SAML setup",
          "Do you support SAML SSO with Okta? Our security team requires it.",
          "Not yet, but I have recorded your interest so the team can prioritise it.",
          "auth", "/settings/security", "Security", "Support SAML SSO with Okta",
          "Several enterprise prospects need SAML single sign-on with Okta before they can roll out. "
          "They also ask for SCIM provisioning so that leavers lose access automatically."),
    Topic("feature_request", "Dark mode please",
          "Any plans for a dark mode? I work late and the white UI is blinding.",
          "Thanks for the suggestion! I have added your vote to the dark mode request.",
          "ui", "/settings/profile", "Profile", "Dark mode for the web app",
          "Users working long hours ask for a dark theme. Most mention eye strain in the evening and "
          "point out that the mobile app already follows the system setting."),
    Topic("feature_request", "Export to Google Sheets",
          "Could you add a direct export to Google Sheets instead of downloading CSVs?",
          "Good idea. I have shared it with the product team.",
          "export", "/reports/export", "Reports", "Export reports straight to Google Sheets",
          "Teams copy CSV exports into Google Sheets every week to share them. A direct, refreshable "
          "export would save them the manual step and keep the numbers current."),
    Topic("feature_request", "Need an audit log",
          "Our compliance team needs an audit log of who changed what.",
          "Understood. I have logged the request, including the compliance context.",
          "security", "/settings/security", "Security", "Audit log of workspace changes",
          "Regulated customers need an audit trail of permission changes, exports and deletions, "
          "downloadable for their yearly audits. Two renewals mention it as a requirement."),
    Topic("feature_request", "Custom fields on contacts",
          "We need custom fields on contacts to track the account manager.",
          "Thanks! I have added your use case to the custom fields request.",
          "customers", "/customers", "Customers", "Custom fields on contacts and companies",
          "Customers want to store their own attributes on contacts and companies (account manager, "
          "region, contract type) and filter lists by them."),
    Topic("feature_request", "Zapier integration?",
          "Is there a Zapier integration? We want to push new records to HubSpot.",
          "There is no Zapier app yet. I have recorded your request.",
          "integrations", "/settings/integrations", "Integrations", "Zapier app with triggers for new records",
          "Smaller teams without developers ask for a Zapier app so that new records can flow into "
          "their CRM and help desk without custom code."),
    Topic("feature_request", "Bulk edit",
          "Is there a way to change the owner of 200 records at once?",
          "Not at the moment, but I have noted it as a feature request.",
          "ui", "/records", "Records", "Bulk edit for owner, status and tags",
          "Admins need to change the owner, status or tags of many records at once, typically when "
          "someone leaves the team. Today they edit records one by one."),
    Topic("feature_request", "API rate limits too low",
          "Our sync job hits your API rate limit every night. Can we get a higher limit?",
          "I have forwarded this. Batching requests can help in the meantime.",
          "api", "/settings/api", "API", "Higher API limits for nightly syncs",
          "Customers syncing large datasets overnight hit the per-minute API limit. They ask for a "
          "bulk endpoint or a higher limit outside business hours."),
    Topic("change_request", "Seat management is hard to find",
          "It took me ages to find where to remove a seat. Why is it under Billing?",
          "Thanks for the feedback, I have shared it with the design team.",
          "billing", "/settings/billing", "Billing", "Move seat management under Workspace settings",
          "Admins look for seat management under Workspace settings, not under Billing. Support gets "
          "several tickets a week asking where to remove a user."),
    Topic("change_request", "Default date range",
          "Every time I open reports it defaults to 7 days, I always need 30.",
          "Noted! I have passed on the request for a configurable default.",
          "reports", "/reports", "Reports", "Remember the last used date range in reports",
          "Users reset the report date range on every visit. They would like the last used range, or a "
          "workspace default, to be remembered."),
    Topic("change_request", "Email digest too noisy",
          "The daily digest email has too much in it, can it only show my items?",
          "Thanks, I have shared this with the team working on notifications.",
          "notifications", "/settings/notifications", "Notifications", "Digest emails only about my own items",
          "The daily digest lists every change in the workspace. Users want it limited to items they "
          "own or follow, and otherwise unsubscribe from it altogether."),
    Topic("change_request", "Rename 'Projects' to 'Workspaces'",
          "Our team keeps confusing your 'Projects' with our own projects.",
          "Thanks for explaining the confusion. I have logged the naming feedback.",
          "ui", "/projects", "Projects", "Let admins rename the Projects section",
          "Several customers use the word project for something else and find the navigation confusing. "
          "They ask for a configurable label."),
    Topic("question", "How do I export data?",
          "How do I export data?",
          "Go to Reports, pick a date range and choose Export. CSV and XLSX are available.",
          "export", "/reports", "Reports"),
    Topic("question", "Where can I find invoices?",
          "Where can I download our invoices for last year?",
          "Invoices are under Settings > Billing > Invoices, where you can download each as a PDF.",
          "billing", "/settings/billing", "Billing"),
    Topic("question", "How to add a teammate",
          "How do I add a colleague to my workspace?",
          "Open Settings > Members and click Invite. They will get an email with a link.",
          "auth", "/settings/members", "Members"),
    Topic("question", "Is there an API?",
          "Do you have a public API we could use for our data warehouse?",
          "Yes, the API is documented in the developer docs. Keys are managed on the Access page.",
          "api", "/settings/api", "API"),
    Topic("win", "Renewal call: reporting saved them hours",
          "The new reporting saves our analysts about a day every week.",
          "That's great to hear, thank you for sharing!",
          "reports", "/reports", "Reports"),
    Topic("win", "Expansion: second team onboarding",
          "We are rolling it out to our support team next month.",
          "Wonderful! I can share onboarding material for the new team.",
          "onboarding", "/onboarding", "Onboarding"),
    Topic("loss", "Churn call: missing SSO",
          "Without SSO our IT department will not approve the renewal.",
          "I understand. I have passed this to the team together with your timeline.",
          "auth", "/settings/security", "Security"),
    Topic("loss", "Lost deal: price per seat",
          "Your competitor is half the price per seat for what we need.",
          "Thanks for being candid. I have shared the pricing feedback.",
          "billing", "/settings/billing", "Billing"),
)

ISSUE_KINDS = ("bug", "feature_request", "change_request")

USER_FOLLOW_UPS = (
    "Thanks, that helps.",
    "Is there an ETA for a fix?",
    "We have a demo with a customer on Friday, so this matters to us.",
    "Any workaround in the meantime?",
    "It happens in Chrome and Safari.",
    "I tried again and it still happens.",
    "Got it, I'll try that now.",
    "Can someone from the team follow up by email?",
    "This affects about half of our team.",
    "Here is a screenshot of what I see.",
    "OK, that worked. Thank you!",
    "Could you let me know when it is fixed?",
)

AI_FOLLOW_UPS = (
    "I have linked your report to the existing issue so the team sees how many people are affected.",
    "Thanks for the details! I have logged this so the team can prioritise it.",
    "As a workaround, narrowing the date range usually helps.",
    "I will make sure you are notified when there is an update.",
    "Could you share your workspace name so the team can check the logs?",
    "Thanks, I have added that to the report.",
    "Happy to help! Is there anything else I can do for you?",
    "I understand this is frustrating. The team is looking into it.",
)

AGENT_LINES = (
    "Hi, this is Sam from support. I'm taking over from here.",
    "I've checked your workspace and can reproduce it.",
    "I've escalated this to engineering with your details.",
    "Thanks for your patience while we look into this.",
    "Let me walk you through the settings on a quick call.",
    "We shipped a fix this morning, could you try again?",
)

CALL_LINES = (
    "Let's start with how the team has been using it since the last call.",
    "Adoption is good on the analyst side, less so with managers.",
    "What would make it easier to roll out to the other teams?",
    "Mostly the permissions model and single sign-on.",
    "Our renewal is coming up in the next quarter.",
    "I'll share the roadmap for the next two releases after this call.",
    "The reporting changes were well received.",
    "Budget is tight this year, so pricing will come up.",
)

SYSTEM_LINES = (
    "Conversation handed over to a human agent.",
    "The user closed the chat window.",
)

COMPANY_WORDS = (
    "Acme", "Bluefin", "Cobalt", "Driftwood", "Evergreen", "Foxglove", "Granite", "Harbor", "Ironclad",
    "Juniper", "Keystone", "Lighthouse", "Meridian", "Northstar", "Oakridge", "Pinnacle", "Quarry", "Redwood",
    "Summit", "Tidewater", "Vantage", "Willow", "Zephyr", "Beacon", "Cedar", "Fathom", "Halcyon", "Lumos",
)

COMPANY_KINDS = (
    ("Labs", "Software"), ("Health", "Healthcare"), ("Logistics", "Logistics"), ("Retail", "Retail"),
    ("Systems", "IT services"), ("Capital", "Financial services"), ("Studios", "Media"),
    ("Energy", "Energy"), ("Foods", "Food & beverage"), ("Robotics", "Manufacturing"),
    ("Learning", "Education"), ("Travel", "Travel"),
)

TLDS = ("com", "io", "co", "com", "io")

JOB_TITLES = (
    "Head of Support", "VP Product", "Engineering Manager", "CTO", "Customer Success Lead", "Product Manager",
    "Operations Manager", "Data Analyst", "Head of Marketing", "IT Administrator", "COO", "Sales Director",
)

ROLES = ("Decision maker", "Champion", "End user", "Economic buyer", "Technical evaluator", "Admin")

PLAN_TIERS = ("starter", "growth", "enterprise")

PRODUCTS_USED = ("Reports", "Dashboards", "API", "Integrations", "Mobile app")

REGIONS = ("EMEA", "North America", "APAC", "LATAM")

CUSTOMER_NOTES = (
    "Prefers email over calls.",
    "Asked for a roadmap review before the renewal.",
    "Joined the beta for the new reporting.",
    "Main contact for billing questions.",
    "Very responsive, good reference customer.",
)

KNOWLEDGE_SOURCES = (
    ("website", "Marketing site"),
    ("docs_portal", "Help center"),
    ("raw_text", "Pricing FAQ"),
    ("codebase", "Web app repository"),
    ("uploaded_doc", "Security whitepaper.pdf"),
    ("uploaded_doc", "Onboarding guide.pdf"),
)

RAW_TEXT = (
    "Plans: Free (up to 3 users), Pro ($49 per seat per month, billed annually) and Enterprise (custom). "
    "Every plan includes unlimited reports. SSO and audit logs are Enterprise features. Invoices are sent "
    "on the first of the month; seats added mid-cycle are prorated."
)

SCORE_REASONS = {
    "impact": ("Affects {n} active customers, two of them above $50K ARR.",
               "Raised mostly by trial users; limited revenue at stake.",
               "Blocks a core workflow for several large accounts."),
    "effort": ("A contained change in one service.",
               "Touches the data model and needs a migration.",
               "Needs design work and changes across web and mobile."),
    "velocity": ("{n} reports in the last 14 days.",
                 "Steady trickle of reports over the last month.",
                 "No new reports in the last two weeks."),
}

# People's names: the most frequent entries of Faker's ``en_US`` person provider (MIT licence), taken once
# into plain tuples so that seeding costs a list index per name and start-up does not import Faker.
FIRST_NAMES = (
    "Jennifer", "Michael", "Jessica", "David", "Lisa", "James", "Kimberly", "John", "Amanda", "Christopher",
    "Michelle", "Robert", "Elizabeth", "Matthew", "Melissa", "William", "Ashley", "Daniel", "Sarah", "Joseph",
    "Mary", "Brian", "Stephanie", "Jason", "Amy", "Joshua", "Angela", "Mark", "Nicole", "Thomas", "Heather",
    "Kevin", "Laura", "Richard", "Rebecca", "Anthony", "Karen", "Andrew", "Kelly", "Steven", "Emily", "Timothy",
    "Susan", "Jeffrey", "Rachel", "Eric", "Christina", "Ryan", "Patricia", "Charles", "Julie", "Scott",
    "Samantha", "Justin", "Megan", "Nicholas", "Cynthia", "Jonathan", "Christine", "Brandon", "Brittany",
    "Paul", "Lauren", "Kenneth", "Amber", "Jacob", "Andrea", "Gregory", "Danielle", "Stephen", "Tiffany",
    "Patrick", "Maria", "Adam", "Katherine", "Aaron", "Tammy", "Benjamin", "Sandra", "Kyle", "Linda", "Jeremy",
    "Crystal", "Tyler", "Lori", "Zachary", "Shannon", "Ronald", "Pamela", "Edward", "Brenda", "Donald", "Donna",
    "Sean", "Sara", "Jose", "Erin", "Alexander", "Deborah", "Nathan", "Victoria", "Gary", "Tina", "Samuel",
    "Jamie", "Keith", "Teresa", "Bryan", "Kathleen", "Douglas", "Nancy", "Shawn", "Dawn", "George", "Tracy",
    "Peter", "Courtney", "Todd", "Barbara", "Travis", "Jacqueline", "Jesse", "Sharon", "Chad", "Anna",
    "Bradley", "Kayla", "Austin", "Denise", "Larry", "April", "Cody", "Catherine", "Raymond", "Kristen",
    "Jordan", "Erica", "Craig", "Monica", "Dennis", "Hannah", "Frank", "Kathryn", "Juan", "Cheryl", "Jerry",
    "Debra", "Christian", "Robin", "Derek", "Wendy", "Dustin", "Taylor", "Randy", "Margaret", "Terry",
    "Vanessa", "Phillip", "Alicia", "Troy", "Allison", "Carlos", "Diana", "Jeffery", "Natalie", "Marcus",
    "Kristin", "Jared", "Leslie", "Joel", "Michele", "Shane", "Theresa", "Tony", "Holly", "Vincent", "Alexis",
    "Corey", "Melanie", "Luis", "Dana", "Antonio", "Cindy", "Alan", "Julia", "Victor", "Jill", "Dylan",
    "Alyssa", "Philip", "Valerie", "Brett", "Tara", "Rodney", "Stacy", "Curtis", "Diane", "Johnny", "Katie",
    "Alex",
)

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
    "Martinez", "Anderson", "Taylor", "Thomas", "Hernandez", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Lopez", "Lee", "Gonzalez", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Perez", "Hall", "Young",
    "Allen", "Sanchez", "Wright", "King", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Ramirez",
    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins",
    "Edwards", "Stewart", "Flores", "Morris", "Nguyen", "Murphy", "Rivera", "Cook", "Rogers", "Morgan",
    "Peterson", "Cooper", "Reed", "Bailey", "Bell", "Gomez", "Kelly", "Howard", "Ward", "Cox", "Diaz",
    "Richardson", "Wood", "Watson", "Brooks", "Bennett", "Gray", "James", "Reyes", "Cruz", "Hughes", "Price",
    "Myers", "Long", "Foster", "Sanders", "Ross", "Morales", "Powell", "Sullivan", "Russell", "Ortiz",
    "Jenkins", "Gutierrez", "Perry", "Butler", "Barnes", "Fisher", "Henderson", "Coleman", "Simmons",
    "Patterson", "Jordan", "Reynolds", "Hamilton", "Graham", "Kim", "Gonzales", "Alexander", "Ramos", "Wallace",
    "Griffin", "West", "Cole", "Hayes", "Chavez", "Gibson", "Bryant", "Ellis", "Stevens", "Murray", "Ford",
    "Marshall", "Owens", "Mcdonald", "Harrison", "Ruiz", "Kennedy", "Wells", "Alvarez", "Woods", "Mendoza",
    "Castillo", "Olson", "Webb", "Washington", "Tucker", "Freeman", "Burns", "Henry", "Vasquez", "Snyder",
    "Simpson", "Crawford", "Jimenez", "Porter", "Mason", "Shaw", "Gordon", "Wagner", "Hunter", "Romero",
    "Hicks", "Dixon", "Hunt", "Palmer", "Robertson", "Black", "Holmes", "Stone", "Meyer", "Boyd", "Mills",
    "Warren", "Fox", "Rose", "Rice", "Moreno", "Schmidt", "Patel", "Ferguson", "Nichols", "Herrera", "Medina",
    "Ryan", "Fernandez", "Weaver", "Daniels", "Stephens", "Gardner", "Payne", "Kelley", "Dunn", "Pierce",
    "Arnold", "Tran", "Spencer", "Peters", "Hawkins", "Grant", "Hansen", "Castro", "Hoffman", "Hart", "Elliott",
    "Cunningham", "Knight", "Bradley",
)
