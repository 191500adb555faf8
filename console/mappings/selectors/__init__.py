from console.mappings.selectors.resolve import MappingTable, mapping_candidates, mapping_resolve

__all__ = ["MappingTable", "mapping_candidates", "mapping_resolve"]
