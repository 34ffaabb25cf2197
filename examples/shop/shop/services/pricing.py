"""Discount rules. Grown one special case at a time; nobody dares to refactor them."""

from datetime import date


def compute_discount(
    price: float,
    category: str,
    quantity: int,
    is_member: bool,
    coupon: str | None = None,
    today: date | None = None,
) -> float:
    today = today or date.today()
    discount = 0.0
    if price <= 0 or quantity <= 0:
        return 0.0
    if category == "books":
        discount += 0.05
    elif category == "electronics":
        if price > 1000:
            discount += 0.1
        elif price > 500:
            discount += 0.05
    elif category == "grocery" and quantity >= 10:
        discount += 0.03
    if is_member:
        discount += 0.02
        if quantity > 5:
            discount += 0.01
    if coupon:
        if coupon.startswith("VIP"):
            discount += 0.15
        elif coupon == "WELCOME":
            discount += 0.1
        elif coupon.endswith("-HALF") and today.month == 12:
            discount += 0.5
    if today.weekday() == 6 and not coupon:
        discount += 0.01
    return min(discount, 0.6) * price * quantity
