"""Domain errors raised by services and translated to HTTP (or MCP) errors at the edge."""


class ServiceError(Exception):
    """Base class for domain errors; the message is safe to show to clients."""


class NotFoundError(ServiceError):
    """The requested object does not exist or is not visible to the caller."""


class ConflictError(ServiceError):
    """The write would violate a uniqueness rule."""


class AuthenticationError(ServiceError):
    """Credentials or tokens are invalid."""
