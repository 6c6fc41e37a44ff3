"""Resources the API reserves now and builds in later issues, so it stays one design: each answers
501 with a problem body, behind the action it will need."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, HTTPException

from supportqa.api.problems import PROBLEM, PROBLEM_RESPONSES, Problem
from supportqa.api.security import allow
from supportqa.services.permissions import Action

RESERVED: dict[str, tuple[Action, Action]] = {
    "/assignments": (Action.READ_ASSIGNMENTS, Action.MANAGE_ASSIGNMENTS),
    "/calibration-sessions": (Action.READ_CALIBRATION, Action.MANAGE_CALIBRATION),
    "/disputes": (Action.READ_DISPUTES, Action.MANAGE_DISPUTES),
    "/coaching-sessions": (Action.READ_COACHING, Action.MANAGE_COACHING),
    "/connections": (Action.READ_CONNECTIONS, Action.MANAGE_CONNECTIONS),
}

router = APIRouter(
    tags=["reserved"],
    responses={
        **PROBLEM_RESPONSES,
        501: {"model": Problem, "content": {PROBLEM: {}}, "description": "Not built yet"},
    },
)


def _not_built(path: str) -> Callable[[], None]:
    def answer() -> None:
        raise HTTPException(501, f"{path} is reserved and not built yet")

    return answer


def _reserve(path: str, read: Action, write: Action) -> None:
    name = path.strip("/").replace("-", "_")
    for method, action, verb in (("GET", read, "list"), ("POST", write, "create")):
        router.add_api_route(
            path,
            _not_built(path),
            methods=[method],
            name=f"{verb}_{name}",
            status_code=501,
            dependencies=[Depends(allow(action))],
        )


for _path, (_read, _write) in RESERVED.items():
    _reserve(_path, _read, _write)
