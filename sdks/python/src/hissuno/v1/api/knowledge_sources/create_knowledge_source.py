from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.codebase_source_create import CodebaseSourceCreate
from ...models.docs_portal_source_create import DocsPortalSourceCreate
from ...models.error import Error
from ...models.knowledge_source import KnowledgeSource
from ...models.raw_text_source_create import RawTextSourceCreate
from ...models.website_source_create import WebsiteSourceCreate
from ...types import Response


def _get_kwargs(
    *,
    body: CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate | WebsiteSourceCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/knowledge-sources",
    }

    if isinstance(body, WebsiteSourceCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, DocsPortalSourceCreate):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, RawTextSourceCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | KnowledgeSource | None:
    if response.status_code == 201:
        response_201 = KnowledgeSource.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())

        return response_503

    if response.status_code == 507:
        response_507 = Error.from_dict(response.json())

        return response_507

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | KnowledgeSource]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate | WebsiteSourceCreate,
) -> Response[Error | KnowledgeSource]:
    """Add a knowledge source

     Adds a source and fires `knowledge_source.created`; its analysis starts `pending`, moves to
    `processing` and ends `completed` or `failed` (firing `knowledge_source.completed` or
    `knowledge_source.failed`). A project has at most one codebase source: a second gets 409. Needs a
    `standard` or `full` key.

    Args:
        body (CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate |
            WebsiteSourceCreate): A new knowledge source. What is required depends on `type`:
            `website` and `docs_portal` need `url`, `raw_text` needs `content`, `codebase` needs
            `repository_url` and `repository_branch` (at most one codebase per project; a second gets
            409). `uploaded_doc` needs a file, which cannot travel in JSON, so it is not accepted here
            (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | KnowledgeSource]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate | WebsiteSourceCreate,
) -> Error | KnowledgeSource | None:
    """Add a knowledge source

     Adds a source and fires `knowledge_source.created`; its analysis starts `pending`, moves to
    `processing` and ends `completed` or `failed` (firing `knowledge_source.completed` or
    `knowledge_source.failed`). A project has at most one codebase source: a second gets 409. Needs a
    `standard` or `full` key.

    Args:
        body (CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate |
            WebsiteSourceCreate): A new knowledge source. What is required depends on `type`:
            `website` and `docs_portal` need `url`, `raw_text` needs `content`, `codebase` needs
            `repository_url` and `repository_branch` (at most one codebase per project; a second gets
            409). `uploaded_doc` needs a file, which cannot travel in JSON, so it is not accepted here
            (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | KnowledgeSource
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate | WebsiteSourceCreate,
) -> Response[Error | KnowledgeSource]:
    """Add a knowledge source

     Adds a source and fires `knowledge_source.created`; its analysis starts `pending`, moves to
    `processing` and ends `completed` or `failed` (firing `knowledge_source.completed` or
    `knowledge_source.failed`). A project has at most one codebase source: a second gets 409. Needs a
    `standard` or `full` key.

    Args:
        body (CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate |
            WebsiteSourceCreate): A new knowledge source. What is required depends on `type`:
            `website` and `docs_portal` need `url`, `raw_text` needs `content`, `codebase` needs
            `repository_url` and `repository_branch` (at most one codebase per project; a second gets
            409). `uploaded_doc` needs a file, which cannot travel in JSON, so it is not accepted here
            (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | KnowledgeSource]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate | WebsiteSourceCreate,
) -> Error | KnowledgeSource | None:
    """Add a knowledge source

     Adds a source and fires `knowledge_source.created`; its analysis starts `pending`, moves to
    `processing` and ends `completed` or `failed` (firing `knowledge_source.completed` or
    `knowledge_source.failed`). A project has at most one codebase source: a second gets 409. Needs a
    `standard` or `full` key.

    Args:
        body (CodebaseSourceCreate | DocsPortalSourceCreate | RawTextSourceCreate |
            WebsiteSourceCreate): A new knowledge source. What is required depends on `type`:
            `website` and `docs_portal` need `url`, `raw_text` needs `content`, `codebase` needs
            `repository_url` and `repository_branch` (at most one codebase per project; a second gets
            409). `uploaded_doc` needs a file, which cannot travel in JSON, so it is not accepted here
            (422).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | KnowledgeSource
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
