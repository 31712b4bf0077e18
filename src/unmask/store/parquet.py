"""The hand-off to a cluster: canonical tables as Parquet, posts partitioned by platform and day."""

from __future__ import annotations

import shutil
from pathlib import Path

from unmask.store.db import Store


def export_parquet(store: Store, out_dir: Path) -> dict[str, Path]:
    """Write out_dir/posts/platform=…/day=…/*.parquet and out_dir/accounts/platform=…/*.parquet.

    The folder is replaced as a whole: a reader never mixes two exports.
    """
    out_dir = Path(out_dir)
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    con = store.con
    con.execute(
        f"COPY (SELECT *, CAST(created_at AS DATE) AS day FROM posts) TO '{staging / 'posts'}' "
        "(FORMAT parquet, PARTITION_BY (platform, day))"
    )
    con.execute(f"COPY accounts TO '{staging / 'accounts'}' (FORMAT parquet, PARTITION_BY (platform))")
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    return {"posts": out_dir / "posts", "accounts": out_dir / "accounts"}
