PREFIX = "/v2"
VERSION = "v3"
ADMIN = "/admin"
REPORTS_PREFIX = PREFIX + "/reports"
HEALTH_PATH = "/healthz"
ITEM = "/items"


class Paths:
    ORDERS = "/orders"
    ORDER_DETAIL = "/{order_id}"
