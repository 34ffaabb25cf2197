import shop.helpers as h
from plugins import sibling


def run() -> None:
    h.fmt("x")
    sibling.go()
