from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.issue_detail import IssueDetail
from ...models.issue_upvote import IssueUpvote
from ...types import UNSET, Response, Unset


def _get_kwargs(
    issue_id: str,
    *,
    body: IssueUpvote | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/issues/{issue_id}/upvote".format(
            issue_id=quote(str(issue_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | IssueDetail | None:
    if response.status_code == 200:
        response_200 = IssueDetail.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | IssueDetail]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    issue_id: str,
    *,
    client: AuthenticatedClient,
    body: IssueUpvote | Unset = UNSET,
) -> Response[Error | IssueDetail]:
    """Upvote an issue

     Counts one more vote (`upvote_count` + 1) and fires `issue.upvoted`. With `session_id`, the session
    is linked to the issue (a session upvotes an issue once: again, 409). Unless a person set the
    priority, it follows the votes (3 or more: `medium`, 5 or more: `high`). Needs a `standard` or
    `full` key.

    Args:
        issue_id (str):  Example: iss_7fk2m9.
        body (IssueUpvote | Unset): The session that raised the issue again, linked to it (each
            session once); without `session_id`, a vote counted from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssueDetail]
    """

    kwargs = _get_kwargs(
        issue_id=issue_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    issue_id: str,
    *,
    client: AuthenticatedClient,
    body: IssueUpvote | Unset = UNSET,
) -> Error | IssueDetail | None:
    """Upvote an issue

     Counts one more vote (`upvote_count` + 1) and fires `issue.upvoted`. With `session_id`, the session
    is linked to the issue (a session upvotes an issue once: again, 409). Unless a person set the
    priority, it follows the votes (3 or more: `medium`, 5 or more: `high`). Needs a `standard` or
    `full` key.

    Args:
        issue_id (str):  Example: iss_7fk2m9.
        body (IssueUpvote | Unset): The session that raised the issue again, linked to it (each
            session once); without `session_id`, a vote counted from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssueDetail
    """

    return sync_detailed(
        issue_id=issue_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    issue_id: str,
    *,
    client: AuthenticatedClient,
    body: IssueUpvote | Unset = UNSET,
) -> Response[Error | IssueDetail]:
    """Upvote an issue

     Counts one more vote (`upvote_count` + 1) and fires `issue.upvoted`. With `session_id`, the session
    is linked to the issue (a session upvotes an issue once: again, 409). Unless a person set the
    priority, it follows the votes (3 or more: `medium`, 5 or more: `high`). Needs a `standard` or
    `full` key.

    Args:
        issue_id (str):  Example: iss_7fk2m9.
        body (IssueUpvote | Unset): The session that raised the issue again, linked to it (each
            session once); without `session_id`, a vote counted from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | IssueDetail]
    """

    kwargs = _get_kwargs(
        issue_id=issue_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    issue_id: str,
    *,
    client: AuthenticatedClient,
    body: IssueUpvote | Unset = UNSET,
) -> Error | IssueDetail | None:
    """Upvote an issue

     Counts one more vote (`upvote_count` + 1) and fires `issue.upvoted`. With `session_id`, the session
    is linked to the issue (a session upvotes an issue once: again, 409). Unless a person set the
    priority, it follows the votes (3 or more: `medium`, 5 or more: `high`). Needs a `standard` or
    `full` key.

    Args:
        issue_id (str):  Example: iss_7fk2m9.
        body (IssueUpvote | Unset): The session that raised the issue again, linked to it (each
            session once); without `session_id`, a vote counted from the dashboard.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | IssueDetail
    """

    return (
        await asyncio_detailed(
            issue_id=issue_id,
            client=client,
            body=body,
        )
    ).parsed
