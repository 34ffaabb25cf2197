from fastapi.security import APIKeyCookie, HTTPBasic, HTTPDigest

basic = HTTPBasic(realm="admin")
digest = HTTPDigest()
session_cookie = APIKeyCookie(name="session")
