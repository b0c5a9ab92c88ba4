from typing import Literal

MessageSender = Literal["ai", "human_agent", "system", "user"]

MESSAGE_SENDER_VALUES: set[MessageSender] = {
    "ai",
    "human_agent",
    "system",
    "user",
}


def check_message_sender(value: str) -> MessageSender:
    if value in MESSAGE_SENDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MESSAGE_SENDER_VALUES!r}")
