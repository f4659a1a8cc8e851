"""routing.toml: typed, layered, validated once at load."""

from forge.config.load import LoadedConfig, load_config
from forge.config.schema import Config, ModelConfig, ProviderConfig

__all__ = ["Config", "LoadedConfig", "ModelConfig", "ProviderConfig", "load_config"]
