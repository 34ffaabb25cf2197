import shop.cycle_a


def b_func() -> int:
    return 1


def later() -> int:
    from shop.cycle_a import a_func

    return a_func() + shop.cycle_a.a_func()
