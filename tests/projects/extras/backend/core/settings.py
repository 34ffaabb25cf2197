from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXTRAS_", env_ignore_empty=True)

    DEBUG: bool = False
    ENABLE_METRICS: bool = True


settings = Settings()
