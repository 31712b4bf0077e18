"""Chunked commits: a file ingested in chunks ends exactly as in one piece, and an interrupted ingest
resumes after its last committed chunk without losing or repeating a record."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interrupted import ingest_killed_in_third_batch

from unmask.ingest.pipeline import ingest_file, ingest_paths
from unmask.store import Store, open_store

HEADER = "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"

# A row: post id from a small range (so ids repeat, within and across chunks), an author, a text, a
# time and links; a repeated id with another author/text/time is a conflicting duplicate.
rows = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.sampled_from(["u1", "u2", "u3"]),
        st.sampled_from(["hello", "bonjour", "", "hi there"]),
        st.sampled_from([1693526400, 1693526460]),
        st.lists(
            st.sampled_from(["https://a.org", "https://b.org", "https://c.org"]), max_size=2, unique=True
        ),
        st.booleans(),  # a broken row (bad timestamp) in between
    ),
    min_size=1,
    max_size=14,
)


def write_rows(path: Path, data: list[tuple]) -> Path:
    lines = [HEADER]
    for post, user, text, ts, urls, broken in data:
        when = "yesterday" if broken else str(ts)
        lines.append(f"{post},{user},{user}name,,,{text},{when},{' '.join(urls)}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """The store's canonical content, order- and list-order-independent."""
    con = store.con
    return {
        "posts": con.execute(
            "SELECT platform, post_id, account_id, created_at, text, list_sort(urls), source_record "
            "FROM posts ORDER BY ALL"
        ).fetchall(),
        "accounts": con.execute(
            "SELECT platform, account_id, handle, first_seen, last_seen FROM accounts ORDER BY ALL"
        ).fetchall(),
        "rejects": con.execute("SELECT record_no, field, reason FROM rejects ORDER BY ALL").fetchall(),
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=rows, chunk=st.integers(2, 6))
def test_any_chunk_size_stores_what_one_piece_stores(tmp_path: Path, data: list[tuple], chunk: int) -> None:
    path = write_rows(tmp_path / "rows.csv", data)
    stores = []
    for name, size in (("whole", 10_000), (f"chunk{chunk}", chunk)):
        db = tmp_path / f"{name}.duckdb"
        db.unlink(missing_ok=True)
        store = open_store(db)
        result = ingest_file(store, path, chunk_records=size)
        stores.append((snapshot(store), result.counts))
        store.close()
    (whole, whole_counts), (chunked, chunked_counts) = stores
    assert chunked == whole
    assert chunked_counts == whole_counts


def test_an_interrupted_ingest_resumes_after_its_committed_chunks(tmp_path: Path) -> None:
    data = [(i % 9 + 1, f"u{i % 3}", f"text {i % 9}", 1693526400, [], i == 5) for i in range(25)]
    path = write_rows(tmp_path / "rows.csv", data)
    reference = open_store(tmp_path / "ref.duckdb")
    expected_counts = ingest_file(reference, path).counts
    expected = snapshot(reference)

    store = open_store(tmp_path / "s.duckdb")
    ingest_killed_in_third_batch(store, path, chunk_records=4)
    (done,) = store.con.execute("SELECT records_done FROM ingest_progress").fetchone()
    assert done == 8, "two chunks of four records were committed before the interruption"
    assert store.con.execute("SELECT count(*) FROM sources").fetchone()[0] == 0

    resumed = ingest_file(store, path, chunk_records=4)
    assert snapshot(store) == expected
    assert resumed.counts == expected_counts and resumed.counts.rejects == {"bad_timestamp": 1}
    assert store.con.execute("SELECT count(*) FROM ingest_progress").fetchone()[0] == 0
    assert ingest_paths(store, [path]).files[0].skipped_as == str(path)


def test_a_duplicate_across_chunks_is_merged_or_rejected_like_one_in_a_chunk(tmp_path: Path) -> None:
    data = [
        (1, "u1", "hello", 1693526400, ["https://a.org"], False),
        (2, "u2", "bonjour", 1693526400, [], False),
        (1, "u1", "hello", 1693526400, ["https://b.org"], False),  # same post, another link: merged
        (1, "u2", "hello", 1693526400, [], False),  # same id, another author: conflicting
    ]
    path = write_rows(tmp_path / "rows.csv", data)
    store = open_store(tmp_path / "s.duckdb")
    result = ingest_file(store, path, chunk_records=2)
    assert store.con.execute("SELECT list_sort(urls) FROM posts WHERE post_id = '1'").fetchall() == [
        (["https://a.org", "https://b.org"],)
    ]
    assert result.counts.rejects == {"conflicting_duplicate": 1}
    assert store.con.execute("SELECT record_no, field FROM rejects").fetchall() == [(5, "account_id")]
