"""Cross-practice isolation matrix: route discovery, practice A's objects, the registry."""
