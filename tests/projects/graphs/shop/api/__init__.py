from .orders import router

__all__ = ["router"]
