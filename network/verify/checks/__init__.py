"""Every check class by its catalog name: each module of this package is a set of checks, and defining a
check class registers it (network.verify.check), so adding a check is adding a module here or a class to one.

Checks are listed, and their entries generated, module by module in name order, classes in the order their
module defines them.
"""

import importlib
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from network.verify.check import Check, registered

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
    importlib.import_module(f"{__name__}.{_module.name}")

REGISTRY: Mapping[str, type[Check[Any]]] = MappingProxyType(registered())

__all__ = ["REGISTRY"]
