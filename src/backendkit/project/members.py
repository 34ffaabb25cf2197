"""What ``self.<attr>`` and method parameters hold inside class methods, for the app model.

The evaluator leaves both unresolved: ``self`` is a parameter with no caller passing it, and
a method's callers (``self.configure(app)``) pass their arguments one position before the
parameter's. Apps and routers are often kept on ``self`` (``self.router = APIRouter()`` in
``__init__``, routes added in another method) or handed from one method to another, so the
app model asks this class when the evaluator gives up on such a name.

The same goes for what depends on them outside the method: ``obj.router`` for an instance of a
project class whose ``__init__`` sets ``self.router`` (the evaluator knows only class fields),
and what a method returns (``app = self._make_app()``, ``Builder().build()``) when the evaluator
cannot follow its ``return`` because it goes through ``self``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from backendkit.project.aliases import nested_scopes
from backendkit.project.evaluate import decorated_with
from backendkit.project.index import ProjectIndex
from backendkit.project.symbols import (
    ClassSym,
    Ctx,
    FuncSym,
    Instance,
    OneOf,
    ParamSym,
    Symbol,
    Unresolved,
    Value,
    VarSym,
)
from backendkit.summary.model import (
    Assign,
    Call,
    CallSite,
    ClassInfo,
    Expr,
    FunctionInfo,
    Name,
    Scope,
)

MAX_CALLERS = 16  # calls of one method followed for its parameter values
MAX_TRIED = 256  # call sites of the method's name resolved to find them
_HELD_DEPTH = 4  # variables bound to variables followed by ``held``
#: attributes assigned on objects, the classes setting each instance attribute, all classes
Assignments = tuple[set[str], dict[str, list[ClassSym]], list[ClassSym]]


class MethodValues:
    """``self.attr`` (a method, a class field or an attribute set in any method of the class or
    its project bases) and method parameters (from ``self.method(...)`` call sites)."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._owners: dict[int, ClassSym | None] = {}  # id(function) -> its class
        self._open: set[int] = set()  # parameters being evaluated (a cycle is cut)
        self._params: dict[int, Value] = {}  # answers found without cutting a cycle
        self._cuts = 0  # cycles cut so far
        #: methods whose returns, and calls whose results, are being evaluated (``_beyond``)
        self._returning: set[int] = set()
        self._storing: set[int] = set()  # attribute assignments being read (``_assigned``)
        self._settled_memo: dict[tuple[int, str], bool] = {}
        self._assigned_attrs: Assignments | None = None
        self._derived_memo: dict[int, bool] = {}

    def value(self, expr: Expr | None, ctx: Ctx) -> Value:
        """The value of ``expr``; a name starting with a parameter of a method is resolved
        here: ``self.x`` (the evaluator would look for callers passing ``self``) and other
        parameters from the ``self.method(...)`` calls in the class (the evaluator reads a
        bound call's arguments one position off)."""
        param = self._method_param(expr, ctx)
        if param is None:
            found = self.index.value(expr, ctx)
            if not isinstance(found, Unresolved):
                return found
            beyond = self._beyond(expr, ctx)
            return found if beyond is None else beyond
        assert isinstance(expr, Name)
        attrs = expr.dotted.split(".")[1:]
        if param.index == 0 and not attrs:
            return self.index.value(expr, ctx)
        found = self._through(param, attrs)
        return found if found is not None else self.index.value(expr, ctx)

    def _method_param(self, expr: Expr | None, ctx: Ctx) -> ParamSym | None:
        """The parameter of a method (not a staticmethod) that ``expr`` starts with."""
        if not isinstance(expr, Name) or ctx.owners[-1] is None:
            return None
        symbol = self.index.lookup(expr.dotted.partition(".")[0], ctx)
        if not isinstance(symbol, ParamSym) or self.owner_class(symbol) is None:
            return None
        return None if decorated_with(symbol.func, "staticmethod") else symbol

    def _through(self, param: ParamSym, attrs: list[str]) -> Value | None:
        """``param.a.b`` for ``self`` (``cls``) or another parameter of a method, or None."""
        cls = self.owner_class(param)
        if cls is None:
            return None
        if param.index == 0 and attrs:
            found = self._self_attr(cls, attrs.pop(0), decorated_with(param.func, "classmethod"))
        elif param.index > 0:
            found = self._param(param, cls)
        else:
            return None
        for attr in attrs:
            found = self.attribute(found, attr)
        return found

    def variable(self, var: VarSym) -> Value:
        """What the variable ``var`` (one binding of its name) holds: its value, else what a
        method it is bound to the call of returns."""
        found = self.index.follow(var)
        if isinstance(found, Unresolved):
            beyond = self._bound_result(var)
            return found if beyond is None else beyond
        return found

    def parameter(self, param: ParamSym) -> Value:
        """What ``param`` holds: from its function's callers, or a method's from the
        ``self.method(...)`` calls (``self`` itself is not known)."""
        cls = self.owner_class(param)
        if cls is not None and param.index > 0 and not decorated_with(param.func, "staticmethod"):
            return self._param(param, cls)
        return self.index.follow(param)

    def attribute(self, value: Value, attr: str) -> Value:
        """``value.attr``; for an instance of a project class, also an attribute one of its
        methods sets (``obj.router`` for ``self.router = APIRouter()`` in ``__init__``: the
        one object ``self.router`` is in the class's methods)."""
        found = self.index.evaluator.attribute(value, attr)
        if (
            isinstance(found, Unresolved)
            and isinstance(value, Instance)
            and isinstance(value.cls, ClassSym)
        ):
            return self._self_attr(value.cls, attr, False)
        return found

    def known(self, expr: Expr, ctx: Ctx) -> Value:
        """The evaluator's value of ``expr``, else what ``held`` finds (a dependency
        ``Security(api._auth_service)``)."""
        found = self.index.value(expr, ctx)
        if isinstance(found, Unresolved):
            return self.held(expr, ctx) or found
        return found

    def held(self, expr: Expr | None, ctx: Ctx, depth: int = 0) -> Value | None:
        """What ``obj.attr`` (or a variable bound to it: ``auth = api._auth_service``) holds
        when the evaluator cannot tell, else None: ``obj`` from its value or, that unknown,
        from its annotation naming a project class (``def register_routes(api:
        "RESTfulAPI")``, called with ``self``), then each attribute as the class or one of its
        methods sets it (``self._auth_service = AuthService(...)`` in ``__init__``)."""
        if not isinstance(expr, Name) or depth > _HELD_DEPTH:
            return None
        head, *attrs = expr.dotted.split(".")
        symbol = self.index.lookup(head, ctx)
        if not attrs:
            if not isinstance(symbol, VarSym):
                return None
            bound = symbol.assign.value
            found = self.held(bound, symbol.ctx, depth + 1) if bound is not None else None
            return found or self._declared(symbol.assign.annotation, symbol.ctx)
        return self._attrs(self._typed(symbol, head), attrs)

    def _attrs(self, found: Value | None, attrs: list[str]) -> Value | None:
        """``found.a.b`` for ``attrs`` ``["a", "b"]``, each attribute set once
        (``_settled``), else None."""
        for attr in attrs:
            if found is None or isinstance(found, Unresolved) or not self._settled(found, attr):
                return None
            found = self.attribute(found, attr)
        return None if isinstance(found, Unresolved) else found

    def _settled(self, value: Value, attr: str) -> bool:
        """``value.attr`` holds one known value: for an instance of a project class, one
        class of its MRO sets ``self.attr`` to something other than ``None``, once; it is no
        class field, no subclass sets it and nothing outside the class assigns ``x.attr``
        (which of two values an object holds depends on what ran)."""
        if not isinstance(value, Instance) or not isinstance(value.cls, ClassSym):
            return True
        return self._set_once(value.cls, attr)

    def _set_once(self, cls: ClassSym, attr: str) -> bool:
        """``_settled`` for an instance of ``cls`` (memoised)."""
        key = (id(cls.info), attr)
        if key not in self._settled_memo:
            mro = self.index.mro(cls)
            setters = [klass for klass in mro if attr in klass.info.instance_attrs]
            self._settled_memo[key] = (
                len(setters) == 1
                and attr not in setters[0].info.rebound
                and not any(attr in klass.info.scope.assigns for klass in mro)
                and attr not in self._assignments()[0]  # read once, only when asked
                and not self._derives(cls, self._assignments()[1].get(attr, []))
            )
        return self._settled_memo[key]

    def _derives(self, cls: ClassSym, classes: Iterable[ClassSym]) -> bool:
        """One of ``classes``, other than ``cls``, derives from it."""
        others = (other for other in classes if other.info is not cls.info)
        return any(cls in self.index.mro(other) for other in others)

    def _assignments(self) -> Assignments:
        """The attributes assigned on objects (``api._auth = noop``, anywhere but ``self.x``),
        the module-level classes setting each instance attribute, and all module-level
        classes (read once)."""
        if self._assigned_attrs is None:
            outside: set[str] = set()
            setting: dict[str, list[ClassSym]] = {}
            classes: list[ClassSym] = []
            for summary in self.index.modules.values():
                ctx = Ctx(summary, (summary.scope,))
                for klass in summary.scope.classes.values():
                    classes.append(ClassSym(klass, ctx))
                    for attr in klass.instance_attrs:
                        setting.setdefault(attr, []).append(classes[-1])
                for scope in nested_scopes(summary.scope):
                    outside.update(_object_attrs(scope))
            self._assigned_attrs = (outside, setting, classes)
        return self._assigned_attrs

    def _typed(self, symbol: Symbol, name: str) -> Value | None:
        """The value of a variable or parameter, else an instance of the project class its
        annotation names."""
        if isinstance(symbol, VarSym):
            found, annotation = self.variable(symbol), symbol.assign.annotation
        elif isinstance(symbol, ParamSym):
            found = self.parameter(symbol)
            annotation = next((p.annotation for p in symbol.func.params if p.name == name), None)
        else:
            return None
        if not isinstance(found, Unresolved):
            return found
        # a parameter's annotation is read outside the body (a method's: its class body first)
        where = symbol.head(annotation=True) if isinstance(symbol, ParamSym) else symbol.ctx
        return self._declared(annotation, where)

    def _declared(self, annotation: Expr | None, ctx: Ctx) -> Instance | None:
        """An instance of the project class ``annotation`` names (``auth_service:
        AdvancedAuthService = api._app.state.advanced_auth``), when no project class derives
        from it (a subclass's object could behave otherwise)."""
        if annotation is None:
            return None
        from backendkit.graphs.receivers import ReceiverTypes  # the annotation's class

        cls = ReceiverTypes(self.index).class_of_annotation(annotation, ctx)
        if not isinstance(cls, ClassSym) or self._derived(cls):
            return None
        return Instance(cls, Call(Name(cls.info.name)), cls.ctx)

    def _derived(self, cls: ClassSym) -> bool:
        """Some project class (at module level) derives from ``cls``."""
        key = id(cls.info)
        if key not in self._derived_memo:
            self._derived_memo[key] = self._derives(cls, self._assignments()[2])
        return self._derived_memo[key]

    def _beyond(self, expr: Expr | None, ctx: Ctx) -> Value | None:
        """What the evaluator could not tell about ``expr`` and this class can: a method's
        result (a call, or a variable bound to one) and attributes set by methods (``obj.x``
        for an instance of a project class), else None."""
        if isinstance(expr, Call):
            return self._result(expr, ctx)
        if not isinstance(expr, Name):
            return None
        head, *attrs = expr.dotted.split(".")
        symbol = self.index.lookup(head, ctx)
        found = self._bound_result(symbol)
        if found is None and attrs:
            found = self.index.follow(symbol)
        for attr in attrs:
            if found is None or isinstance(found, Unresolved):
                return None
            found = self.attribute(found, attr)
        return None if isinstance(found, Unresolved) else found

    def _bound_result(self, symbol: Symbol) -> Value | None:
        """For a variable bound to a call (``app = self._make_app()``), what the call returns,
        named after the variable; else None."""
        bound = symbol.assign.value if isinstance(symbol, VarSym) else None
        if not isinstance(bound, Call) or id(bound) in self._returning:
            return None
        assert isinstance(symbol, VarSym)
        self._returning.add(id(bound))
        try:
            return _named(self._result(bound, symbol.ctx), symbol)
        finally:
            self._returning.discard(id(bound))

    def _result(self, call: Call, ctx: Ctx) -> Value | None:
        """What a call of a project function or method returns, evaluated here when the
        evaluator cannot (``return self._make_app()``; a ``return app`` whose variable is bound
        to such a call): the first statically known return value, else None."""
        callee = self.value(call.func, ctx)
        if not isinstance(callee, FuncSym) or id(callee.info) in self._returning:
            return None
        found = self.index.evaluator.returned(callee, 0, (call, ctx))
        if not isinstance(found, Unresolved):
            return found
        self._returning.add(id(callee.info))
        try:
            inner = callee.ctx.enter(callee.info)
            for expr in callee.info.scope.returns:
                found = self.value(expr, inner)
                if not isinstance(found, Unresolved):
                    return found
        finally:
            self._returning.discard(id(callee.info))
        return None

    def owner_class(self, param: ParamSym) -> ClassSym | None:
        """The class whose method ``param`` belongs to (a function defined directly in a
        class body, of a class defined in the scope the function's context enters from)."""
        key = id(param.func)
        if key not in self._owners:
            outer = param.ctx.truncate(param.ctx.scopes[-2]) if len(param.ctx.scopes) > 1 else None
            found = _class_of(param.func, outer.scopes[-1].classes.values()) if outer else None
            self._owners[key] = None if found is None else ClassSym(found, outer)  # type: ignore[arg-type]
        return self._owners[key]

    def _self_attr(self, cls: ClassSym, attr: str, class_only: bool) -> Value:
        """``self.attr``: a member of the class (or a base), else what a method assigns."""
        member = self.index.class_member(cls, attr)
        if member is not None:
            return member if isinstance(member, FuncSym) else self.index.follow(member)
        if class_only:
            return Unresolved(f"{cls.qualname} has no {attr}")
        for klass in self.index.mro(cls):
            expr = klass.info.instance_attrs.get(attr)
            if expr is not None:
                return self._assigned(_attribute_var(klass, attr, expr), cls)
        return Unresolved(f"{cls.qualname} sets no attribute {attr}")

    def _assigned(self, var: VarSym, cls: ClassSym) -> Value:
        """What ``self.attr = expr`` stores; ``expr`` read as a method's (``self._auth_service
        = self._advanced_auth_service``: another attribute of ``cls``, set once) when the
        evaluator cannot."""
        found = self.index.follow(var)
        expr = var.assign.value
        key = id(expr)
        if not isinstance(found, Unresolved) or not isinstance(expr, Name) or key in self._storing:
            return found
        head, _, attr = expr.dotted.partition(".")
        if head == "self" and "." not in attr and not self._set_once(cls, attr):
            return found
        self._storing.add(key)
        try:
            return self.value(expr, var.ctx)
        finally:
            self._storing.discard(key)

    def _param(self, param: ParamSym, cls: ClassSym) -> Value:
        """A method parameter: what the ``self.method(...)`` calls in the class pass
        (memoised, unless a cycle was cut while computing it: that answer depends on where
        the search entered the cycle)."""
        key = id(param.func) * 64 + param.index
        if key in self._params:
            return self._params[key]
        if key in self._open:
            self._cuts += 1
            return Unresolved(f"parameter {param.name} depends on itself")
        self._open.add(key)
        cuts = self._cuts
        try:
            values = [v for v in self._passed(param, cls) if not isinstance(v, Unresolved)]
        finally:
            self._open.discard(key)
        found = _combined(values, param)
        if cuts == self._cuts:
            self._params[key] = found
        return found

    def _passed(self, param: ParamSym, cls: ClassSym) -> list[Value]:
        """The values the first ``MAX_CALLERS`` calls of the method pass for ``param``: the
        calls in its class first, then the others in project order; a call on the class
        (``Cls.method(self, x)``) passes its arguments at their own positions."""
        found: list[Value] = []
        calls = 0
        for site, where in self._candidates(param.func.name, cls)[:MAX_TRIED]:
            callee = site.call.func
            assert isinstance(callee, Name)
            target = self.value(callee, where)
            if not isinstance(target, FuncSym) or target.info is not param.func:
                continue
            shift = 0 if self._unbound(callee, param, where) else 1
            arg = site.call.arg(param.index - shift, param.name)
            if arg is not None:
                found.append(self.value(arg, where))
            calls += 1
            if calls == MAX_CALLERS:
                break
        return found

    def _candidates(self, name: str, cls: ClassSym) -> list[tuple[CallSite, Ctx]]:
        """The call sites ``x.name(...)`` of the project, those in ``cls`` first."""
        sites = [
            (site, where)
            for site, where in self.index.sites_named((name,))
            if isinstance(site.call.func, Name) and site.call.func.dotted.count(".") == 1
        ]
        inside = f"{cls.info.qualname}."

        def outside(entry: tuple[CallSite, Ctx]) -> bool:
            where = entry[1]
            return where.module is not cls.ctx.module or not where.prefix.startswith(inside)

        return sorted(sites, key=outside)  # stable: project order within each group

    def _unbound(self, callee: Name, param: ParamSym, where: Ctx) -> bool:
        """``Cls.method(self, ...)``: the method called on its class, not on an instance (a
        classmethod is bound to the class)."""
        head = self.value(Name(callee.dotted.partition(".")[0]), where)
        return isinstance(head, ClassSym) and not decorated_with(param.func, "classmethod")


def _named(value: Value | None, var: VarSym) -> Value | None:
    """A new instance a call returned, named after the variable bound to it (as the evaluator
    names a function's result)."""
    if isinstance(value, Instance) and value.origin is None:
        return Instance(value.cls, value.call, value.ctx, var)
    return value


def _combined(values: list[Value], param: ParamSym) -> Value:
    """One value, several as ``OneOf``, or none known."""
    if not values:
        return Unresolved(f"parameter {param.name} of {param.func.qualname}: nothing known")
    return values[0] if len(values) == 1 else OneOf(tuple(values))


def _class_of(func: FunctionInfo, classes: Iterable[ClassInfo]) -> ClassInfo | None:
    """The class among ``classes`` (or nested in them) with ``func`` in its body."""
    for cls in classes:
        if cls.scope.functions.get(func.name) is func:
            return cls
        inner = _class_of(func, cls.scope.classes.values()) if cls.scope.classes else None
        if inner is not None:
            return inner
    return None


def _attribute_var(klass: ClassSym, attr: str, expr: Expr) -> VarSym:
    """``self.attr = expr`` as a variable of the method that assigns it, named
    ``Class.self.attr`` (one object per class attribute, whichever method uses it)."""
    method, line = _assigning_method(klass.info, expr)
    inner = klass.ctx.enter(method) if method is not None else klass.ctx.enter_class(klass.info)
    named = Ctx(
        inner.module, inner.scopes, (*inner.prefixes[:-1], f"{klass.info.qualname}."), inner.owners
    )
    return VarSym(f"self.{attr}", Assign(expr, line or klass.info.line), named)


def _assigning_method(cls: ClassInfo, expr: Expr) -> tuple[FunctionInfo | None, int]:
    """The method whose body holds ``self.x = expr`` (found by the value: a call of its body,
    or a name it binds), with the line when known; ``__init__`` when it cannot be told."""
    for method in cls.scope.functions.values():
        if isinstance(expr, Call):
            line = next((s.line for s in method.scope.calls if s.call is expr), 0)
            if line:
                return method, line
        elif isinstance(expr, Name) and _binds(method.scope, expr.dotted.partition(".")[0]):
            return method, 0
    return cls.scope.functions.get("__init__"), 0


def _object_attrs(scope: Scope) -> Iterator[str]:
    """The attributes ``scope`` assigns on objects (``x.attr = v``, ``self.a.attr = v``)."""
    for dotted in scope.attr_assigns:
        head, _, rest = dotted.partition(".")
        if rest and not (head in ("self", "cls") and "." not in rest):
            yield dotted.rpartition(".")[2]


def _binds(scope: Scope, name: str) -> bool:
    return name in scope.assigns or name in scope.params or name in scope.imports


__all__ = ["MethodValues"]
