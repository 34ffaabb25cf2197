from typing import Annotated

import fastapi as fa
from shared_lib import auth as shared_auth

from . import security as sec

RequireKey = Annotated[str, fa.Depends(shared_auth.api_key_header)]
OidcToken = Annotated[str, fa.Security(sec.oidc)]
