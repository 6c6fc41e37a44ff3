"""docs/serve.md's roles table is the permission table."""

from __future__ import annotations

from pathlib import Path

from supportqa.services.permissions import PERMISSIONS, Role

DOC = Path(__file__).parents[2] / "docs" / "serve.md"


def test_the_documented_roles_table_matches_the_permission_table() -> None:
    rows = [line for line in DOC.read_text().splitlines() if line.startswith("| `")]
    header = next(line for line in DOC.read_text().splitlines() if line.startswith("| action |"))
    roles = [cell.strip() for cell in header.strip("|").split("|")[1:]]
    assert roles == [role.value for role in Role]
    documented = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        action = cells[0].strip("`")
        documented[action] = {
            Role(r) for r, cell in zip(roles, cells[1:], strict=True) if cell == "yes"
        }
    assert documented == {action.value: set(allowed) for action, allowed in PERMISSIONS.items()}
