"""Corpus items in the syntax of the platform layouts: CrowdTangle, Meta Content Library, YouTube, Telegram,
TikTok, Bluesky and Reddit, each written as its export or API writes it (see each layout's docstring).

Each renderer lists the fields it carries and what the store must hold for them: mostly the value as
written; where the layout documents a change (MCL strips links, Reddit's entities are unescaped after
being escaped here as Reddit escapes them), the expectation says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from corpus_renderers import carriers_of, csv_bytes, json_lines, nest
from corpus_values import Expect, Item, Renderer, one_item, same


def _iso_z(item: Item) -> str:
    return item.created_at.iso() + "Z"


class CrowdTangleRenderer(Renderer):
    """A Facebook CrowdTangle CSV: the post id is the last segment of the post's URL."""

    _ACCOUNT: ClassVar[dict[str, str]] = {
        "handle": "User Name",
        "display_name": "Page Name",
        "bio": "Page Description",
        "location": "Page Admin Top Country",
    }
    carriers: ClassVar[dict[str, Expect]] = carriers_of(["text", "urls"], _ACCOUNT)

    def write(self, items: list[Item], path: Path) -> None:
        header = [
            "Facebook Id",
            "URL",
            "Post Created",
            "Message",
            "Final Link",
            *self._ACCOUNT.values(),
            "Likes",
        ]
        rows = [
            [
                self.account_id(item.key),
                f"https://www.facebook.com/page/posts/p-{item.key}",
                item.created_at.iso().replace("T", " ") + " UTC",
                str(item.post.get("text", "")),
                " ".join(one_item(item.post.get("urls", []))),
                *(item.account.get(name, "") for name in self._ACCOUNT),
                "0",
            ]
            for item in items
        ]
        path.write_bytes(csv_bytes(header, rows))


class MetaContentLibraryRenderer(Renderer):
    """MCL API records, one per line, with the owner nested (`post_owner.id`, ...)."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = carriers_of(
        ["text", "lang", "hashtags"], ["handle", "display_name"]
    ) | {
        "post.urls": lambda value: [str(v).strip() for v in one_item(value)]  # links are stripped
    }

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.record(item)) for item in items), path)

    def record(self, item: Item) -> dict[str, object]:
        post, account = item.post, item.account
        owner = {"id": self.account_id(item.key), "type": "business"}
        owner |= {"username": account["handle"]} if "handle" in account else {}
        owner |= {"name": account["display_name"]} if "display_name" in account else {}
        record: dict[str, object] = {
            "id": f"p-{item.key}",
            "creation_time": _iso_z(item),
            "post_owner": owner,
        }
        record |= {name: post[name] for name in ("text", "lang") if name in post}
        if "hashtags" in post:
            record["hashtags"] = one_item(post["hashtags"])
        if "urls" in post:
            record["link_attachment"] = {"link": post["urls"]}
        return record | nest(item)


class YouTubeRenderer(Renderer):
    """Bare `youtube#comment` resources, one per line, on one video."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = carriers_of(["text"], ["display_name", "profile_url"])

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.comment(item)) for item in items), path)

    def comment(self, item: Item) -> dict[str, object]:
        snippet: dict[str, object] = {
            "authorChannelId": {"value": self.account_id(item.key)},
            "publishedAt": _iso_z(item),
            "videoId": "video-1",
        }
        if "text" in item.post:
            snippet["textOriginal"] = item.post["text"]
        if "display_name" in item.account:
            snippet["authorDisplayName"] = item.account["display_name"]
        if "profile_url" in item.account:
            snippet["authorChannelUrl"] = item.account["profile_url"]
        return {"kind": "youtube#comment", "id": f"p-{item.key}", "snippet": snippet} | nest(item)


class TelegramRenderer(Renderer):
    """One single-chat export per line, holding the item's message; links and hashtags as entities."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = carriers_of(["text", "urls", "hashtags"], ["display_name"])

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.chat(item)) for item in items), path)

    def chat(self, item: Item) -> dict[str, object]:
        entities = [{"type": "link", "text": url} for url in one_item(item.post.get("urls", []))]
        entities += [
            {"type": "hashtag", "text": f"#{tag}"} for tag in one_item(item.post.get("hashtags", []))
        ]
        message: dict[str, object] = {
            "id": 1,
            "type": "message",
            "date_unixtime": str(item.created_at.posix()),
            "from_id": self.account_id(item.key),
            "text": item.post.get("text", ""),
            "text_entities": entities,
        }
        if "display_name" in item.account:
            message["from"] = item.account["display_name"]
        return {
            "name": "corpus",
            "type": "public_channel",
            "id": f"c-{item.key}",
            "messages": [message | nest(item)],
        }


class TikTokRenderer(Renderer):
    """Bare Research API video objects, one per line."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = carriers_of(["text", "hashtags", "mentions"], ["location"])

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.video(item)) for item in items), path)

    def video(self, item: Item) -> dict[str, object]:
        post = item.post
        video: dict[str, object] = {
            "id": f"p-{item.key}",
            "username": self.account_id(item.key),
            "create_time": item.created_at.posix(),
            "video_description": post.get("text", ""),
            "hashtag_names": one_item(post.get("hashtags", [])),
            "video_mention_list": one_item(post.get("mentions", [])),
        }
        if "location" in item.account:
            video["region_code"] = item.account["location"]
        return video | nest(item)


class BlueskyRenderer(Renderer):
    """Bare post views, one per line; links and tags as rich-text facets."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = carriers_of(
        ["text", "urls", "hashtags"], ["handle", "display_name"]
    )

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.view(item)) for item in items), path)

    def view(self, item: Item) -> dict[str, object]:
        did = self.account_id(item.key)
        features = [
            {"$type": "app.bsky.richtext.facet#link", "uri": u} for u in one_item(item.post.get("urls", []))
        ]
        features += [
            {"$type": "app.bsky.richtext.facet#tag", "tag": t}
            for t in one_item(item.post.get("hashtags", []))
        ]
        author: dict[str, object] = {"did": did}
        author |= {"handle": item.account["handle"]} if "handle" in item.account else {}
        author |= {"displayName": item.account["display_name"]} if "display_name" in item.account else {}
        record = {
            "text": item.post.get("text", ""),
            "createdAt": _iso_z(item),
            "facets": [{"features": features}],
        }
        return {
            "uri": f"at://{did}/app.bsky.feed.post/p-{item.key}",
            "cid": "cid",
            "author": author,
            "record": record,
        } | nest(item)


def reddit_escape(text: str) -> str:
    """Text as Reddit's JSON holds it: &, < and > as entities (the layout unescapes them)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RedditRenderer(Renderer):
    """Pushshift-style comments, one per line; the body escaped as Reddit escapes it."""

    suffix = ".jsonl"
    is_json = True
    carriers: ClassVar[dict[str, Expect]] = {"post.text": same}

    def write(self, items: list[Item], path: Path) -> None:
        json_lines(((item, self.comment(item)) for item in items), path)

    def comment(self, item: Item) -> dict[str, object]:
        text = str(item.post.get("text", f"comment {item.key}"))
        return {
            "id": f"p-{item.key}",
            "author": self.account_id(item.key),
            "created_utc": item.created_at.posix(),
            "body": reddit_escape(text),
            "parent_id": "t3_thread",
            "link_id": "t3_thread",
            "subreddit": "corpus",
        } | nest(item)
