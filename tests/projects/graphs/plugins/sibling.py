def go() -> None:
    pass
