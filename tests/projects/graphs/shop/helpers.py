def write_log(message: str) -> None:
    print(fmt(message))


def fmt(message: str) -> str:
    return message.upper()
