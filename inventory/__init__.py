"""The source of truth: models, loading, validation and generation. Only this package reads the YAML."""

from inventory.errors import DesignError, LocatedProblem, Problem, Source
from inventory.loader import LoadedDesign, load, load_design
from inventory.model import Design

__all__ = [
    "Design",
    "DesignError",
    "LoadedDesign",
    "LocatedProblem",
    "Problem",
    "Source",
    "load",
    "load_design",
]
