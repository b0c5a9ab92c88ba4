import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.session_list import SessionList
from ...models.session_source import SessionSource
from ...models.session_status import SessionStatus
from ...models.session_type import SessionType
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    status: SessionStatus | Unset = UNSET,
    source: SessionSource | Unset = UNSET,
    session_type: SessionType | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
    customer_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    date_from: datetime.datetime | Unset = UNSET,
    date_to: datetime.datetime | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    json_source: str | Unset = UNSET
    if not isinstance(source, Unset):
        json_source = source

    params["source"] = json_source

    json_session_type: str | Unset = UNSET
    if not isinstance(session_type, Unset):
        json_session_type = session_type

    params["session_type"] = json_session_type

    json_tags: list[str] | Unset = UNSET
    if not isinstance(tags, Unset):
        json_tags = tags

    params["tags"] = json_tags

    params["customer_id"] = customer_id

    params["search"] = search

    json_date_from: str | Unset = UNSET
    if not isinstance(date_from, Unset):
        json_date_from = date_from.isoformat()
    params["date_from"] = json_date_from

    json_date_to: str | Unset = UNSET
    if not isinstance(date_to, Unset):
        json_date_to = date_to.isoformat()
    params["date_to"] = json_date_to

    params["show_archived"] = show_archived

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/sessions",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | SessionList | None:
    if response.status_code == 200:
        response_200 = SessionList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | SessionList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    status: SessionStatus | Unset = UNSET,
    source: SessionSource | Unset = UNSET,
    session_type: SessionType | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
    customer_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    date_from: datetime.datetime | Unset = UNSET,
    date_to: datetime.datetime | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Response[Error | SessionList]:
    """List feedback sessions

     Sessions matching the filters, most recent activity first. Archived sessions are hidden unless
    `show_archived=true`.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        status (SessionStatus | Unset):
        source (SessionSource | Unset):
        session_type (SessionType | Unset):
        tags (list[str] | Unset):
        customer_id (str | Unset):
        search (str | Unset):
        date_from (datetime.datetime | Unset):
        date_to (datetime.datetime | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        status=status,
        source=source,
        session_type=session_type,
        tags=tags,
        customer_id=customer_id,
        search=search,
        date_from=date_from,
        date_to=date_to,
        show_archived=show_archived,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    status: SessionStatus | Unset = UNSET,
    source: SessionSource | Unset = UNSET,
    session_type: SessionType | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
    customer_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    date_from: datetime.datetime | Unset = UNSET,
    date_to: datetime.datetime | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Error | SessionList | None:
    """List feedback sessions

     Sessions matching the filters, most recent activity first. Archived sessions are hidden unless
    `show_archived=true`.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        status (SessionStatus | Unset):
        source (SessionSource | Unset):
        session_type (SessionType | Unset):
        tags (list[str] | Unset):
        customer_id (str | Unset):
        search (str | Unset):
        date_from (datetime.datetime | Unset):
        date_to (datetime.datetime | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        status=status,
        source=source,
        session_type=session_type,
        tags=tags,
        customer_id=customer_id,
        search=search,
        date_from=date_from,
        date_to=date_to,
        show_archived=show_archived,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    status: SessionStatus | Unset = UNSET,
    source: SessionSource | Unset = UNSET,
    session_type: SessionType | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
    customer_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    date_from: datetime.datetime | Unset = UNSET,
    date_to: datetime.datetime | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Response[Error | SessionList]:
    """List feedback sessions

     Sessions matching the filters, most recent activity first. Archived sessions are hidden unless
    `show_archived=true`.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        status (SessionStatus | Unset):
        source (SessionSource | Unset):
        session_type (SessionType | Unset):
        tags (list[str] | Unset):
        customer_id (str | Unset):
        search (str | Unset):
        date_from (datetime.datetime | Unset):
        date_to (datetime.datetime | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SessionList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        status=status,
        source=source,
        session_type=session_type,
        tags=tags,
        customer_id=customer_id,
        search=search,
        date_from=date_from,
        date_to=date_to,
        show_archived=show_archived,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    status: SessionStatus | Unset = UNSET,
    source: SessionSource | Unset = UNSET,
    session_type: SessionType | Unset = UNSET,
    tags: list[str] | Unset = UNSET,
    customer_id: str | Unset = UNSET,
    search: str | Unset = UNSET,
    date_from: datetime.datetime | Unset = UNSET,
    date_to: datetime.datetime | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Error | SessionList | None:
    """List feedback sessions

     Sessions matching the filters, most recent activity first. Archived sessions are hidden unless
    `show_archived=true`.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        status (SessionStatus | Unset):
        source (SessionSource | Unset):
        session_type (SessionType | Unset):
        tags (list[str] | Unset):
        customer_id (str | Unset):
        search (str | Unset):
        date_from (datetime.datetime | Unset):
        date_to (datetime.datetime | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SessionList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            status=status,
            source=source,
            session_type=session_type,
            tags=tags,
            customer_id=customer_id,
            search=search,
            date_from=date_from,
            date_to=date_to,
            show_archived=show_archived,
        )
    ).parsed
