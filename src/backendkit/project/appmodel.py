"""The FastAPI app model: every app and router, what is included and mounted where, and every
route with its full path and effective dependencies, merged the way FastAPI merges them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from backendkit.project.appobjects import (
    STARLETTE_ROUTES,
    AppObject,
    Include,
    Mount,
    RouteDecl,
    starlette_route,
)
from backendkit.project.callbinds import Arg
from backendkit.project.deplists import DependencyLists
from backendkit.project.factoryrouters import FactoryRouters
from backendkit.project.index import ProjectIndex
from backendkit.project.inforce import BindingsInForce
from backendkit.project.initdeps import init_dependencies
from backendkit.project.lookalikes import HANDS_ROUTERS, router_built, router_like
from backendkit.project.members import MethodValues
from backendkit.project.paramapps import annotated_parameter
from backendkit.project.regnames import (
    HOOK_DECORATORS,
    HTTP_METHODS,
    METHODS,
    REGISTRATION_SUFFIXES,
    ROUTE_DECORATORS,
    STAND_IN,
    call_form,
    defined,
    may_register,
)
from backendkit.project.regsupport import iterations, opaque_note
from backendkit.project.routeobjects import ROUTE_LIST_ADDS, RouteObjects
from backendkit.project.superinit import constructor_keywords
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    External,
    FuncSym,
    Instance,
    OneOf,
    ParamSym,
    Value,
    VarSym,
)
from backendkit.project.text import expr_text
from backendkit.summary.model import Attr, Call, CallSite, Const, Expr, FunctionInfo, Name, Scope


class AppModel:
    """Collects app objects and their registrations from every scope of the project."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self.members = MethodValues(index)
        self.in_force = BindingsInForce(index, self.members)
        self.dep_lists = DependencyLists()
        self.factories = FactoryRouters(self)
        self.route_objects = RouteObjects(self)
        self.objects: dict[str, AppObject] = {}
        #: routes decorated on a library object that may prove to be a router (``_defer``)
        self._deferred: dict[str, list[Callable[[AppObject], None]]] = {}
        contexts = [Ctx(s, (s.scope,)) for s in index.modules.values()]
        for ctx in contexts:
            self._scan(ctx.module.scope, ctx)
        makers = self._makers()
        for ctx in contexts:
            self._name_module_objects(ctx.module.scope, ctx, makers)
        self.factories.finish()
        for obj in self.objects.values():
            obj.names.sort(key=lambda n: (n.count("."), n))

    # -- discovery ----------------------------------------------------------------------------
    def object_for(self, value: Value, use: str = "") -> AppObject | None:
        """The app object an evaluated value is, creating its record on first sight; ``use``
        is what the project does with it (a method called on it, or "included"): a library
        object used as only an APIRouter is, and built like one, is taken for one."""
        if not isinstance(value, Instance) or value.origin is None:
            return None
        obj = self.objects.get(value.origin.qualname)
        if obj is not None:
            return obj
        kind = self._kind(value.cls)
        if kind is None and router_like(self.index, value, use, use in ROUTE_DECORATORS):
            kind = "router"
        return None if kind is None else self._new_object(value, value.origin, kind)

    def _new_object(self, value: Instance, origin: VarSym, kind: str) -> AppObject:
        """Record a new app object (and the routes deferred until it was known)."""
        key = origin.qualname
        obj = AppObject(key, kind, value, value.ctx.module.path, origin.assign.line)
        keywords = constructor_keywords(self.index, value, self.members.value)
        if kind == "router" and "prefix" in keywords:
            obj.prefix_expr, ctx, _call = keywords["prefix"]
            obj.prefix = self._value(obj.prefix_expr, ctx, "")
        if "dependencies" in keywords:
            obj.deps = self.dependencies(keywords["dependencies"])
        obj.deps += init_dependencies(self.index, value.cls)
        if kind == "router" and "route_class" in keywords:
            obj.route_class = keywords["route_class"][:2]
        self.objects[key] = obj
        if "routes" in keywords:
            self.route_objects.given(obj, keywords["routes"])
        for add in self._deferred.pop(key, ()):
            add(obj)
        return obj

    def dependencies(self, keyword: Arg) -> list[tuple[Expr, Ctx]]:
        """A ``dependencies=`` argument the object's class receives, grown as a local list
        when it is the keyword of the call that passes it (``DependencyLists``)."""
        expr, ctx, call = keyword
        if isinstance(expr, Const) and expr.value is None:
            return []  # ``dependencies=None``: FastAPI's default, none
        if call is not None and call.kwarg("dependencies") is expr:
            return self.dep_lists.of(call, ctx)
        return [(expr, ctx)]

    def _kind(self, cls: ClassSym | External) -> str | None:
        bases = [cls] if isinstance(cls, External) else self.index.external_bases(cls)
        for base in bases:
            if base.is_from("fastapi", "starlette"):
                if base.last == "FastAPI":
                    return "app"
                if base.last == "APIRouter":
                    return "router"
        return None

    def _defer(self, func: Expr, ctx: Ctx, add: Callable[[AppObject], None]) -> None:
        """A route decorator on a library object built like an APIRouter that is not (yet)
        known to be one: ``add`` runs if a later use shows it is (``object_for``)."""
        receiver = func.dotted.rpartition(".")[0] if isinstance(func, Name) else ""
        value = self.members.value(Name(receiver), ctx) if receiver else None
        if isinstance(value, Instance) and value.origin and router_built(self.index, value):
            self._deferred.setdefault(value.origin.qualname, []).append(add)

    def _value(self, expr: Expr | None, ctx: Ctx, default: Value) -> Value:
        return default if expr is None else self.members.value(expr, ctx)

    def objects_for(self, value: Value, use: str = "") -> list[AppObject]:
        """Like ``object_for``, taking each alternative of a ``OneOf``, nested ones too (each
        object once: a method's parameter is the same app in each of its callers, and is each
        item of a loop in one of them)."""
        found = (self.object_for(v, use) for v in _alternatives(value))
        return list(dict.fromkeys(obj for obj in found if obj is not None))

    def _receivers(self, func: Expr, ctx: Ctx, line: int) -> tuple[list[AppObject], str]:
        """The app objects a registration method is called on at ``line``, and the method."""
        if not isinstance(func, Name) or "." not in func.dotted:
            return [], ""
        receiver, _, method = func.dotted.rpartition(".")
        if method not in METHODS:
            return [], method
        value = self.in_force.value(Name(receiver), ctx, line)
        objs = self.objects_for(value, method) or self._app_router(Name(receiver), ctx, line)
        if not objs and method in STAND_IN and not self._may_defer(value):
            objs = self._stand_in(receiver, ctx)
        return objs, method

    def holders(self, receiver: Name, ctx: Ctx, line: int) -> list[AppObject]:
        """The app objects whose route list ``receiver.routes`` is at ``line`` (``app``,
        ``router``, ``app.router``; a parameter annotated as an app or router whose value is
        not known is its stand-in)."""
        value = self.in_force.value(receiver, ctx, line)
        found = self.objects_for(value, "routes") or self._app_router(receiver, ctx, line)
        if found or self._may_defer(value):
            return found
        return self._stand_in(receiver.dotted.removesuffix(".router"), ctx)

    def _app_router(self, expr: Expr | None, ctx: Ctx, line: int) -> list[AppObject]:
        """The apps ``expr`` is the ``router`` attribute of (``app.router``: the root
        ``APIRouter`` a ``FastAPI()`` creates, which its own ``include_router``, route
        decorators and ``add_api_route`` register on), when it is not known otherwise."""
        if not isinstance(expr, Name) or not expr.dotted.endswith(".router"):
            return []
        head = Name(expr.dotted.removesuffix(".router"))
        found = self.objects_for(self.in_force.value(head, ctx, line))
        return [obj for obj in found if obj.kind == "app"]

    def _may_defer(self, value: Value) -> bool:
        """``value`` is (or may be) a library object built like an APIRouter: its routes wait
        for a use showing it is one (``_defer``), not on a stand-in."""
        return any(
            isinstance(v, Instance) and v.origin is not None and router_built(self.index, v)
            for v in _alternatives(value)
        )

    def _stand_in(self, receiver: str, ctx: Ctx) -> list[AppObject]:
        """For a registration on a parameter annotated as an app or router whose value is not
        known (``paramapps.py``): the router standing for it, an orphan whose routes are
        ``unknown`` (made on first use)."""
        found = annotated_parameter(self.index, receiver, ctx)
        kind = None if found is None else self._kind(found[1])
        if found is None or kind is None:
            return []
        param, cls = found
        key = f"{param.qualname} (parameter)"
        obj = self.objects.get(key)
        if obj is None:
            where = f"{ctx.module.module}:{param.func.qualname}"
            instance = Instance(cls, Call(Name(param.name)), param.ctx)
            obj = AppObject(key, "router", instance, ctx.module.path, param.func.line)
            obj.handed.append(
                f"registered on the parameter {param.name} of {where} (line "
                f"{param.func.line}), {'an app' if kind == 'app' else 'a router'} the analysis "
                "cannot follow"
            )
            self.objects[key] = obj
        return [obj]

    def _scan(self, scope: Scope, ctx: Ctx, body: Ctx | None = None) -> None:
        """Registrations in ``scope`` and the functions and classes in it; ``body`` is the
        context of a class body: its calls and its methods' decorators see its names. Method
        bodies are scanned as functions are (``self.router`` and method parameters are
        followed by ``MethodValues``)."""
        here = body or ctx
        for site in scope.calls:
            self._scan_site(site, here)
        for func in defined(scope):
            self._decorated(func, here, ctx)
            self._scan(func.scope, ctx.enter(func))
        for cls in scope.classes.values():
            self._scan(cls.scope, ctx, ctx.enter_class(cls))

    def _scan_site(self, site: CallSite, ctx: Ctx) -> None:
        """A call that may register (cheap filters first: most calls register nothing)."""
        callee = site.call.func
        if isinstance(callee, Name) and may_register(callee.dotted):
            self._scan_call(site, callee, ctx)
        elif isinstance(callee, Call) and call_form(site.call):
            self._call_form(site, callee, ctx)
        if site.call.kwargs and site.call.kwarg("routes") is not None:
            self.route_objects.listing(site, ctx)

    def _scan_call(self, site: CallSite, func: Name, ctx: Ctx) -> None:
        """A registration call (once per iteration of static loops around it; ``guarded``
        when the item of some loop was added to its list under a condition), or a call handing
        routers to something the analysis cannot follow."""
        if func.dotted.endswith(REGISTRATION_SUFFIXES):
            for guarded in iterations(self.index.evaluator, site, ctx):
                objs, method = self._receivers(func, ctx, site.line)
                for obj in objs:
                    self._register(obj, method, site, ctx, guarded or site.guarded)
                if not objs and method == "include_router":
                    self._handed(site, ctx)
        elif func.dotted.endswith(ROUTE_LIST_ADDS):
            for _guarded in iterations(self.index.evaluator, site, ctx):
                self.route_objects.added(site, func, ctx)
        elif HANDS_ROUTERS.search(func.dotted.rpartition(".")[2]):
            self._handed(site, ctx)

    def _handed(self, site: CallSite, ctx: Ctx) -> None:
        """Routers passed to an object or function the analysis cannot model
        (``unknown.include_router(router)``, ``app.generate_and_include_versioned_routers(r)``):
        where it puts them is not known, so their routes are not taken for unprotected."""
        callee = site.call.func
        assert isinstance(callee, Name)
        if self._parameter(callee, ctx):
            return  # a callable passed in: what it is depends on every caller
        if isinstance(self.members.value(callee, ctx), (FuncSym, ClassSym)):
            return  # a project function or method: its parameters are followed to their uses
        args = [*site.call.args, *(value for _, value in site.call.kwargs)]
        for arg in args:
            if isinstance(arg, Name) and not self._parameter(arg, ctx):
                for obj in self.objects_for(self.members.value(arg, ctx)):
                    obj.handed.append(
                        f"router is passed to {callee.dotted} (line {site.line}), which the "
                        "analysis cannot follow"
                    )

    def _parameter(self, name: Name, ctx: Ctx) -> bool:
        """Whether ``name`` starts with a function parameter other than ``self`` (its values
        come from every caller: not followed for a call the analysis cannot model anyway)."""
        symbol = self.index.lookup(name.dotted.partition(".")[0], ctx)
        if not isinstance(symbol, ParamSym):
            return False
        return symbol.index > 0 or self.members.owner_class(symbol) is None

    def _makers(self) -> frozenset[str]:
        """Names of what can return an app object: the classes, and the functions the known
        objects were created in (``create_app`` for ``pkg.main:create_app.app``)."""
        names = {"FastAPI", "APIRouter"}
        names.update(self.route_objects.makers)
        for obj in self.objects.values():
            scope_path = obj.key.partition(":")[2].split(".")[:-1]
            names.update(scope_path)
            cls = obj.instance.cls
            names.add(cls.info.name if isinstance(cls, ClassSym) else cls.last)
        return frozenset(names)

    def _name_module_objects(self, scope: Scope, ctx: Ctx, makers: frozenset[str]) -> None:
        """Record the module-level names that hold app objects (``app = create_app()``,
        ``app = Builder().build()``); only aliases and calls of ``makers`` are evaluated."""
        module = ctx.module.module
        for name, assigns in scope.assigns.items():
            value = assigns[-1].value
            if isinstance(value, Call):
                if _callee_name(value.func) not in makers:
                    continue
            elif not isinstance(value, Name):
                continue
            for obj in self.objects_for(self.members.value(Name(name), ctx)):
                if f"{module}:{name}" not in obj.names:
                    obj.names.append(f"{module}:{name}")

    # -- registrations ------------------------------------------------------------------------
    def _decorated(self, func: FunctionInfo, ctx: Ctx, defined: Ctx) -> None:
        """Routes and hooks registered by ``func``'s decorators, evaluated in ``ctx``;
        ``defined`` is the context ``func`` is defined in (outside its class body)."""
        for position, decorator in enumerate(func.decorators):
            if not isinstance(decorator, Call):
                continue
            line = func.decorator_lines[position] if position < len(func.decorator_lines) else 0
            handler = FuncSym(func, defined)
            self._registered(decorator, (handler, func.name, Name(func.name)), ctx, line)

    def _call_form(self, site: CallSite, decorator: Call, ctx: Ctx) -> None:
        """A decorator called on a function (``app.get("/login")(login_view)``,
        ``router.post(path)(self.logout)``): the same registration as the decorated form."""
        arg = site.call.args[0]
        value = self.in_force.value(arg, ctx, site.line)
        handler = value if isinstance(value, FuncSym) else None
        self._registered(decorator, (handler, expr_text(arg), arg), ctx, site.line)

    def _registered(
        self, decorator: Call, func: tuple[FuncSym | None, str, Expr], ctx: Ctx, line: int
    ) -> None:
        """The route or hook ``decorator`` makes of ``func`` (its handler, name and the
        expression naming it) at ``line``."""
        objs, method = self._receivers(decorator.func, ctx, line)
        handler, name, expr = func
        if method in HOOK_DECORATORS:
            for obj in objs:
                obj.hooks.append((HOOK_DECORATORS[method], expr, ctx, line))
        if method not in ROUTE_DECORATORS:
            return
        make = partial(self._route, decorator, method, handler, name, ctx)
        if method in STARLETTE_ROUTES:
            make = partial(starlette_route, make=make)
        for obj in objs:
            obj.routes.append(make(line))
        if not objs:
            self._defer(decorator.func, ctx, partial(_append_route, make=make, line=line))

    def _route(
        self,
        call: Call,
        method: str,
        handler: FuncSym | None,
        name: str,
        ctx: Ctx,
        line: int,
    ) -> RouteDecl:
        kind = "websocket" if method.startswith("websocket") else "http"
        if method in HTTP_METHODS:
            methods: tuple[str, ...] = (method.upper(),)
        elif kind == "websocket":
            methods = ("WEBSOCKET",)
        else:
            methods = self._methods(call, ctx)
        path_expr = call.arg(0, "path")
        return RouteDecl(
            methods=methods,
            path=self._value(path_expr, ctx, ""),
            path_expr=path_expr,
            kind=kind,
            handler=handler,
            handler_name=handler.qualname if handler else name,
            file=ctx.module.path,
            line=line,
            def_line=handler.info.line if handler else line,
            deps=self.dep_lists.of(call, ctx, line),
            call=call,
            ctx=ctx,
        )

    def _methods(self, call: Call, ctx: Ctx) -> tuple[str, ...]:
        value = self._value(call.kwarg("methods"), ctx, None)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(sorted({str(v).upper() for v in value}))
        if value is None:
            return ("GET",)
        return ("?",)

    def _register(
        self, obj: AppObject, method: str, site: CallSite, ctx: Ctx, guarded: bool
    ) -> None:
        call = site.call
        if method == "include_router":
            self._include(obj, site, ctx, guarded)
        elif method == "mount":
            self.add_mount(obj, site, ctx)
        elif method == "add_middleware":
            obj.middleware.append((site, ctx))
        elif method == "add_exception_handler":
            handler = call.arg(1, "handler")
            if handler is not None:
                obj.hooks.append(("exception handler", handler, ctx, site.line))
        else:
            obj.routes.append(self.route_for(method, call, ctx, site.line))

    def _include(self, obj: AppObject, site: CallSite, ctx: Ctx, guarded: bool) -> None:
        """``obj.include_router(child, prefix=..., dependencies=..., responses=...)``."""
        call, file = site.call, ctx.module.path
        prefix_expr = call.kwarg("prefix")
        prefix = self._value(prefix_expr, ctx, "")
        deps = self.dep_lists.of(call, ctx, site.line)
        child_expr = call.arg(0, "router")
        children = self.objects_for(
            self.in_force.value(child_expr, ctx, site.line), "included"
        ) or self._app_router(child_expr, ctx, site.line)
        if not children:
            target = expr_text(child_expr)
            opaque = Mount(prefix, prefix_expr, None, target, file, site.line)
            opaque.note = opaque_note(self.index, child_expr, ctx)
            obj.opaque.append(opaque)
        for child in (self.factories.child(c, child_expr, ctx) for c in children):
            if child is obj:
                continue
            include = Include(child, prefix, prefix_expr, deps, file, site.line, guarded)
            responses = call.kwarg("responses")
            include.responses = None if responses is None else (responses, ctx)
            include.ctx = ctx
            child.included += obj.add_include(include)

    def add_mount(self, obj: AppObject, site: CallSite, ctx: Ctx) -> None:
        """``obj.mount(path, app)`` (or a ``Mount(path, app)`` in its route list)."""
        call = site.call
        target = call.arg(1, "app")
        children = self.objects_for(self.in_force.value(target, ctx, site.line))
        child = children[0] if children else None
        if child is not None and child is not obj:
            child.mounted += 1
        path_expr = call.arg(0, "path")
        path = self._value(path_expr, ctx, "")
        if child is not None and isinstance(path, str):
            path = path.rstrip("/")  # as Starlette's Mount: ``mount("/", sub)`` adds nothing
        mount = Mount(path, path_expr, child, expr_text(target), ctx.module.path, site.line)
        mount.guarded = site.guarded
        obj.mounts.append(mount)

    def route_for(self, method: str, call: Call, ctx: Ctx, line: int) -> RouteDecl:
        """The route ``call`` of the registration ``method`` (``add_api_route``,
        ``add_route``, ``add_api_websocket_route``, ``add_websocket_route``) declares: its
        arguments are ``path, endpoint``, then keywords (a route class's are alike)."""
        endpoint = self.in_force.value(call.arg(1, "endpoint"), ctx, line)
        handler = endpoint if isinstance(endpoint, FuncSym) else None
        name = expr_text(call.arg(1, "endpoint"))
        if method in ("add_api_websocket_route", "add_websocket_route"):
            kind_method = "websocket"
        elif method == "add_api_route":
            kind_method = "api_route"
        else:
            kind_method = "route"
        decl = self._route(call, kind_method, handler, name, ctx, line)
        decl.starlette = method in STARLETTE_ROUTES
        return decl

    # -- queries ------------------------------------------------------------------------------
    def roots(self) -> list[AppObject]:
        """Apps that are not mounted into another app, then routers included nowhere."""
        apps = [o for o in self.objects.values() if o.kind == "app" and not o.mounted]
        orphans = [
            o
            for o in self.objects.values()
            if o.kind == "router" and not o.included and not o.mounted
        ]
        return sorted(apps, key=lambda o: o.key) + sorted(orphans, key=lambda o: o.key)

    def iter_objects(self) -> Iterator[AppObject]:
        """Every app object, in a stable order."""
        yield from sorted(self.objects.values(), key=lambda o: o.key)


def _alternatives(value: Value) -> Iterator[Value]:
    """The values a ``OneOf`` stands for, its nested ``OneOf``s' included, or the value."""
    if isinstance(value, OneOf):
        for alternative in value.values:
            yield from _alternatives(alternative)
    else:
        yield value


def _callee_name(callee: Expr) -> str:
    """The last name of a called expression: ``make`` for ``pkg.make`` or ``Builder().make``."""
    if isinstance(callee, Name):
        return callee.dotted.rpartition(".")[2]
    return callee.attr if isinstance(callee, Attr) else ""


def _append_route(obj: AppObject, make: Callable[[int], RouteDecl], line: int) -> None:
    """Add the route ``make`` builds (a deferred decorator's) to ``obj``."""
    obj.routes.append(make(line))
