"""A labelled set for deduplication, built from the bodies of an extraction benchmark.

Every ground-truth body becomes an original article on one of eight made-up news sites, each
with its own furniture: a header, lines inside the article (newsletter pitch, photo credit,
a publication stamp whose digits change), a footer (disclaimer, comments widget, copyright),
and on one site the error header of a broken capture, like the seed. Then come the copies
that news archives are full of, each labelled with the original it copies:

- exact:      the same body syndicated on another site;
- near:       syndicated on another site with a dateline, a few words changed, and the last
              paragraph dropped from long stories;
- recapture:  the same URL captured again later, the page's update stamp changed;
- amp:        the AMP twin of a page, in a bare template;
- twice:      a capture with the body repeated inside the page;

and the copies a news desk makes of a wire story, on another site:

- trimmed:    the first half or two thirds of the story, a new dateline, an editor's line;
- releded:    the first paragraph rewritten (a new lede with a dateline), the rest as it was;
- edited:     a dateline, one paragraph from the middle dropped, a few words changed;

and pages that are *not* copies: follow-ups that reuse the opening paragraphs of an original
(the first two, or the first one to three) and go on with text of their own (another story's
paragraphs with their words reversed, so that no other page has them). Everything is seeded, so
the set is the same on every run; the desk's copies and the second kind of follow-up come from
a generator of their own, so the pages of the other kinds do not depend on them.
"""

import html
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

SITES = [
    "dailyherald.example",
    "metro-courier.example",
    "thewire.example",
    "northern-gazette.example",
    "citypost.example",
    "capital-times.example",
    "eveningstar.example",
    "coastal-news.example",
]
SEED_LIKE_SITE = "capital-times.example"  # captures arrive wrapped in an error page
ERROR_HEADER = [
    "403",
    "Sorry!!",
    "Error! We're sorry, but the page you were looking for doesn't exist.",
]
DATELINES = ["WASHINGTON (Wire) —", "LONDON (Wire) —", "NEW YORK (Wire) —", "PARIS (Wire) —"]
EDITOR_LINES = [
    "Reporting by {a}; editing by {b}",
    "Additional reporting by {a}. Edited by {b}.",
    "This story has been shortened. Writing by {a}; editing by {b}",
    "({a} reported from the scene; {b} edited this version.)",
]
NAMES = ["Ana Ruiz", "Tom Okafor", "Mei Lin", "Jonas Berg", "Priya Nair", "Sam Cole"]
SWAPS = ["reportedly", "allegedly", "recently", "notably", "officially"]
START = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)


@dataclass
class Page:
    """One generated capture and what it should become."""

    url: str
    site: str
    html: str
    fetched_at: datetime
    cluster: str  # the original's key: pages with the same cluster are copies
    kind: str  # original | exact | near | recapture | amp | twice | trimmed | releded | edited
    # | followup
    body: list[str]  # the paragraphs a perfect pipeline would keep
    furniture: list[str] = field(default_factory=list)  # lines of site furniture on the page


def site_furniture(site: str) -> dict[str, list[str]]:
    """The furniture a site puts around every article."""
    name = site.split(".")[0].replace("-", " ").title()
    return {
        "nav": [f"{name}", "Home", "World", "Business", "Sport", "Opinion", "Subscribe"],
        "inline": [
            f"Sign up for the {name} newsletter: the day's top stories in your inbox each morning.",
            f"Photo: {name} staff photographer. All images are subject to copyright.",
            "Story continues below advertisement",
            f"Follow {name} on social media for the latest news, analysis and opinion.",
        ],
        "footer": [
            f"Legal Disclaimer: {name} provides this information “as is” without warranty of any "
            "kind. We do not accept any responsibility or liability for the accuracy, content, "
            "images, videos, licenses, completeness, legality, or reliability of the information.",
            "Comments",
            "No comment yet. Be the first to share your thoughts on this story.",
            f"© 2024 {name}. All rights reserved.",
        ],
    }


def _stamp(when: datetime) -> str:
    return f"Published {when:%Y-%m-%d %H:%M} — updated {when + timedelta(minutes=47):%H:%M}"


def render(
    site: str, title: str, paragraphs: list[str], when: datetime, amp: bool = False
) -> tuple[str, list[str]]:
    """A page of `site` holding the article; returns the HTML and its furniture lines."""
    furniture = site_furniture(site)
    stamp = _stamp(when)
    inline = furniture["inline"]
    body_html = []
    for index, text in enumerate(paragraphs):
        body_html.append(f"<p>{html.escape(text)}</p>")
        if index == 1:
            body_html.append(f'<p class="promo">{html.escape(inline[0])}</p>')
        if index == 3:
            body_html.append(f"<p><em>{html.escape(inline[2])}</em></p>")
    body_html.append(f"<p><strong>{html.escape(inline[3])}</strong></p>")
    lines = [stamp, *inline, *furniture["footer"]]
    head = ""
    if site == SEED_LIKE_SITE:
        head = "".join(f"<p>{html.escape(t)}</p>" for t in ERROR_HEADER)
        lines += ERROR_HEADER
    nav = (
        ""
        if amp
        else "<nav>"
        + " | ".join(f'<a href="/{n.lower()}">{html.escape(n)}</a>' for n in furniture["nav"])
        + "</nav>"
    )
    lines += [] if amp else furniture["nav"]
    footer = "".join(f"<p>{html.escape(t)}</p>" for t in furniture["footer"])
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {site}</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{when.isoformat()}">
</head><body><header>{nav}</header>
<main><article>{head}<h1>{html.escape(title)}</h1>
<p class="byline">{html.escape(stamp)}</p>
<figure><img src="/img/{len(title)}.jpg"><figcaption>{html.escape(inline[1])}</figcaption></figure>
{"".join(body_html)}
<div class="comments">{footer}</div>
</article></main>
<footer><p>{html.escape(furniture["footer"][-1])}</p></footer></body></html>"""
    return page, lines


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def _title(paragraphs: list[str]) -> str:
    """A headline from the opening words of the first long paragraph (never a whole one)."""
    long = [p for p in paragraphs if len(p.split()) >= 12] or paragraphs
    title = " ".join(long[0].split()[:8])
    if title == long[0]:  # a short paragraph, or a script written without spaces
        title = title[: max(len(title) // 2, 1)]
    return title.rstrip(".,;:") or "Untitled"


def _slug(text: str) -> str:
    return "-".join("".join(c for c in w.lower() if c.isalnum()) for w in text.split()[:6])


def _swap_words(paragraphs: list[str], count: int, rng: random.Random) -> None:
    """Change `count` words (never a paragraph's first) of paragraphs picked at random."""
    for _ in range(count):
        index = rng.randrange(len(paragraphs))
        words = paragraphs[index].split()
        if len(words) > 3:
            words[rng.randrange(1, len(words))] = rng.choice(SWAPS)
            paragraphs[index] = " ".join(words)


def _edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A syndicated copy's small edits: a dateline, two words changed, a long tail trimmed."""
    edited = list(paragraphs)
    edited[0] = f"{rng.choice(DATELINES)} {edited[0]}"
    _swap_words(edited, 2, rng)
    if len(edited) >= 10:
        edited = edited[:-1]
    return edited


def _new_text(paragraphs: list[str]) -> list[str]:
    """Text no other page has, with the words and paragraph lengths of real text: each
    paragraph's words in reverse order (so no shingle of it is on another page)."""
    return [" ".join(p.split()[::-1]) for p in paragraphs]


def _trim(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A wire story cut to its first half or two thirds, with a dateline and an editor's line."""
    share = rng.choice((1 / 2, 2 / 3))
    kept = paragraphs[: max(2, round(len(paragraphs) * share))]
    line = rng.choice(EDITOR_LINES).format(a=rng.choice(NAMES), b=rng.choice(NAMES))
    return [f"{rng.choice(DATELINES)} {kept[0]}", *kept[1:], line]


def _relede(paragraphs: list[str], donor: list[str], rng: random.Random) -> list[str]:
    """The story under a new lede: its first paragraph replaced by as many words of new text."""
    size = max(len(paragraphs[0].split()), 12)
    words = " ".join(_new_text(donor)).split()
    start = rng.randrange(max(len(words) - size, 1))
    lede = " ".join(words[start : start + size])
    return [f"{rng.choice(DATELINES)} {lede}", *paragraphs[1:]]


def _desk_edit(paragraphs: list[str], rng: random.Random) -> list[str]:
    """A dateline, one paragraph from the middle dropped and four words changed."""
    edited = list(paragraphs)
    if len(edited) >= 4:
        del edited[rng.randrange(1, len(edited) - 1)]
    edited[0] = f"{rng.choice(DATELINES)} {edited[0]}"
    _swap_words(edited, 4, rng)
    return edited


def build(bodies: dict[str, str], seed: int = 7) -> list[Page]:
    """The labelled pages for `bodies` (key -> ground-truth text), originals first."""
    rng = random.Random(seed)
    keys = sorted(bodies)
    originals: dict[str, Page] = {}
    pages: list[Page] = []

    def add(key: str, site: str, url: str, title: str, body: list[str], when: datetime,
            kind: str, amp: bool = False, shown: list[str] | None = None) -> None:  # fmt: skip
        page_html, lines = render(site, title, shown or body, when, amp)
        pages.append(Page(url, site, page_html, when, key, kind, body, lines))

    for number, key in enumerate(keys):
        paragraphs = _paragraphs(bodies[key])
        site = SITES[number % len(SITES)]
        title = _title(paragraphs)
        when = START + timedelta(hours=number)
        add(key, site, f"https://{site}/news/{_slug(title)}-{number}", title, paragraphs, when,
            "original")  # fmt: skip
        originals[key] = pages[-1]

    shuffled = list(keys)
    rng.shuffle(shuffled)
    # Shares of the originals that get each kind of copy (25, 45, 15, 15, 10 and 25 of 181).
    shares = {"exact": 25, "near": 45, "recapture": 15, "amp": 15, "twice": 10, "followup": 25}
    plan = [(kind, max(1, round(len(keys) * n / 181))) for kind, n in shares.items()]
    cursor = 0
    for kind, count in plan:
        for offset, key in enumerate(shuffled[cursor : cursor + count]):
            original = originals[key]
            paragraphs = original.body
            number = keys.index(key)
            title = _title(paragraphs)
            later = original.fetched_at + timedelta(days=1, hours=rng.randrange(24))
            home = original.site
            other = SITES[(SITES.index(home) + 1 + rng.randrange(len(SITES) - 1)) % len(SITES)]
            if kind == "exact":
                add(key, other, f"https://{other}/wire/{_slug(title)}", title, paragraphs, later,
                    kind)  # fmt: skip
            elif kind == "near":
                add(key, other, f"https://{other}/wire/{_slug(title)}-syn", title,
                    _edit(paragraphs, rng), later, kind)  # fmt: skip
            elif kind == "recapture":
                add(key, home, original.url, title, paragraphs, later, kind)
            elif kind == "amp":
                add(key, home, f"{original.url}/amp", title, paragraphs, later, kind, amp=True)
            elif kind == "twice":
                add(key, home, f"{original.url}?page=all", title, paragraphs, later, kind,
                    shown=paragraphs + paragraphs)  # fmt: skip
            else:
                donor = _paragraphs(bodies[shuffled[(cursor + offset + 97) % len(shuffled)]])
                rest = donor[len(donor) // 2 :] or donor
                followup = paragraphs[:2] + _new_text(rest[::-1])
                ftitle = f"Follow-up: {title}"
                add(f"followup-{key}", home, f"https://{home}/news/{_slug(ftitle)}-{number}-f",
                    ftitle, followup, later, kind)  # fmt: skip
        cursor += count

    # The desk's copies, from a generator of their own (the pages above stay as they were).
    desk = random.Random(seed + 1)
    ordered = list(keys)
    desk.shuffle(ordered)
    long_enough = [k for k in ordered if len(originals[k].body) >= 4]
    desk_shares = {"trimmed": 30, "releded": 25, "edited": 25, "followup": 20}
    cursor = 0
    for kind, share in desk_shares.items():
        count = max(1, round(len(keys) * share / 181))
        for offset in range(count):
            key = long_enough[(cursor + offset) % len(long_enough)]
            original = originals[key]
            paragraphs, number = original.body, keys.index(key)
            title = _title(paragraphs)
            later = original.fetched_at + timedelta(days=1, hours=desk.randrange(24))
            home = original.site
            other = SITES[(SITES.index(home) + 1 + desk.randrange(len(SITES) - 1)) % len(SITES)]
            donor_key = ordered[(cursor + offset + 53) % len(ordered)]
            donor = _paragraphs(bodies[donor_key]) if donor_key != key else ["No news today."]
            url = f"https://{other}/{kind}/{_slug(title)}-{number}"
            if kind == "trimmed":
                add(key, other, url, title, _trim(paragraphs, desk), later, kind)
            elif kind == "releded":
                add(key, other, url, title, _relede(paragraphs, donor, desk), later, kind)
            elif kind == "edited":
                add(key, other, url, title, _desk_edit(paragraphs, desk), later, kind)
            else:  # a follow-up: the opening one to three paragraphs, then two to six new ones
                reused = paragraphs[: desk.randint(1, 3)]
                new = _new_text(donor[: desk.randint(2, 6)])
                ftitle = f"Update: {title}"
                add(f"update-{key}", home, f"https://{home}/news/{_slug(ftitle)}-{number}-u",
                    ftitle, reused + new, later, kind)  # fmt: skip
        cursor += count
    return pages


def write_jsonl(pages: list[Page], path: Path) -> None:
    """Write the pages as a JSONL dump that `broadsheet run` reads."""
    with path.open("w") as out:
        for page in pages:
            record = {"url": page.url, "html": page.html, "fetched_at": page.fetched_at.isoformat()}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
