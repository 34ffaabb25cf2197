from . import admin, health, items, login, users

__all__ = ["admin", "health", "items", "login", "users"]
