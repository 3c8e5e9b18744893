"""Flatten a `lockstep generate --scenario weibo` directory (weibo-search.csv and checked/)
into generic JSON lines, one post a line, for `lockstep analyze` builds without the Weibo
readers:

    python3 bench/weibo_flat.py DATA_DIR OUT.jsonl
    lockstep analyze OUT.jsonl --format generic-jsonl --map author=user_id \
        --map time=created_at --map reply_to=reply_to --map repost_of=repost_of \
        --time-zone +08:00 --platform weibo --out DIR

Keys: id, user_id, created_at (Beijing minute, as written), text, reply_to (comments: the
root), repost_of (reposts: the root, as weibo-search's retweet_id and CHECKED's nesting
say), hashtags (weibo-search's 话题; the `#topic#` pairs of CHECKED texts), mentions.
Standard library only.
"""

import csv
import glob
import json
import re
import sys
from pathlib import Path

TOPIC = re.compile(r"#([^#\s]{1,40})#")
MENTION = re.compile(r"@([\w\-]+)")


def main(data_dir, out_path):
    data = Path(data_dir)
    n = 0
    with open(out_path, "w", encoding="utf-8") as out:
        def put(**rec):
            nonlocal n
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1

        with open(data / "weibo-search.csv", encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                put(id=r["id"], user_id=r["user_id"], created_at=r["发布时间"], text=r["微博正文"],
                    reply_to=None, repost_of=r["retweet_id"] or None,
                    hashtags=[t for t in r["话题"].split(",") if t],
                    mentions=[m for m in r["艾特用户"].split(",") if m])
        for name in sorted(glob.glob(str(data / "checked" / "**" / "*.json"), recursive=True)):
            d = json.load(open(name, encoding="utf-8"))
            root = d["id"]
            put(id=root, user_id=d["user_id"], created_at=d["date"], text=d["text"],
                reply_to=None, repost_of=None, hashtags=TOPIC.findall(d["text"]),
                mentions=MENTION.findall(d["text"]))
            for kind, items in (("reply_to", d["comments"]), ("repost_of", d["reposts"])):
                for c in items:
                    put(id=c["id"], user_id=c["user_id"], created_at=c["date"], text=c["text"],
                        reply_to=root if kind == "reply_to" else None,
                        repost_of=root if kind == "repost_of" else None,
                        hashtags=TOPIC.findall(c["text"]), mentions=MENTION.findall(c["text"]))
    print(f"{n} posts -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(*sys.argv[1:])
