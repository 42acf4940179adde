"""Pictures of a simulation, in pure Python: SVG written by hand, Mermaid for READMEs.

This package sits at the foundation: it draws from plain records (:mod:`._data`) and knows
nothing of streams, tables or Lambda; the faces turn their model's logs into those records.
"""

from __future__ import annotations

from ._counts import count_steps as count_steps
from ._counts import counts_picture as counts_picture
from ._data import HASH_SPACE as HASH_SPACE
from ._data import ReadSpan as ReadSpan
from ._data import ShardSpan as ShardSpan
from ._data import instance_lanes as instance_lanes
from ._data import short_id as short_id
from ._lineage import lineage_picture as lineage_picture
from ._picture import Picture as Picture
from ._timeline import concurrency_steps as concurrency_steps
from ._timeline import timeline_picture as timeline_picture
