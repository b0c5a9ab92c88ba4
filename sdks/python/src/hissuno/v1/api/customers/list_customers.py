from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.company_stage import CompanyStage
from ...models.customer_list import CustomerList
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    search: str | Unset = UNSET,
    is_champion: bool | Unset = UNSET,
    stage: CompanyStage | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params["search"] = search

    params["is_champion"] = is_champion

    json_stage: str | Unset = UNSET
    if not isinstance(stage, Unset):
        json_stage = stage

    params["stage"] = json_stage

    params["show_archived"] = show_archived

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/customers",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CustomerList | Error | None:
    if response.status_code == 200:
        response_200 = CustomerList.from_dict(response.json())

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
) -> Response[CustomerList | Error]:
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
    search: str | Unset = UNSET,
    is_champion: bool | Unset = UNSET,
    stage: CompanyStage | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Response[CustomerList | Error]:
    """List customers

     Customers (contacts with their company), most recently updated first. `search` matches name or
    email; `stage` filters on the company.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        search (str | Unset):
        is_champion (bool | Unset):
        stage (CompanyStage | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerList | Error]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        search=search,
        is_champion=is_champion,
        stage=stage,
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
    search: str | Unset = UNSET,
    is_champion: bool | Unset = UNSET,
    stage: CompanyStage | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> CustomerList | Error | None:
    """List customers

     Customers (contacts with their company), most recently updated first. `search` matches name or
    email; `stage` filters on the company.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        search (str | Unset):
        is_champion (bool | Unset):
        stage (CompanyStage | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerList | Error
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        search=search,
        is_champion=is_champion,
        stage=stage,
        show_archived=show_archived,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    search: str | Unset = UNSET,
    is_champion: bool | Unset = UNSET,
    stage: CompanyStage | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> Response[CustomerList | Error]:
    """List customers

     Customers (contacts with their company), most recently updated first. `search` matches name or
    email; `stage` filters on the company.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        search (str | Unset):
        is_champion (bool | Unset):
        stage (CompanyStage | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CustomerList | Error]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        search=search,
        is_champion=is_champion,
        stage=stage,
        show_archived=show_archived,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    offset: int | Unset = 0,
    search: str | Unset = UNSET,
    is_champion: bool | Unset = UNSET,
    stage: CompanyStage | Unset = UNSET,
    show_archived: bool | Unset = False,
) -> CustomerList | Error | None:
    """List customers

     Customers (contacts with their company), most recently updated first. `search` matches name or
    email; `stage` filters on the company.

    Args:
        limit (int | Unset):  Default: 50.
        offset (int | Unset):  Default: 0.
        search (str | Unset):
        is_champion (bool | Unset):
        stage (CompanyStage | Unset):
        show_archived (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CustomerList | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            search=search,
            is_champion=is_champion,
            stage=stage,
            show_archived=show_archived,
        )
    ).parsed
