"""The walk FastAPI's own registration follows: from each root app (and each router no app
includes) through ``include_router`` to the routers below, and into mounted FastAPI apps.

FastAPI copies what an object declares (prefix, ``dependencies=``, ``responses=``) into every
route of every router it includes, along each include path. The route inventory, the call
graph's framework edges and BK208 each fold something different along those paths; this class
owns the walk itself (roots, order, cycles, mounts starting afresh) so they cannot drift apart.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from backendkit.project.appmodel import AppModel, AppObject, Include, Mount

T = TypeVar("T")


class IncludeWalk(Generic[T]):
    """Folds a value along every include path. Subclasses say what an object adds to the
    value that reaches it (``enter``), what an include adds (``include``) and what a mounted
    app starts from (``mount``, by default the walk's start value); ``leave`` and
    ``foreign_mount`` see the rest of each object. An object on the current path is not
    entered again (an include cycle)."""

    def __init__(self, start: T) -> None:
        self.start = start

    def walk(self, model: AppModel) -> None:
        """Visit every object reachable from the model's roots, once per path."""
        for root in model.roots():
            self.walk_from(root)

    def walk_from(self, root: AppObject) -> None:
        """Visit every object reachable from ``root``, once per path."""
        self._visit(root, self.start, ())

    def _visit(self, obj: AppObject, above: T, stack: tuple[str, ...]) -> None:
        if obj.key in stack:
            return
        stack = (*stack, obj.key)
        here = self.enter(obj, above)
        for inc in obj.includes:
            self._visit(inc.child, self.include(inc, here), stack)
        self.leave(obj, above, here)
        for mount in obj.mounts:
            if mount.child is not None:
                self._visit(mount.child, self.mount(mount, above), stack)
            else:
                self.foreign_mount(obj, mount, above)

    def enter(self, obj: AppObject, above: T) -> T:
        """The value on ``obj`` itself, given the value that reached it."""
        raise NotImplementedError

    def include(self, inc: Include, here: T) -> T:
        """The value passed to an included router (default: unchanged)."""
        return here

    def leave(self, obj: AppObject, above: T, here: T) -> None:
        """Called after ``obj``'s includes were walked, before its mounts."""

    def mount(self, mount: Mount, above: T) -> T:
        """The value a mounted FastAPI app starts from (default: the walk's start value)."""
        return self.start

    def foreign_mount(self, obj: AppObject, mount: Mount, above: T) -> None:
        """A mounted app that is not a FastAPI app the analysis can see."""


__all__ = ["IncludeWalk"]
