"""Pictures and files from the tables: plots, maps, the HTML report and exports."""
