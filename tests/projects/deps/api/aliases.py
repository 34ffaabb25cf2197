"""Aliases of aliases, defined away from the dependencies themselves."""

from .deps import CurrentUser, SuperAdmin

Me = CurrentUser
Boss = SuperAdmin
