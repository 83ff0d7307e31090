"""Draw docs/figures/instc-network.png: the seed network on the shipped basemap.

    python seeds/draw_network_figure.py

The map frames the nodes (names written) with the whole network, the Suez route included, in
an inset; legs by mode, the disabled Rasht - Astara railway dashed.
"""

from __future__ import annotations

from pathlib import Path

from corridor import load_network, maps

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures" / "instc-network.png"


def main() -> None:
    """Draw the figure and write it."""
    network = load_network(ROOT / "seeds" / "instc.geojson")
    fig = maps.plot_network_map(network)
    fig.set_size_inches(9.4, 10)
    fig.axes[0].set_title("The seed network (seeds/instc.geojson): legs by mode")
    fig.savefig(OUT, dpi=100)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
