"""Every error class of fundament's packages derives from FundamentError, so the root command's one handler
prints it (one line, or the JSON error shape) and no command needs its own. Read from the source, so a new
module is covered without being imported."""

import ast

from tests.root import REPO_ROOT

PACKAGES = ("fundament", "inventory", "network", "infra", "workplace")
# Raised and caught inside one module, never reaching a user: a check's missing answer becomes its status
# "error"; an alias in the design becomes a located problem.
INTERNAL = {"UnobservedError", "_AliasError"}


def _error_classes() -> dict[str, tuple[str, list[str]]]:
    """Class name -> (where, base names) for every class named *Error or *Exception that raises."""
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            if "napalm-frr" in path.parts:  # its own distribution, with NAPALM's exception root
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and node.name.endswith(("Error", "Exception")):
                    bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
                    found[node.name] = (f"{path.relative_to(REPO_ROOT)}:{node.lineno}", bases)
    return found


def test_every_error_derives_from_fundament_error() -> None:
    classes = _error_classes()
    assert "FundamentError" in classes and "DesignError" in classes

    def rooted(name: str) -> bool:
        if name == "FundamentError":
            return True
        return name in classes and any(rooted(base) for base in classes[name][1])

    models = {name for name, (_, bases) in classes.items() if "Model" in bases}  # data named *Exception
    strays = [
        f"{where} {name}({', '.join(bases)})"
        for name, (where, bases) in classes.items()
        if name not in INTERNAL | models and not rooted(name)
    ]
    assert strays == []
