"""DuckDB's reading of twarc2 page files (X API v2 JSONL), the fast path of `XApiV2Layout`.

Each line is read with `read_json` under an explicit schema (a JSON shape the schema does not allow is
a read error). A second, light scan of the raw lines checks what the schema cannot: that every field
read as text holds a JSON string or null (DuckDB would turn a number or boolean into text where the
Python reader reads `str(5)` or None), and what DuckDB's JSON parser accepts and Python's rejects
(trailing commas, `nan`/`inf` literals, nesting deep enough to exhaust Python's recursion, `\\u0000`).
Anything else the fast path does not mirror exactly (blank ids, timestamps other than the API's
`...T..:..:..[.fff]Z`, null list items, flattened tweets, `attachments.media`, ...) sends the whole
file to the Python reader, which stays the reference.
"""

from __future__ import annotations

from pathlib import Path

from unmask.ingest.native import (
    SCRATCH,
    NativeRead,
    py_blank,
    py_count,
    py_count_unclean,
    py_strip,
    py_text,
    select_list,
)
from unmask.ingest.parsing import EARLIEST, LATEST, MAX_RECORD_CHARS, decoded_head
from unmask.ingest.writer import DERIVED_ACCOUNT, DERIVED_POST
from unmask.store.schema import ACCOUNT_COLUMNS, POST_COLUMNS

_V = "VARCHAR"
_COUNTS = ("like_count", "retweet_count", "reply_count", "quote_count", "impression_count")
_TWEET = (
    f"STRUCT(id {_V}, author_id {_V}, author JSON, created_at {_V}, text {_V}, note_tweet STRUCT(text {_V}), "
    f"lang {_V}, conversation_id {_V}, in_reply_to_user_id {_V}, referenced_tweets MAP({_V}, {_V})[], "
    f"entities STRUCT(urls STRUCT(expanded_url {_V}, url {_V})[], hashtags STRUCT(tag {_V})[], "
    f"mentions STRUCT(id {_V}, username {_V})[]), attachments STRUCT(media_keys {_V}[], media JSON), "
    f"public_metrics STRUCT({', '.join(f'{c} {_V}' for c in _COUNTS)}))"
)
_USER = (
    f"STRUCT(id {_V}, username {_V}, name {_V}, created_at {_V}, description {_V}, location {_V}, url {_V}, "
    f"public_metrics STRUCT(followers_count {_V}, following_count {_V}))"
)
_MEDIA = f"STRUCT(media_key {_V}, url {_V}, preview_image_url {_V})"
_COLUMNS = {
    "data": f"{_TWEET}[]",
    "includes": f"STRUCT(users {_USER}[], tweets {_TWEET}[], media {_MEDIA}[])",
}
# Keys of the fields read as text (anywhere in a line: other objects' keys of these names only make the
# check stricter).
_TEXT_KEYS = (
    "id|author_id|created_at|text|lang|conversation_id|in_reply_to_user_id|type|url|expanded_url|tag"
    "|username|name|description|location|media_key|preview_image_url"
)
# The API's timestamps ("2023-09-01T12:00:00.000Z"), which Python's fromisoformat reads the same way.
_WHEN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{3})?Z"
_SHALLOW = 32  # deeper lines (real pages nest 8 levels) are left to Python, whose limit is ~1000


def native_read(head: bytes, path: Path, platform: str) -> NativeRead | None:
    """DuckDB's read of a twarc2 page file; None for files that are not one page per line.

    Each line becomes one SCRATCH row holding its posts and users already in store columns (lists of
    structs): far smaller than the pages, which are never stored whole.
    """
    text = decoded_head(head).lstrip()
    if text.startswith("[") or (text.splitlines()[0].strip() if text else "") == "{":
        return None  # a JSON document or array: iter_json reads it in its own way
    literal = str(path).replace("'", "''")
    columns = ", ".join(f"'{name}': '{sql}'" for name, sql in _COLUMNS.items())
    read = (
        f"read_json('{literal}', format='newline_delimited', columns={{{columns}}}, "
        f"maximum_object_size={MAX_RECORD_CHARS - 2})"
    )
    pages = f"""
        SELECT *, list_filter(inc, t -> NOT list_contains(ids, t.id)) AS extra,
            list_transform(list_filter(coalesce(includes.media, []),
                m -> m.media_key <> '' AND {_media_url("m")} <> ''),
                m -> {{'k': m.media_key, 'u': {_media_url("m")}}}) AS media_urls,
            list_transform(list_filter(inc, t -> t.id <> '' AND t.author_id IS NOT NULL),
                t -> {{'id': t.id, 'a': t.author_id}}) AS included_authors
        FROM (SELECT data, includes, coalesce(includes.tweets, []) AS inc,
                     list_transform(data, t -> t.id) AS ids FROM {read})
    """
    rows = f"""
        SELECT posts, bad, post_rows, user_rows,
            list_transform(post_rows, p -> p.account_id) AS authors, media_urls, included_authors
        FROM (
            SELECT media_urls, included_authors, len(data) + len(extra) AS posts, {_page_unclean()} AS bad,
                list_transform(data || extra, t -> {_post_struct(platform)}) AS post_rows,
                list_transform(coalesce(includes.users, []), (u, i) -> {_account_struct()}) AS user_rows
            FROM ({pages})
        )
    """
    given = {name: f"p.{name}" for name in _post_columns(platform)} | _looked_up() | {"source_record": "rec"}
    return NativeRead(
        rows=rows,
        unclean="bad",
        file_unclean=_raw_unclean(literal),
        posts=f"SELECT {select_list(POST_COLUMNS, given, DERIVED_POST)} "
        f"FROM (SELECT rec, unnest(post_rows) AS p, media_urls, included_authors FROM {SCRATCH})",
        accounts=_accounts(platform),
        first_line=1,
        posts_per_row="posts",
        wide_rows=True,
        row_size="posts + len(user_rows)",  # what a chunk of pages holds: a page lists its users too
    )


# -- what sends a file to the Python reader ---------------------------------------------------------


def _when(text: str) -> str:
    return f"TRY_CAST({text}[1:-2] AS TIMESTAMP)"


def _when_unclean(text: str) -> str:
    when = _when(text)
    shape = f"regexp_full_match(coalesce({text}, ''), '{_WHEN}')"
    return f"NOT ({shape} AND coalesce({when} >= '{EARLIEST}' AND {when} < '{LATEST}', false))"


def _any(items: str, condition: str, var: str = "x") -> str:
    """SQL: some item of a (possibly null) list meets `condition` (written over `var`)."""
    return f"coalesce(list_bool_or(list_transform({items}, {var} -> {condition})), false)"


def _structured(text: str) -> str:
    """SQL: a text field that held a JSON object or list (DuckDB reads it as its JSON text), or a string
    that reads as one (which only makes the check stricter)."""
    return f"(left({text}, 1) IN ('{{', '[') AND json_valid({text}))"


def _tweet_unclean(t: str) -> str:
    texts = ("id", "author_id", "text", "lang", "conversation_id", "in_reply_to_user_id", "note_tweet.text")
    entities = {"urls": ("url", "expanded_url"), "hashtags": ("tag",), "mentions": ("id", "username")}
    return " OR ".join(
        [
            f"{t} IS NULL",
            *(_structured(f"{t}.{field}") for field in texts),
            _any(f"{t}.attachments.media_keys", _structured("k"), "k"),
            py_blank(f"{t}.id"),
            py_blank(f"{t}.author_id"),
            f"{t}.author IS NOT NULL",  # a flattened tweet
            f"{t}.attachments.media IS NOT NULL",
            _when_unclean(f"{t}.created_at"),
            _any(
                f"{t}.referenced_tweets",
                "r IS NULL OR map_contains(r, 'created_at') OR "
                + " OR ".join(_structured(f"r['{key}']") for key in ("type", "id", "author_id")),
                "r",
            ),
            *(
                _any(
                    f"{t}.entities.{kind}",
                    " OR ".join(["e IS NULL", *(_structured(f"e.{f}") for f in fields)]),
                    "e",
                )
                for kind, fields in entities.items()
            ),
            *(py_count_unclean(f"{t}.public_metrics.{c}") for c in _COUNTS),
        ]
    )


def _user_unclean(u: str) -> str:
    created = f"{u}.created_at"
    texts = ("id", "username", "name", "description", "location", "url")
    return " OR ".join(
        [
            f"{u} IS NULL",
            *(_structured(f"{u}.{field}") for field in texts),
            py_blank(f"{u}.id"),
            f"(coalesce({created}, '') <> '' AND {_when_unclean(created)})",
            py_count_unclean(f"{u}.public_metrics.followers_count"),
            py_count_unclean(f"{u}.public_metrics.following_count"),
        ]
    )


def _raw_unclean(literal: str) -> str:
    """A query of one value for the file: a raw line that Python's JSON reader reads otherwise, or rejects."""
    space = r"[ \t\n\r]*"
    text = r'"(?:[^"\\]|\\.)*"'
    atom = f"""[^\\[\\]{{}}"]|{text}"""
    level = f"(?:{atom})"
    for _ in range(_SHALLOW):
        level = f"(?:{atom}|[\\[{{]{level}*[\\]}}])"
    odd = [
        f'"(?:{_TEXT_KEYS})"{space}:{space}[-0-9tf]',  # a number or boolean where text belongs
        f'"media_keys"{space}:{space}\\[{space}(?:{text}{space},{space})*[^"\\] \\t\\n\\r]',
        f'[{{,]{space}"(?:[^"\\\\]|\\\\.)*\\\\(?:[^"\\\\]|\\\\.)*"{space}:',  # an escape in a key
        f",{space}[\\]}}]",  # a trailing comma, which DuckDB accepts
        f"[:,\\[]{space}-?(?i:nan|inf|infinity){space}[,\\]}}]",  # literals only DuckDB reads
    ]
    problems = [
        "contains(raw, '\\u0000')",  # Python rejects the NUL; DuckDB would store it
        f"regexp_matches(raw, '{'|'.join(odd)}')",
        f"NOT regexp_full_match(raw, '{level}*')",
    ]
    return (
        f"SELECT coalesce(bool_or({' OR '.join(problems)}), false) FROM (SELECT json::VARCHAR AS raw "
        f"FROM read_ndjson_objects('{literal}', maximum_object_size={MAX_RECORD_CHARS - 2}))"
    )


def _page_unclean() -> str:
    media = "includes.media"
    return " OR ".join(
        [
            "data IS NULL",  # not a page (a flattened tweet, or a page without data)
            _any("data", _tweet_unclean("t"), "t"),
            _any("includes.tweets", _tweet_unclean("t"), "t"),
            _any("includes.users", _user_unclean("u"), "u"),
            _any(
                media,
                " OR ".join(
                    ["m IS NULL", *(_structured(f"m.{f}") for f in ("media_key", "url", "preview_image_url"))]
                ),
                "m",
            ),
        ]
    )


# -- posts ------------------------------------------------------------------------------------------


def _media_url(m: str) -> str:
    """SQL: `url or preview_image_url` of an includes.media item."""
    return f"coalesce(nullif({m}.url, ''), {m}.preview_image_url)"


def _first_ref(kind: str) -> str:
    """SQL: the tweet's first reference of a kind (the Python reader keeps the first of each type)."""
    return f"list_filter(t.referenced_tweets, r -> r['type'] = '{kind}')[1]"


def _post_columns(platform: str) -> dict[str, str]:
    note = "t.note_tweet.text"
    repost = _first_ref("retweeted")
    repost_id = py_text(f"{repost}['id']")
    metrics = {
        "like_count": "like_count",
        "repost_count": "retweet_count",
        "reply_count": "reply_count",
        "quote_count": "quote_count",
        "view_count": "impression_count",
    }
    return {
        "platform": f"'{platform}'",
        "post_id": py_strip("t.id"),
        "account_id": py_strip("t.author_id"),
        "created_at": _when("t.created_at"),
        "text": f"CASE WHEN {note} <> '' THEN {py_text(note)} ELSE {py_text('t.text')} END",
        "lang": py_text("t.lang"),
        "reply_to_post_id": py_text(f"{_first_ref('replied_to')}['id']"),
        "reply_to_account_id": py_text("t.in_reply_to_user_id"),
        "repost_of_post_id": repost_id,
        "repost_author": f"{repost}['author_id']",  # flattened references name the author
        "quote_of_post_id": py_text(f"{_first_ref('quoted')}['id']"),
        "conversation_id": py_text("t.conversation_id"),
        "urls": _texts(
            "t.entities.urls",
            "CASE WHEN e.expanded_url <> '' THEN e.expanded_url ELSE e.url END",
        ),
        "hashtags": _texts("t.entities.hashtags", "e.tag"),
        "mentions": _texts("t.entities.mentions", "coalesce(nullif(e.id, ''), e.username)"),
        "media_keys": (
            f"list_filter(list_transform(coalesce(t.attachments.media_keys, []), k -> {py_text('k')}), "
            "k -> k IS NOT NULL)"
        ),
        **{column: py_count(f"t.public_metrics.{field}") for column, field in metrics.items()},
    }


def _post_struct(platform: str) -> str:
    """SQL: a tweet `t` as a struct of store columns (and what the page's includes complete)."""
    return "{" + ", ".join(f"'{name}': {sql}" for name, sql in _post_columns(platform).items()) + "}"


def _texts(items: str, value: str) -> str:
    """SQL: `_strings` of the Python reader, the text of each entity (`e`), blanks dropped."""
    return f"list_filter(list_transform(coalesce({items}, []), e -> {py_text(value)}), x -> x IS NOT NULL)"


def _looked_up() -> dict[str, str]:
    """SQL: the post columns a page's includes complete (over a post `p` and its page's lookups): who
    wrote the reposted tweet, and each media key followed by its URL (the last one listed wins)."""
    listed = "list_filter(included_authors, a -> a.id = coalesce(p.repost_of_post_id, ''))"
    url = "list_last(list_filter(media_urls, m -> m.k = k)).u"
    with_urls = (
        f"flatten(list_transform(p.media_keys, k -> list_filter([k, {url}], x -> coalesce(x, '') <> '')))"
    )
    return {
        "repost_of_account_id": py_text(
            "CASE WHEN p.repost_author <> '' THEN p.repost_author WHEN p.repost_of_post_id IS NOT NULL "
            f"THEN list_last({listed}).a END"
        ),
        "media": f"CASE WHEN len(media_urls) = 0 THEN p.media_keys ELSE {with_urls} END",
    }


# -- accounts ---------------------------------------------------------------------------------------


def _account_struct() -> str:
    """SQL: a user `u`, the `i`th of includes.users, as a struct of store columns."""
    created = "u.created_at"
    given = {
        "idx": "i",
        "account_id": py_strip("u.id"),
        "handle": py_text("u.username"),
        "display_name": py_text("u.name"),
        "created_at": f"CASE WHEN {created} <> '' THEN {_when(created)} END",
        "followers": py_count("u.public_metrics.followers_count"),
        "following": py_count("u.public_metrics.following_count"),
        "bio": py_text("u.description"),
        "location": py_text("u.location"),
        "profile_url": py_text("u.url"),
    }
    return "{" + ", ".join(f"'{name}': {sql}" for name, sql in given.items()) + "}"


def _accounts(platform: str) -> str:
    """SQL: each account at its first sighting, as the Python reader yields it: a page's includes.users
    come before its posts' authors, whose accounts have only an id."""
    key = "rec * 4294967296 + sec * 2147483648 + idx"  # the order the Python reader meets them in
    first = f"""
        WITH seen AS (
            SELECT rec, 0 AS sec, u.idx AS idx, u.account_id AS account_id, u
            FROM (SELECT rec, unnest(user_rows) AS u FROM {SCRATCH})
            UNION ALL
            SELECT rec, 1 AS sec, unnest(range(len(authors))) AS idx, unnest(authors) AS account_id, NULL AS u
            FROM {SCRATCH}
        ), firsts AS (SELECT account_id, min({key}) AS k FROM seen GROUP BY account_id)
        SELECT * FROM seen SEMI JOIN firsts ON seen.account_id = firsts.account_id AND {key} = firsts.k
    """
    fields = (
        "handle",
        "display_name",
        "created_at",
        "followers",
        "following",
        "bio",
        "location",
        "profile_url",
    )
    given = {"platform": f"'{platform}'", "account_id": "account_id", "source_record": "rec"}
    given |= {name: f"u.{name}" for name in fields}
    return f"SELECT {select_list(ACCOUNT_COLUMNS, given, DERIVED_ACCOUNT)} FROM ({first})"
