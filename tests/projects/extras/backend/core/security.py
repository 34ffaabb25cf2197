from fastapi.security import HTTPBearer

bearer = HTTPBearer()
