#!/usr/bin/env python3
"""Plant coordinated campaigns into the real CHECKED Weibo corpus, reproducibly.

CHECKED (github.com/cyang03/CHECKED, `dataset/{fake_news,real_news}/*.json`) holds 2,102
Weibo posts of 2020 with their real comments and reposts: 3.0 M acts by 706 k hashed
accounts, minute-precision dates (Beijing time). This script adds three planted campaigns
to it and writes:

  OUT/dataset/{fake_news,real_news}/*.json  the corpus in CHECKED's layout: unchanged files
                                             are symbolic links to the originals, files that
                                             receive planted comments or reposts are
                                             rewritten, planted original posts are new files
  OUT/checked_flat.jsonl                     the same, flattened to generic JSON lines (for
                                             `--format generic-jsonl`, see weibo_real.sh)
  OUT/truth.csv                              account_id,label: every real account `organic`,
                                             every planted account its campaign
  OUT/plants.json                            what was planted, round by round

The planted campaigns (about 95 accounts), all at minute precision, with random 32-hex ids
and post ids like CHECKED's hashed ones, and no timing on exact multiples:

* boost_ring (35 accounts, registered in one batch): reposts popular real posts of the
  corpus. A round picks a post with at least 1,000 real reposts and a moment inside its
  real cascade (the time of one of its real reposts, within its first two days); about
  three quarters of the ring repost it within two minutes of that moment (a few stragglers
  up to six), mostly with the corpus's default texts (快转微博, 转发微博, empty, an emoji,
  加油 ...), drawn from the real repost texts. One round in five is a comment round instead
  (short praise drawn from real comments). 26 rounds.
* copy_paste (30 accounts): four message templates, each round one of them posted by a
  rotating subset of 9-14 members under one real post (popular or a rumour), as comments
  or as reposts whose own words are the text (some with a real repost chain `//@...`
  after them), each copy edited: punctuation, a synonym, traditional characters, an emoji
  code such as [怒], a topic `#...#`, a mention. Spread over ten minutes. 16 rounds.
* hashtag_push (30 accounts): pushes three Weibo topics (`#话题#`), one or two per round,
  on short varied texts: each round 10-18 members write new posts (and one round in four,
  comments under a popular post) carrying the topics within five minutes. 18 rounds.

Every planted account is camouflaged: besides its campaign acts it reposts and comments
8-40 real posts the way real accounts do (a real post picked by its size, at the minute of
one of its real acts give or take a few minutes, with a text drawn from the real texts of
that kind: mostly empty or default texts, emoji and short comments, chains included).

Usage: plant_checked.py CHECKED_DATASET_DIR OUT_DIR [--seed N] [--no-plants]
Only the standard library is used. The same corpus and seed give byte-identical outputs.
"""

import argparse
import datetime as dt
import glob
import json
import os
import random
import re
import sys

MIN = 60
FMT = "%Y-%m-%d %H:%M"


def _minute_of(s):
    try:
        return int(dt.datetime.strptime(s.strip(), FMT).replace(tzinfo=dt.timezone.utc).timestamp()) // MIN
    except (ValueError, AttributeError):
        return None


_MINUTES = {}


def minute_of(s):
    """Minutes since the epoch of a CHECKED date (naive Beijing time, as given). Memoised:
    the corpus's 3 M dates hold far fewer distinct minutes, and strptime is slow."""
    try:
        return _MINUTES[s]
    except KeyError:
        m = _MINUTES[s] = _minute_of(s)
        return m
    except TypeError:  # not hashable: not a date
        return _minute_of(s)


_STAMPS = {}


def fmt_minute(m):
    try:
        return _STAMPS[m]
    except KeyError:
        s = _STAMPS[m] = dt.datetime.fromtimestamp(m * MIN, dt.timezone.utc).strftime(FMT)
        return s


SCI = re.compile(r"^[0-9]+e[0-9]+$")


def new_id(rng, taken):
    """A random 32-hex id, as CHECKED's hashes look (never digits only or a spreadsheet
    number such as 1234e56, which readers treat as damaged)."""
    while True:
        h = "%032x" % rng.getrandbits(128)
        if h in taken or h.isdigit() or SCI.match(h):
            continue
        taken.add(h)
        return h


# ---------------------------------------------------------------------------------------
# Campaign content
# ---------------------------------------------------------------------------------------

TEMPLATES = [
    "美国政府一直在隐瞒真实疫情数据，德特里克堡实验室突然关闭的真相必须公开，全世界都在等一个解释！",
    "病毒溯源不能只盯着中国，美国去年秋天的流感季到底有多少人其实是新冠？强烈要求世卫组织去美国调查。",
    "西方媒体双标太严重了，我们用两个月控制住了疫情，他们却忙着甩锅抹黑，事实真相不容歪曲。",
    "外防输入内防反弹，支持国家严格管控境外输入病例，大家一起坚持就是胜利，不信谣不传谣！",
]
SYNONYMS = [
    ("隐瞒", "掩盖"), ("真相", "实情"), ("解释", "说法"), ("严重", "厉害"), ("坚持", "努力"),
    ("强烈要求", "坚决要求"), ("忙着", "只顾"), ("突然", "莫名"), ("到底", "究竟"), ("严格", "严厉"),
]
TRADITIONAL = str.maketrans({
    "国": "國", "实": "實", "验": "驗", "关": "關", "闭": "閉", "们": "們", "开": "開", "须": "須",
    "疫": "疫", "双": "雙", "标": "標", "严": "嚴", "输": "輸", "传": "傳", "谣": "謠", "胜": "勝",
    "调": "調", "查": "查", "检": "檢", "这": "這", "为": "為", "对": "對", "卫": "衛", "组": "組",
    "织": "織", "欧": "歐", "据": "據", "数": "數", "内": "內", "们": "們", "让": "讓", "时": "時",
})
EMOJI_CODES = ["[怒]", "[赞]", "[加油]", "[doge]", "[吃惊]", "[哼]", "[鄙视]", "[good]", "[给力]", "[汗]"]
UNICODE_EMOJI = ["👍", "😡", "💪", "🇨🇳", "❤️", "🙏"]
COPY_TOPICS = ["#德特里克堡#", "#美国欠世界一个解释#", "#真相不容歪曲#"]
PUSH_TOPICS = ["#美方应停止政治操弄#", "#中国抗疫没有辜负世界#", "#谣言止于真相#"]
PUSH_PHRASES = [
    "说得太好了", "支持", "必须顶上去", "事实胜于雄辩", "转起来让更多人看到", "中国人民不答应",
    "谎言终将破产", "为祖国点赞", "看清他们的真面目", "谣言止于智者", "公道自在人心", "每个人都该看看",
    "这才是真相", "不能再让他们颠倒黑白", "顶", "大家一起转发", "太气人了", "理性看待，支持国家",
    "真相只有一个", "我们一起守护",
]


def edit_copy(rng, text, mentions):
    """One member's copy of a template: the small edits copy-paste groups make."""
    s = text
    if rng.random() < 0.35:
        for a, b in (("，", ","), ("！", "!"), ("。", ""), ("？", "?"), ("，", " ")):
            if a in s and rng.random() < 0.5:
                s = s.replace(a, b, 1)
    if rng.random() < 0.3:
        pairs = [p for p in SYNONYMS if p[0] in s]
        if pairs:
            a, b = rng.choice(pairs)
            s = s.replace(a, b, 1)
    if rng.random() < 0.15:
        s = s.translate(TRADITIONAL)
    if rng.random() < 0.35:
        e = rng.choice(EMOJI_CODES) * rng.choice([1, 1, 2, 3])
        s = s + e if rng.random() < 0.8 else e + s
    elif rng.random() < 0.15:
        s = s + rng.choice(UNICODE_EMOJI)
    if rng.random() < 0.25:
        t = rng.choice(COPY_TOPICS)
        s = t + s if rng.random() < 0.5 else s + t
    if mentions and rng.random() < 0.15:
        s = s + " @" + rng.choice(mentions)
    return s


# ---------------------------------------------------------------------------------------
# Reading the corpus
# ---------------------------------------------------------------------------------------


class Corpus:
    """What planting needs to know about the real corpus, in one streaming pass."""

    def __init__(self, root, rng):
        self.files = sorted(glob.glob(os.path.join(root, "*", "*.json")))
        if not self.files:
            sys.exit(f"no CHECKED files under {root}/*/*.json")
        self.posts = []  # (file, id, minute, user, n_reposts, n_comments)
        self.repost_minutes = {}  # post index -> sorted minutes of its real reposts
        self.act_minutes = {}  # post index -> sorted minutes of all its real acts
        self.accounts = set()
        self.repost_texts = []  # reservoir sample
        self.comment_texts = []
        self.chains = {}  # post index -> a few real repost chains ("//@...") on it
        self.handles = set()
        seen = 0
        for i, f in enumerate(self.files):
            with open(f, encoding="utf-8") as fh:
                d = json.load(fh)
            m = minute_of(d.get("date", ""))
            self.accounts.add(d.get("user_id", ""))
            reps = d.get("reposts") or []
            coms = d.get("comments") or []
            self.posts.append((f, d["id"], m, d.get("user_id", ""), len(reps), len(coms)))
            rm, am, chains = [], [], []
            for kind, lst in (("r", reps), ("c", coms)):
                for a in lst:
                    self.accounts.add(a.get("user_id", ""))
                    am_ = minute_of(a.get("date", ""))
                    if am_ is not None:
                        am.append(am_)
                        if kind == "r":
                            rm.append(am_)
                    t = a.get("text") or ""
                    seen += 1
                    pool = self.repost_texts if kind == "r" else self.comment_texts
                    if len(t) <= 40:
                        if len(pool) < 200_000:
                            pool.append(t)
                        else:
                            k = rng.randrange(seen)
                            if k < 200_000:
                                pool[k] = t
                    if kind == "r" and "//@" in t and len(chains) < 20:
                        chain = t[t.index("//@"):]
                        chains.append(chain)
                        h = re.match(r"//@([^:：\s]{2,20})[:：]", chain)
                        if h:
                            self.handles.add(h.group(1))
            rm.sort()
            am.sort()
            self.repost_minutes[i] = rm
            self.act_minutes[i] = am
            self.chains[i] = chains
        self.handles = sorted(self.handles)
        self.sizes = [p[4] + p[5] for p in self.posts]
        self.total = sum(self.sizes)
        # Cumulative sizes for picking a post by its size.
        self.cum = []
        acc = 0
        for s in self.sizes:
            acc += s
            self.cum.append(acc)

    def pick_by_size(self, rng):
        import bisect

        x = rng.randrange(self.total)
        return bisect.bisect_right(self.cum, x)


# ---------------------------------------------------------------------------------------
# Planting
# ---------------------------------------------------------------------------------------


class Planter:
    def __init__(self, corpus, rng):
        self.c = corpus
        self.rng = rng
        self.taken = set(corpus.accounts)
        self.added = {}  # post index -> {"comments": [...], "reposts": [...]}
        self.new_posts = []  # planted originals (CHECKED root records)
        self.truth = {}
        self.rounds = []

    def account(self, label):
        a = new_id(self.rng, self.taken)
        self.truth[a] = label
        return a

    def act(self, post, kind, user, minute, text):
        rec = {"id": new_id(self.rng, self.taken), "date": fmt_minute(minute), "user_id": user, "text": text}
        rec["pic_url"] = [] if kind == "reposts" else ""
        self.added.setdefault(post, {"comments": [], "reposts": []})[kind].append(rec)
        return rec["id"]

    def original(self, user, minute, text):
        pid = new_id(self.rng, self.taken)
        self.new_posts.append({
            "label": "real", "id": pid, "date": fmt_minute(minute), "user_id": user, "text": text,
            "pic_url": [], "video_url": "", "comment_num": "0", "repost_num": "0", "like_num": "0",
            "comments": [], "reposts": [],
        })
        return pid

    def moment(self, post, within_minutes=None, reposts_only=True):
        """A minute inside the post's real cascade: the time of one of its real acts."""
        ms = self.c.repost_minutes[post] if reposts_only else self.c.act_minutes[post]
        start = self.c.posts[post][2]
        if within_minutes is not None and start is not None:
            ms = [m for m in ms if m - start <= within_minutes] or ms
        return self.rng.choice(ms)

    def when(self, t0_minute, spread_s, straggle=0.0, straggle_s=360):
        """Minute of an act `delay` seconds after a trigger inside minute t0 (uniform in
        the minute), truncated to the minute like Weibo's stamps."""
        t = t0_minute * MIN + self.rng.uniform(0, MIN)
        if straggle and self.rng.random() < straggle:
            t += self.rng.uniform(spread_s, straggle_s)
        else:
            t += self.rng.expovariate(3.0 / spread_s) if spread_s > 0 else 0
            t = min(t, t0_minute * MIN + MIN + spread_s)
        return int(t // MIN)

    def real_text(self, kind):
        pool = self.c.repost_texts if kind == "reposts" else self.c.comment_texts
        return self.rng.choice(pool)

    def camouflage(self, user):
        """Real-looking acts on real cascades."""
        n = self.rng.randint(8, 40)
        for _ in range(n):
            p = self.c.pick_by_size(self.rng)
            kind = "reposts" if self.rng.random() < 0.6 else "comments"
            if not self.c.act_minutes[p]:
                continue
            m = self.rng.choice(self.c.act_minutes[p]) + self.rng.randint(-3, 3)
            start = self.c.posts[p][2]
            if start is not None:
                m = max(m, start)
            self.act(p, kind, user, m, self.real_text(kind))

    # -- campaigns ------------------------------------------------------------------------

    def boost_ring(self, size=35, rounds=26):
        label = "boost_ring"
        members = [self.account(label) for _ in range(size)]
        popular = [i for i, p in enumerate(self.c.posts) if p[4] >= 1000 and self.c.repost_minutes[i]]
        targets = self.rng.sample(popular, rounds)
        short_reposts = [t for t in self.c.repost_texts if len(t) <= 8 and "//@" not in t]
        short_comments = [t for t in self.c.comment_texts if 1 <= len(t) <= 10]
        for post in targets:
            t0 = self.moment(post, within_minutes=2 * 24 * 60)
            comment_round = self.rng.random() < 0.2
            who = [m for m in members if self.rng.random() < 0.75]
            for m in who:
                minute = self.when(t0, 80, straggle=0.08)
                if comment_round:
                    self.act(post, "comments", m, minute, self.rng.choice(short_comments))
                else:
                    self.act(post, "reposts", m, minute, self.rng.choice(short_reposts))
            self.rounds.append({"campaign": label, "post": self.c.posts[post][1], "minute": fmt_minute(t0),
                                "kind": "comments" if comment_round else "reposts", "accounts": len(who)})
        return members

    def copy_paste(self, size=30, rounds=16):
        label = "copy_paste"
        members = [self.account(label) for _ in range(size)]
        popular = [i for i, p in enumerate(self.c.posts) if p[4] + p[5] >= 300 and self.c.act_minutes[i]]
        for r in range(rounds):
            post = self.rng.choice(popular)
            template = self.rng.randrange(len(TEMPLATES))
            t0 = self.moment(post, within_minutes=3 * 24 * 60, reposts_only=False)
            who = self.rng.sample(members, self.rng.randint(9, 14))
            for m in who:
                minute = self.when(t0, 300, straggle=0.1, straggle_s=900)
                text = edit_copy(self.rng, TEMPLATES[template], self.c.handles)
                if self.rng.random() < 0.3:
                    chains = self.c.chains[post]
                    if chains and self.rng.random() < 0.4:
                        text = text + self.rng.choice(chains)
                    self.act(post, "reposts", m, minute, text)
                else:
                    self.act(post, "comments", m, minute, text)
            self.rounds.append({"campaign": label, "post": self.c.posts[post][1], "minute": fmt_minute(t0),
                                "template": template, "accounts": len(who)})
        return members

    def hashtag_push(self, size=30, rounds=18):
        label = "hashtag_push"
        members = [self.account(label) for _ in range(size)]
        popular = [i for i, p in enumerate(self.c.posts) if p[4] >= 1000 and self.c.act_minutes[i]]
        # Rounds over the corpus's busiest months, at moments real posts were active.
        for r in range(rounds):
            anchor = self.rng.choice(popular)
            t0 = self.moment(anchor, within_minutes=24 * 60, reposts_only=False)
            topics = self.rng.sample(PUSH_TOPICS, self.rng.choice([1, 1, 2]))
            in_comments = self.rng.random() < 0.25
            who = self.rng.sample(members, self.rng.randint(10, 18))
            for m in who:
                minute = self.when(t0, 150, straggle=0.08, straggle_s=600)
                words = self.rng.choice(PUSH_PHRASES)
                if self.rng.random() < 0.4:
                    words = words + "，" + self.rng.choice(PUSH_PHRASES)
                if self.rng.random() < 0.3:
                    words += self.rng.choice(EMOJI_CODES)
                tags = list(topics)
                if self.rng.random() < 0.3:
                    tags.reverse()
                text = "".join(tags) + words if self.rng.random() < 0.6 else words + " " + "".join(tags)
                if in_comments:
                    self.act(anchor, "comments", m, minute, text)
                else:
                    self.original(m, minute, text)
            self.rounds.append({"campaign": label, "anchor": self.c.posts[anchor][1], "minute": fmt_minute(t0),
                                "topics": topics, "in_comments": in_comments, "accounts": len(who)})
        return members


_ENC = json.JSONEncoder(ensure_ascii=False)
_ESC = json.encoder.encode_basestring  # what JSONEncoder(ensure_ascii=False) uses for str


def _js(v):
    return _ESC(v) if type(v) is str else _ENC.encode(v)


def flat_lines(d):
    """CHECKED post -> generic JSON lines: the post, its comments (replies to it) and its
    reposts (reposts of it). Each line is exactly json.dumps(record, ensure_ascii=False)
    of {id, user_id, created_at, text, reply_to, repost_of}, written without building the
    dictionaries."""
    root = d["id"]
    jroot = _js(root)
    out = ['{"id": %s, "user_id": %s, "created_at": %s, "text": %s, "reply_to": null, "repost_of": null}\n'
           % (jroot, _js(d["user_id"]), _js(d["date"]), _js(d["text"]))]
    for c in d.get("comments") or []:
        out.append('{"id": %s, "user_id": %s, "created_at": %s, "text": %s, "reply_to": %s, "repost_of": null}\n'
                   % (_js(c["id"]), _js(c["user_id"]), _js(c["date"]), _js(c["text"]), jroot))
    for r in d.get("reposts") or []:
        out.append('{"id": %s, "user_id": %s, "created_at": %s, "text": %s, "reply_to": null, "repost_of": %s}\n'
                   % (_js(r["id"]), _js(r["user_id"]), _js(r["date"]), _js(r["text"]), jroot))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checked", help="CHECKED's dataset directory (with fake_news/ and real_news/)")
    ap.add_argument("out", help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-plants", action="store_true",
                    help="plant nothing: the real corpus alone, flattened, with its truth (all organic)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    corpus = Corpus(os.path.abspath(a.checked), rng)
    pl = Planter(corpus, rng)
    members = {}
    if not a.no_plants:
        members["boost_ring"] = pl.boost_ring()
        members["copy_paste"] = pl.copy_paste()
        members["hashtag_push"] = pl.hashtag_push()
        for label in ("boost_ring", "copy_paste", "hashtag_push"):
            for m in members[label]:
                pl.camouflage(m)

    out_ds = os.path.join(a.out, "dataset")
    os.makedirs(out_ds, exist_ok=True)
    flat = open(os.path.join(a.out, "checked_flat.jsonl"), "w", encoding="utf-8")
    for i, p in enumerate(corpus.posts):
        f = p[0]
        sub = os.path.basename(os.path.dirname(f))
        os.makedirs(os.path.join(out_ds, sub), exist_ok=True)
        dest = os.path.join(out_ds, sub, os.path.basename(f))
        with open(f, encoding="utf-8") as fh:
            d = json.load(fh)
        if os.path.lexists(dest):
            os.remove(dest)
        if i in pl.added:
            add = pl.added[i]
            # Reposts are listed newest first in CHECKED; comments in no particular order.
            reps = (d.get("reposts") or []) + add["reposts"]
            reps.sort(key=lambda r: r.get("date", ""), reverse=True)
            d["reposts"] = reps
            coms = list(d.get("comments") or [])
            for c in add["comments"]:
                coms.insert(rng.randint(0, len(coms)), c)
            d["comments"] = coms
            with open(dest, "w", encoding="utf-8") as fh:
                # json.dumps, not json.dump: the same text, but dump streams through the
                # pure-Python encoder, minutes on CHECKED's largest files.
                fh.write(json.dumps(d, ensure_ascii=False))
        else:
            os.symlink(os.path.abspath(f), dest)
        flat.write(flat_lines(d))
    os.makedirs(os.path.join(out_ds, "real_news"), exist_ok=True)
    for d in pl.new_posts:
        with open(os.path.join(out_ds, "real_news", d["id"] + ".json"), "w", encoding="utf-8") as fh:
            fh.write(json.dumps(d, ensure_ascii=False))
        flat.write(flat_lines(d))
    flat.close()

    with open(os.path.join(a.out, "truth.csv"), "w", encoding="utf-8") as fh:
        fh.write("account_id,label\n")
        for acc in sorted(corpus.accounts):
            if acc:
                fh.write(f"{acc},organic\n")
        for acc, label in sorted(pl.truth.items()):
            fh.write(f"{acc},{label}\n")
    planted_acts = sum(len(v["comments"]) + len(v["reposts"]) for v in pl.added.values())
    with open(os.path.join(a.out, "plants.json"), "w", encoding="utf-8") as fh:
        json.dump({
            "seed": a.seed,
            "accounts": {k: len(v) for k, v in members.items()},
            "planted_acts_on_real_posts": planted_acts,
            "planted_originals": len(pl.new_posts),
            "rounds": pl.rounds,
        }, fh, ensure_ascii=False, indent=1)
    print(f"planted {len(pl.truth)} accounts ({', '.join(f'{k} {len(v)}' for k, v in members.items())}), "
          f"{planted_acts} acts on real posts, {len(pl.new_posts)} new posts, into {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
