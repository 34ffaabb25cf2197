from fastapi.security import APIKeyHeader

internal_key = APIKeyHeader(name="X-Internal-Key")
