from shop import helpers


class Repo:
    def __init__(self, db: str) -> None:
        self.db = db

    def get(self, order_id: int) -> dict:
        helpers.write_log("get")
        return {"id": order_id}

    def save(self) -> None:
        helpers.write_log("save")
