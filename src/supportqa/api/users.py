"""`/api/v1/me`, `/users`, `/users/{id}/tokens`, `/tokens/{id}`: accounts as JSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from supportqa.api.problems import PROBLEM_RESPONSES
from supportqa.api.schemas import (
    CreatedToken,
    CreatedUser,
    Me,
    TokenCreate,
    TokenOut,
    UserCreate,
    UserOut,
    UserPatch,
)
from supportqa.api.security import allow, now_of, workspace_of
from supportqa.services import tokens, users
from supportqa.services.permissions import Action, Principal
from supportqa.services.workspace import Workspace

router = APIRouter(tags=["users"], responses=PROBLEM_RESPONSES)
WorkspaceDep = Annotated[Workspace, Depends(workspace_of)]
NowDep = Annotated[datetime, Depends(now_of)]


@router.get("/me")
def me(request: Request, principal: Annotated[Principal, Depends(allow(Action.READ_ME))]) -> Me:
    """Who is calling, with the session's CSRF token for scripts that use the cookie."""
    return Me(
        id=principal.user_id,
        email=principal.email,
        role=principal.role,
        teams=sorted(principal.teams),
        agents=sorted(f"{s}:{e}" for s, e in principal.identities),
        via=principal.via,
        read_only=principal.read_only,
        csrf_token=getattr(request.state, "csrf", None),
    )


@router.get("/users")
def list_users(
    workspace: WorkspaceDep, _: Annotated[Principal, Depends(allow(Action.READ_USERS))]
) -> list[UserOut]:
    return users.list_users(workspace)


@router.post("/users", status_code=201)
def add_user(
    body: UserCreate,
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.MANAGE_USERS))],
) -> CreatedUser:
    """Add a user; without `password` a random one is returned, once."""
    info, password = users.add_user(
        workspace,
        body.email,
        body.role.value,
        actor=principal.email,
        name=body.name,
        teams=body.teams,
        agents=body.agents,
        password=body.password,
        now=now,
    )
    return CreatedUser(user=info, password=password)


@router.patch("/users/{user_id}")
def update_user(
    user_id: int,
    body: UserPatch,
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.MANAGE_USERS))],
) -> UserOut:
    """Change a user's name, role, teams, linked identities or disabled flag (disabling ends their
    sessions)."""
    info = users.update_user(
        workspace,
        user_id,
        actor=principal.email,
        name=body.name,
        role=None if body.role is None else body.role.value,
        teams=body.teams,
        agents=body.agents,
        disabled=body.disabled,
        now=now,
    )
    return info


@router.post("/users/{user_id}/tokens", status_code=201)
def create_token(
    user_id: int,
    body: TokenCreate,
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.MANAGE_TOKENS))],
) -> CreatedToken:
    """A new bearer token for the user, returned once."""
    new = tokens.create_token(
        workspace,
        user_id,
        actor=principal.email,
        name=body.name,
        read_only=body.read_only,
        expires_days=body.expires_days,
        now=now,
    )
    return CreatedToken(token=new.token, info=new.info)


@router.delete("/tokens/{token_id}")
def revoke_token(
    token_id: int,
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.MANAGE_TOKENS))],
) -> TokenOut:
    """Revoke a token: it fails from the next request on."""
    info = tokens.revoke_token(workspace, token_id, actor=principal.email, now=now)
    return info
