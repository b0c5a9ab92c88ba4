from typing import Literal

CompanyStage = Literal["active", "churned", "expansion", "onboarding", "prospect"]

COMPANY_STAGE_VALUES: set[CompanyStage] = {
    "active",
    "churned",
    "expansion",
    "onboarding",
    "prospect",
}


def check_company_stage(value: str) -> CompanyStage:
    if value in COMPANY_STAGE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COMPANY_STAGE_VALUES!r}")
