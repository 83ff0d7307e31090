"""Input files to validated objects: scenario YAML, network GeoJSON, routes on the graph."""
