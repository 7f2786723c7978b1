"""Typed models of the Crossref and OpenAlex answers citelint relies on, checked at the boundary.

Every answer from a service, every cached answer and every snapshot line is checked against these
models before anything reads it: an answer of another shape (``{}``, ``message`` as a string,
``items`` as an object, ``results: null``, a title that is a number, an author that is a string)
is a failed lookup, never an empty one. The models list only the fields
:mod:`citelint.records` reads, with the types the services document and send (checked against the
recorded answers in ``fixtures/api-examples``), strictly: ``"yes"`` is not a boolean, nor ``"2020"``
a year. Other fields are ignored. Only the shape is checked here:
what the values mean is for the records module and the matcher. pydantic does the checking; this
module is imported only when an answer is read.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: Bounds on one record, so that no single answer can cost minutes to read and compare.
MAX_AUTHORS = 2000  # large collaborations list a few thousand; beyond this is not a citation
MAX_FIELD_CHARS = 50_000  # one title, name, journal or abstract
MAX_ITEMS = 1000  # works in one list answer
#: works one work cites (``reference``, ``referenced_works``): the longest reference lists
#: (guidelines, large reviews) hold a few thousand
MAX_REFERENCES = 20_000


class InvalidShape(ValueError):
    """An answer that does not fit the model; ``str(exc)`` names the first misfit in a few words."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, strict=True,
                              str_max_length=MAX_FIELD_CHARS)


# -- Crossref ---------------------------------------------------------------------------------

class CrossrefAuthor(_Model):
    family: str | None = None
    given: str | None = None
    name: str | None = None
    ORCID: str | None = None


class CrossrefDate(_Model):
    date_parts: list[list[int | None]] | None = Field(None, alias="date-parts")


class CrossrefUpdated(_Model):
    date_time: str | None = Field(None, alias="date-time")


class CrossrefUpdate(_Model):
    type: str | None = None
    DOI: str | None = None
    source: str | None = None
    label: str | None = None
    updated: CrossrefUpdated | None = None


class CrossrefJournalIssue(_Model):
    issue: str | None = None


class CrossrefReference(_Model):
    """One entry of a Crossref work's ``reference`` list; only its DOI is read."""

    DOI: str | None = None


class CrossrefWork(_Model):
    """A Crossref work: the ``message`` of ``/works/{doi}``, or one item of a list."""

    DOI: str | None = None
    URL: str | None = None
    title: list[str] | None = None
    subtitle: list[str] | None = None
    author: list[CrossrefAuthor] | None = Field(None, max_length=MAX_AUTHORS)
    container_title: list[str] | None = Field(None, alias="container-title")
    short_container_title: list[str] | None = Field(None, alias="short-container-title")
    ISSN: list[str] | None = None
    ISBN: list[str] | None = None
    issued: CrossrefDate | None = None
    published: CrossrefDate | None = None
    published_print: CrossrefDate | None = Field(None, alias="published-print")
    published_online: CrossrefDate | None = Field(None, alias="published-online")
    volume: str | None = None
    issue: str | None = None
    journal_issue: CrossrefJournalIssue | None = Field(None, alias="journal-issue")
    page: str | None = None
    article_number: str | None = Field(None, alias="article-number")
    type: str | None = None
    publisher: str | None = None
    abstract: str | None = None
    subject: list[str] | None = None
    updated_by: list[CrossrefUpdate] | None = Field(None, alias="updated-by")
    update_to: list[CrossrefUpdate] | None = Field(None, alias="update-to")
    reference: list[CrossrefReference] | None = Field(None, max_length=MAX_REFERENCES)


class CrossrefWorkAnswer(_Model):
    """``/works/{doi}``: ``{"status": "ok", "message-type": "work", "message": {…}}``."""

    status: Literal["ok"]
    message_type: Literal["work"] = Field(alias="message-type")
    message: CrossrefWork


class CrossrefWorkList(_Model):
    items: list[CrossrefWork] = Field(max_length=MAX_ITEMS)
    total_results: int | None = Field(None, alias="total-results")


class CrossrefListAnswer(_Model):
    """``/works?…``: ``{"status": "ok", "message-type": "work-list", "message": {"items": …}}``."""

    status: Literal["ok"]
    message_type: Literal["work-list"] = Field(alias="message-type")
    message: CrossrefWorkList


# -- OpenAlex ---------------------------------------------------------------------------------

class _Named(_Model):
    display_name: str | None = None


class OpenAlexAuthor(_Named):
    orcid: str | None = None


class OpenAlexAuthorship(_Model):
    author: OpenAlexAuthor | None = None
    raw_author_name: str | None = None


class OpenAlexSource(_Named):
    id: str | None = None  # the journal's OpenAlex id, which works can be filtered by
    issn: list[str] | None = None


class OpenAlexLocation(_Model):
    source: OpenAlexSource | None = None


class OpenAlexBiblio(_Model):
    volume: str | None = None
    issue: str | None = None
    first_page: str | None = None
    last_page: str | None = None


class OpenAlexIds(_Model):
    pmid: str | None = None
    pmcid: str | None = None


class OpenAlexTopic(_Named):
    subfield: _Named | None = None
    field: _Named | None = None
    domain: _Named | None = None


class OpenAlexWork(_Model):
    """An OpenAlex work: ``/works/{id}``, or one item of ``results``."""

    id: str | None = None
    doi: str | None = None
    title: str | None = None
    display_name: str | None = None
    publication_year: int | None = None
    type: str | None = None
    authorships: list[OpenAlexAuthorship] | None = Field(None, max_length=MAX_AUTHORS)
    primary_location: OpenAlexLocation | None = None
    biblio: OpenAlexBiblio | None = None
    ids: OpenAlexIds | None = None
    is_retracted: bool | None = None
    abstract_inverted_index: dict[str, list[int]] | None = None
    keywords: list[_Named] | None = None
    topics: list[OpenAlexTopic] | None = None
    primary_topic: OpenAlexTopic | None = None
    referenced_works: list[str] | None = Field(None, max_length=MAX_REFERENCES)
    related_works: list[str] | None = Field(None, max_length=MAX_ITEMS)


class OpenAlexMeta(_Model):
    count: int | None = None


class OpenAlexJournal(_Named):
    """An OpenAlex source (a journal, repository, conference…): one item of ``/sources``."""

    id: str | None = None
    abbreviated_title: str | None = None
    alternate_titles: list[str] | None = None
    issn: list[str] | None = None
    type: str | None = None


class OpenAlexSourceListAnswer(_Model):
    """``/sources?search=…``: ``{"meta": {…}, "results": […]}``."""

    meta: OpenAlexMeta
    results: list[OpenAlexJournal] = Field(max_length=MAX_ITEMS)


class OpenAlexListAnswer(_Model):
    """``/works?filter=…`` or ``?search=…``: ``{"meta": {…}, "results": […]}``."""

    meta: OpenAlexMeta
    results: list[OpenAlexWork] = Field(max_length=MAX_ITEMS)


# -- checking ---------------------------------------------------------------------------------

def checked(model: type[_Model], data: Any) -> dict[str, Any]:
    """``data`` checked against ``model``, as a plain dict of the fields it gave (by their
    service names, values in the model's types). Raises :class:`InvalidShape`."""
    try:
        return model.model_validate(data).model_dump(by_alias=True, exclude_unset=True)
    except ValidationError as exc:
        raise InvalidShape(_first_misfit(exc)) from None


def _first_misfit(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "the answer does not have the expected shape"
    where = ".".join(str(p) for p in errors[0]["loc"]) or "the answer"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {errors[0]['msg'].lower()}{more}"
