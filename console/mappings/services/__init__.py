from console.mappings.services.versions import MappingError, mapping_version_add

__all__ = ["MappingError", "mapping_version_add"]
