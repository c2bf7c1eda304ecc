"""Approximate coordinates of places in the Dutch-German border region (degrees), used to
place partner cities on the map when no coordinates were entered."""

PLACES = {
    "enschede": (52.22, 6.89),
    "hengelo": (52.27, 6.79),
    "oldenzaal": (52.31, 6.93),
    "gronau": (52.21, 7.02),
    "gronau (westf.)": (52.21, 7.02),
    "ahaus": (52.08, 7.01),
    "bocholt": (51.84, 6.62),
    "münster": (51.96, 7.63),
    "munster": (51.96, 7.63),
    "rheine": (52.28, 7.44),
    "nordhorn": (52.43, 7.07),
    "bad bentheim": (52.30, 7.16),
    "osnabrück": (52.28, 8.05),
    "osnabruck": (52.28, 8.05),
}
ENSCHEDE = PLACES["enschede"]

# A schematic line of the national border from north to south near Enschede (lat, lon).
BORDER = [
    (52.75, 7.07),
    (52.55, 7.05),
    (52.45, 7.03),
    (52.38, 7.06),
    (52.30, 7.03),
    (52.24, 7.00),
    (52.20, 6.98),
    (52.15, 6.90),
    (52.10, 6.86),
    (52.05, 6.81),
    (51.98, 6.83),
    (51.92, 6.78),
    (51.87, 6.62),
    (51.82, 6.45),
]


def coordinates_of(city):
    """(lat, lon) of a known place, else None."""
    return PLACES.get(city.strip().lower())
