from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.knowledge_source_list import KnowledgeSourceList
from ...models.knowledge_source_status import (
    KnowledgeSourceStatus,
)
from ...models.knowledge_source_type import (
    KnowledgeSourceType,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    type_: KnowledgeSourceType | Unset = UNSET,
    status: KnowledgeSourceStatus | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    json_type_: str | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status

    params["status"] = json_status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/knowledge-sources",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | KnowledgeSourceList | None:
    if response.status_code == 200:
        response_200 = KnowledgeSourceList.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | KnowledgeSourceList]:
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
    type_: KnowledgeSourceType | Unset = UNSET,
    status: KnowledgeSourceStatus | Unset = UNSET,
) -> Response[Error | KnowledgeSourceList]:
    """List knowledge sources

     The project's knowledge sources, newest first.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        type_ (KnowledgeSourceType | Unset):
        status (KnowledgeSourceStatus | Unset): A new source is `pending`, then `processing` while
            it is analysed, then `completed` (`analyzed_at` set) or `failed` (`error_message` set),
            firing `knowledge_source.completed` or `knowledge_source.failed`. The mock takes
            `--processing-delay` seconds per step; a source fails when its URL's host ends in
            `.invalid` or its text holds only white space.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | KnowledgeSourceList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        type_=type_,
        status=status,
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
    type_: KnowledgeSourceType | Unset = UNSET,
    status: KnowledgeSourceStatus | Unset = UNSET,
) -> Error | KnowledgeSourceList | None:
    """List knowledge sources

     The project's knowledge sources, newest first.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        type_ (KnowledgeSourceType | Unset):
        status (KnowledgeSourceStatus | Unset): A new source is `pending`, then `processing` while
            it is analysed, then `completed` (`analyzed_at` set) or `failed` (`error_message` set),
            firing `knowledge_source.completed` or `knowledge_source.failed`. The mock takes
            `--processing-delay` seconds per step; a source fails when its URL's host ends in
            `.invalid` or its text holds only white space.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | KnowledgeSourceList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        type_=type_,
        status=status,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    type_: KnowledgeSourceType | Unset = UNSET,
    status: KnowledgeSourceStatus | Unset = UNSET,
) -> Response[Error | KnowledgeSourceList]:
    """List knowledge sources

     The project's knowledge sources, newest first.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        type_ (KnowledgeSourceType | Unset):
        status (KnowledgeSourceStatus | Unset): A new source is `pending`, then `processing` while
            it is analysed, then `completed` (`analyzed_at` set) or `failed` (`error_message` set),
            firing `knowledge_source.completed` or `knowledge_source.failed`. The mock takes
            `--processing-delay` seconds per step; a source fails when its URL's host ends in
            `.invalid` or its text holds only white space.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | KnowledgeSourceList]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        type_=type_,
        status=status,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    type_: KnowledgeSourceType | Unset = UNSET,
    status: KnowledgeSourceStatus | Unset = UNSET,
) -> Error | KnowledgeSourceList | None:
    """List knowledge sources

     The project's knowledge sources, newest first.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        type_ (KnowledgeSourceType | Unset):
        status (KnowledgeSourceStatus | Unset): A new source is `pending`, then `processing` while
            it is analysed, then `completed` (`analyzed_at` set) or `failed` (`error_message` set),
            firing `knowledge_source.completed` or `knowledge_source.failed`. The mock takes
            `--processing-delay` seconds per step; a source fails when its URL's host ends in
            `.invalid` or its text holds only white space.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | KnowledgeSourceList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            type_=type_,
            status=status,
        )
    ).parsed
