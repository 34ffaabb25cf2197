from .repo import Repo


class BaseService:
    def audit(self) -> None:
        pass


class OrderService(BaseService):
    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    def place(self) -> None:
        self._check()
        self.audit()
        self.repo.save()

    def _check(self) -> None:
        local = Repo("x")
        local.get(1)
        mystery.run()
