"""The colours every picture uses: Okabe and Ito's palette, safe for colour-blind readers.

Open shards, closed shards, links and the Lambda lanes each keep one meaning in every picture;
shape and position carry the same information as colour wherever they can (dashed outlines for
closed shards, labels on bars), so a greyscale print still reads.
"""

from __future__ import annotations

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"
LIGHT_GREY = "#EEEEEE"
TEXT = "#222222"

#: colours for a series of distinct things (instances, shards), in order
SERIES = (BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, BLACK)

OPEN = BLUISH_GREEN
CLOSED = SKY_BLUE
LINK = GREY
RETENTION = "#FFF6D5"  # a pale tint of Okabe-Ito yellow behind the retention window
NOW = VERMILLION
THROTTLE = VERMILLION
