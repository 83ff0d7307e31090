"""Pictures and files from the tables: plots, maps, the HTML report and exports.

Views take a run's tables and nothing else: the network they draw is the run's own (its
``nodes`` and ``legs`` tables) and the servers they divide by are its ``processes`` table, so
they never read a scenario or network file (a network a caller passes may replace the run's).

============== ===========================================================================
style          colours, labels, axes and time units shared by every chart and map
plots          charts (matplotlib): time/cost-distance, transit times, capacity
basemap        the shipped land, coast and borders (Natural Earth) and the maps' projection
maps           the static map (matplotlib), and the interactive map's functions
webmap         the interactive map (folium, Leaflet), self-contained HTML, offline
frames         the run's network as GeoDataFrames, and its servers
report         the HTML report of a run (its blocks in ``report_html``, Jinja2 templates
               in ``templates/``)
export         tables as CSV/Parquet, nodes/legs/routes with KPIs as GeoPackage/GeoJSON
figures        the report's charts as PNG or SVG files
============== ===========================================================================
"""
