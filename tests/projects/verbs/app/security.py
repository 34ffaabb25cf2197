from fastapi.security import APIKeyQuery

api_key = APIKeyQuery(name="api_key")
