from typing import Literal

EffortEstimate = Literal["large", "medium", "small", "trivial", "xlarge"]

EFFORT_ESTIMATE_VALUES: set[EffortEstimate] = {
    "large",
    "medium",
    "small",
    "trivial",
    "xlarge",
}


def check_effort_estimate(value: str) -> EffortEstimate:
    if value in EFFORT_ESTIMATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EFFORT_ESTIMATE_VALUES!r}")
