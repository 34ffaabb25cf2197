from shop.cycle_b import b_func


def a_func() -> int:
    return b_func()
