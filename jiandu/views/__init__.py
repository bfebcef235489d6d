"""The read model: views of the graph as typed objects, shared by the CLI, the API, the pictures
and the report."""

from jiandu.views.model import Ambiguous, FileEntry, LeaderFile, ReadModel, UnitPortrait
from jiandu.views.subgraph import Key, Subgraph

__all__ = ["Ambiguous", "FileEntry", "Key", "LeaderFile", "ReadModel", "Subgraph", "UnitPortrait"]
