"""HTML extraction on fixtures that mimic common layouts, metadata, and hostile markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cleaning import language
from pipeline.cleaning.clean import clean
from pipeline.cleaning.containers import Record
from pipeline.cleaning.html_extract import HIDDEN, extract, looks_like_html
from pipeline.cleaning.rules import load_markup
from pipeline.cleaning.title_and_date import markup_title
from pipeline.config import RULES
from pipeline.documents import Document, Rejection
from tests.conftest import kept

MARKUP = load_markup(str(RULES))

PAGES = Path(__file__).parents[1] / "data" / "html"

LAYOUTS = {
    "semantic.html": (
        ["reopened to traffic on Tuesday morning", "A long wait for drivers", "Heavy lorries remain banned",
         "celebration at the bridge on Saturday"],
        ["Council approves new budget", "All rights reserved", "Sport", "The bridge at dawn", "By Anna Weber"],
    ),
    "wordpress.html": (
        ["best sourdough loaf", "same starter", "remarkable depth of flavour", "award ceremony"],
        ["Share this", "Congratulations, the best bread", "Farmers market", "Proudly powered", "Contact"],
    ),
    "related_long.html": (
        ["extend the harbour wall", "spawning grounds", "take about three years"],
        ["Airport runway", "resurface it", "Ferry operator", "stranded in the evenings"],
    ),
    "cookie_comments.html": (
        ["zwölf Kilometer neue Radwege", "vier Millionen Euro", "Wegfall von Parkplätzen"],
        ["Cookies", "Endlich!", "Lieferwagen", "Kommentare"],
    ),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_layout_keeps_the_article_and_drops_the_rest(config, name):
    must, must_not = LAYOUTS[name]
    document = kept(clean(name, (PAGES / name).read_bytes(), config))
    assert document is not None
    for text in must:
        assert text in document.text, text
    for text in must_not:
        assert text not in document.text, text
    assert document.metadata["format"] == "html"


def test_semantic_page_metadata(config):
    document = kept(clean("semantic.html", (PAGES / "semantic.html").read_bytes(), config))
    assert document.metadata["title"] == "Bridge reopens after two years of repairs"
    assert document.created == "2024-03-05"
    assert document.metadata["language"] == "en" and document.metadata["language_score"] >= language.CONFIDENT
    assert document.metadata["declared_language"] == "en-GB"
    assert document.metadata["host"] == "courier.example"
    assert document.metadata["url"] == "https://courier.example/news/bridge-reopens"
    assert not document.text.startswith("Bridge reopens")
    titles = [entry for entry in document.metadata["removed"] if entry["rule"] == "title"]
    assert len(titles) == 1 and titles[0]["class"] == "metadata"


def test_json_ld_headline_and_date(config):
    document = kept(clean("wordpress.html", (PAGES / "wordpress.html").read_bytes(), config))
    assert document.metadata["title"] == "Local bakery wins national prize"
    assert document.created == "2023-11-02"


def test_title_falls_back_to_title_tag_without_site_suffix():
    page = extract("<html><head><title>Storm closes schools – Daily Planet</title></head><body><p>x</p></body></html>",
                   MARKUP)
    assert markup_title(page) == ("Storm closes schools", "<title>")


def test_time_element_gives_the_date():
    page = extract('<html><body><article><time datetime="2021-09-30T12:00">Sept 30</time><p>Text.</p></article>'
                   "</body></html>", MARKUP)
    assert page.published == [("<time datetime>", "2021-09-30")]


def test_the_date_a_page_shows_wins_over_one_it_only_declares(config):
    body = "".join(f"<p>{'The river rose above its banks for the third time this year, officials said. ' * 3}</p>"
                   for _ in range(3))
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Flood", '
            '"datePublished": "2024-01-05", "dateModified": "2024-03-09"}</script>')
    shows = f"<html><head>{head}</head><body><article><h1>Flood</h1><p>March 9, 2024</p>{body}</article></body></html>"
    assert kept(clean("a.html", shows.encode(), config)).created == "2024-03-09"
    updated = shows.replace("<p>March 9, 2024</p>", "<p>Updated March 9, 2024</p>")
    assert kept(clean("b.html", updated.encode(), config)).created == "2024-01-05"  # an update is not the date
    silent = shows.replace("<p>March 9, 2024</p>", "")
    document = kept(clean("c.html", silent.encode(), config))
    assert (document.created, document.metadata["created_source"]) == ("2024-01-05", "JSON-LD datePublished")


def test_a_page_that_declares_no_date_gets_the_first_date_line_it_shows(config):
    body = f"<p>{'The council met on Monday and agreed to repair the bridge before winter comes. ' * 4}</p>"
    # Italian, a form htmldate's quick search does not read
    page = (f"<html><body><article><h1>Bridge repair agreed</h1>{body}</article><footer><a href='/'>Daily "
            "Courier</a><span>Pubblicato il 14 luglio 2023</span></footer></body></html>")
    document = kept(clean("p.html", page.encode(), config))
    assert (document.created, document.metadata["created_source"]) == ("2023-07-14", "the first date line of the page")
    header = page.replace("<article>", "<header><span>14 luglio 2023</span></header><article>")
    document = kept(clean("h.html", header.encode(), config))  # in the page's head, it stands above the article
    assert document.created == "2023-07-14" and document.metadata["created_source"].endswith("above the article")
    updated = page.replace("Pubblicato il", "Aggiornato il")  # an update, the only date the page shows
    document = kept(clean("q.html", updated.encode(), config))
    assert (document.created, document.metadata["created_source"]) == \
        ("2023-07-14", "the update date the page shows (it shows no other)")
    assert kept(clean("n.html", page.replace("14 luglio 2023", "").encode(), config)).created is None


def test_the_date_among_the_articles_first_lines_or_in_a_byline_above_it_dates_it(config):
    body = "".join(f"<p>{'The river rose above its banks for the third time this year, officials said. ' * 3}</p>"
                   for _ in range(3))
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-11-05"}</script>'
    page = (f"<html><head>{head}</head><body><main><h1>Flood</h1><p>Water reaches the old town as the rain goes "
            f"on</p><p>March 9, 2024</p>{body}</main></body></html>")
    document = kept(clean("a.html", page.encode(), config))  # the article's dek, kept, stands above it
    assert document.created == "2024-03-09" and document.metadata["created_source"].endswith("above the article")
    updated = page.replace("<p>March 9, 2024</p>", "<p>Updated</p><p>March 9, 2024</p>")  # an update's date
    assert kept(clean("b.html", updated.encode(), config)).created == "2025-11-05"
    pieces = (f"<html><body><header><nav><a href='/'>Home</a></nav><p>by Amanda · Dec 20, 2025 at 3:00 am · One "
              f"comment so far</p></header><main>{body}<p>Released: June 17, 2025</p>{body}</main></body></html>")
    document = kept(clean("c.html", pieces.encode(), config))  # a byline of pieces above; a book's date in it
    assert document.created == "2025-12-20" and document.metadata["created_source"].endswith("above the article")


def test_the_date_line_above_the_article_beats_a_declared_date_it_does_not_show_and_related_dates(config):
    body = "".join(f"<p>{'The river rose above its banks for the third time this year, officials said. ' * 3}</p>"
                   for _ in range(3))
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-11-05"}</script>'
    cards = "".join(f"<li><a href='/s{n}'>Another story about the town number {n}</a><p>December {n}, 2025</p></li>"
                    for n in range(1, 4))
    page = (f"<html><head>{head}</head><body><article><h1>Flood</h1><p>January 31, 2024</p>{body}</article>"
            f"<section><h2>More stories</h2><ul>{cards}</ul></section></body></html>")
    document = kept(clean("a.html", page.encode(), config))
    assert document.created == "2024-01-31" and document.metadata["created_source"].endswith("above the article")
    shown = page.replace("January 31, 2024", "November 5, 2025")  # the declared date, shown: it stands
    assert kept(clean("b.html", shown.encode(), config)).metadata["created_source"] == \
        "JSON-LD datePublished, shown on the page"
    undeclared = page.replace(head, "")  # the stories listed below the article do not date it
    assert kept(clean("c.html", undeclared.encode(), config)).created == "2024-01-31"


def test_a_date_in_the_url_or_a_dublin_core_meta_is_found(config):
    body = f"<p>{'The council met on Monday and agreed to repair the bridge before winter comes. ' * 4}</p>"
    url = ('<html><head><link rel="canonical" href="https://news.example/2023/07/14/bridge-repair/"></head>'
           f"<body><article>{body}</article></body></html>")
    document = kept(clean("u.html", url.encode(), config))
    assert (document.created, document.metadata["created_source"]) == ("2023-07-14", "the page's canonical URL")
    # a timestamp written in UTC falls on the next day; the permalink keeps the site's own date
    utc = url.replace("</head>", '<meta property="article:published_time" content="2023-07-15T02:10:00+00:00">'
                      "</head>").replace("<article>", "<article><p>July 15, 2023</p>")
    assert kept(clean("t.html", utc.encode(), config)).created == "2023-07-14"
    text = ("The council met on Monday and agreed to repair the bridge before winter comes. " * 4).encode()
    record = Record(1, text, "text", url="https://news.example/2023/07/14/bridge-repair/")  # a scrape's URL
    document = kept(clean("export.jsonl#1", text, config, record))
    assert (document.created, document.metadata["created_source"]) == ("2023-07-14", "the record's URL")
    stray = url.replace('href="https://news.example/2023/07/14/bridge-repair/"', 'href="Bridge repair agreed"')
    stray = stray.replace("</head>", '<meta property="og:url" content="https://news.example/2023/oct/14/bridge">'
                          "</head>")  # a canonical link that holds a title, not a URL: og:url stands
    document = kept(clean("s.html", stray.encode(), config))
    assert (document.created, document.metadata["url"]) == ("2023-10-14", "https://news.example/2023/oct/14/bridge")
    dc = f'<html><head><meta name="DC.date" content="2022-11-30"></head><body><article>{body}</article></body></html>'
    assert kept(clean("d.html", dc.encode(), config)).created == "2022-11-30"


def test_the_title_is_the_heading_the_declared_titles_agree_with():
    page = extract("<html><head><title>Bridge reopens after repairs | Daily Courier</title>"
                   '<meta property="og:title" content="Bridge reopens after repairs &amp;#8211; Courier"></head>'
                   "<body><h1>Daily Courier</h1><article><h1>Bridge reopens after repairs</h1></article></body></html>",
                   MARKUP)
    assert markup_title(page) == ("Bridge reopens after repairs", "<h1>")


def test_hidden_elements_are_taken_out_and_labelled_and_comments_skipped():
    page = extract('<html><body><article><p>Visible paragraph of the article text here.</p>'
                   '<p hidden>Hidden one</p><p style="display: none">Also hidden</p>'
                   '<div aria-hidden="true">Screen readers skip this</div><!-- a comment --></article></body></html>',
                   MARKUP)
    shown = [block for block, label in zip(page.blocks, page.labels, strict=True) if label is None]
    hidden = [block for block, label in zip(page.blocks, page.labels, strict=True) if label == HIDDEN]
    assert shown == ["Visible paragraph of the article text here."]
    assert hidden == ["Hidden one", "Also hidden", "Screen readers skip this"]
    assert not any("comment" in block for block in page.blocks)


def test_script_rendered_page_falls_back_to_json_ld_article_body():
    body = "First paragraph of the story, long enough to count.\\nSecond paragraph with more detail on it."
    page = extract('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                   f'"articleBody": "{body}"}}</script></head><body><div id="app"></div></body></html>', MARKUP)
    assert page.blocks == ["First paragraph of the story, long enough to count.",
                           "Second paragraph with more detail on it."]


def test_deeply_nested_markup_does_not_crash(config):
    depth = 10_000
    markup = "<html><body>" + "<div>" * depth + "<p>" + "Deep text in a very nested page, still an article. " * 5 \
        + "</p>" + "</div>" * depth + "</body></html>"
    outcome = clean("deep.html", markup.encode(), config)
    assert isinstance(outcome, Document | Rejection)


def test_multi_megabyte_page(config):
    paragraph = "<p>" + "The council met again to discuss the budget for the coming year in detail. " * 4 + "</p>"
    # every paragraph told apart by its number: a page repeating a paragraph word for word has a copy to drop
    markup = "<html><body><article>" + "".join(paragraph.replace("again", f"again ({n})") for n in range(8000)) \
        + "</article></body></html>"
    assert len(markup) > 2_000_000
    document = kept(clean("big.html", markup.encode(), config))
    assert document is not None and document.metadata["words"] > 100_000


def test_page_without_text_is_rejected_with_a_reason(config):
    outcome = clean("empty.html", b"<html><head><title>Nothing</title></head><body><img src=x></body></html>", config)
    assert isinstance(outcome, Rejection) and "too short" in outcome.reason


def test_unclosed_and_malformed_markup(config):
    markup = "<html><body><article><p>First paragraph of a page whose markup is broken but readable enough." \
             "<p>Second paragraph <b>never closes its bold <i>or italics and goes on for a while longer." \
             "<div><p>Third paragraph inside an unclosed div, the parser must still recover it."
    document = kept(clean("broken.html", markup.encode(), config))
    assert "Third paragraph" in document.text and "Second paragraph" in document.text


def test_non_latin_page(config):
    markup = ('<html lang="ka"><head><meta charset="utf-8"><title>სიახლე</title></head><body><article>'
              "<p>საქართველოს პარლამენტმა დღეს მიიღო კანონი, რომელიც ადგილობრივი თვითმმართველობის რეფორმას ეხება.</p>"
              "<p>კანონის მიხედვით, მუნიციპალიტეტებს მეტი უფლებამოსილება ექნებათ ბიუჯეტის განკარგვაში.</p>"
              "</article></body></html>")
    document = kept(clean("ka.html", markup.encode(), config))
    assert document.metadata["language"] == "ka" and "პარლამენტმა" in document.text


def test_sniffing():
    assert looks_like_html("<!DOCTYPE html><html>")
    assert looks_like_html("  <html lang='en'>")
    assert not looks_like_html("Plain text about <b> tags in prose.")


FURNISHED = """<!doctype html><html lang="en"><head><title>Harbour wall to be rebuilt | Coast News</title></head><body>
<header><div class="brand">Coast News</div><p>Your local paper since 1901</p></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article><h1>Harbour wall to be rebuilt</h1>
<p>The council voted on Tuesday to rebuild the harbour wall that storms breached twice last winter, at a cost
of four million pounds spread over three years.</p>
<p>Fishermen said the damaged wall had left their boats exposed, and several had moved their moorings to the
next town while they waited for a decision.</p>
<p>Work is expected to begin in the spring, once the engineers have finished surveying the foundations.</p>
</article>
<aside class="related-stories"><h2>Related</h2><ul><li><a href="/a">Storm damages pier</a></li>
<li><a href="/b">Ferry timetable changes for winter</a></li></ul></aside>
<section id="comments"><h2>3 comments</h2><div class="comment"><p>About time the council did something about
this, the wall has been crumbling for years and everyone knew it.</p></div></section>
</main>
<footer><p>© 2025 Coast News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_every_removed_html_block_is_recorded_with_its_rule_and_class(config):
    document = kept(clean("furnished.html", FURNISHED.encode(), config))
    removed = {entry["text"]: (entry["rule"], entry["class"]) for entry in document.metadata["removed"]}
    assert removed["Coast News"] == ("html-header", "header")
    assert removed["Your local paper since 1901"] == ("html-header", "header")
    assert removed["Home"] == removed["Sport"] == ("html-nav", "navigation")
    assert removed["Storm damages pier"] == ("hint-related", "related")
    assert removed["3 comments"] == ("hint-comments", "comments")
    assert removed["© 2025 Coast News. All rights reserved."] == ("html-footer", "footer")
    assert removed["Privacy"] == ("html-footer", "footer")
    assert document.text.startswith("The council voted on Tuesday to rebuild the harbour wall")
    assert document.text.endswith("surveying the foundations.")
    comment = next(text for text in removed if text.startswith("About time"))
    assert removed[comment] == ("hint-comments", "comments")
    # nothing of the page is lost without a record: every line is kept or removed
    page = extract(FURNISHED, MARKUP)
    recorded = [entry["text"] for entry in document.metadata["removed"]]
    assert sorted(page.blocks) == sorted([*document.text.split("\n"), *recorded])


def test_a_paragraph_wrapped_with_line_breaks_is_one_line():
    page = extract("<html><body><article><p>The mayor said the new bridge\nwould open in May,<br>after\n"
                   "two years of work.</p><p>Name<br>Street 1<br>Town</p><pre>a\n b</pre></article></body></html>",
                   MARKUP)
    assert page.blocks == ["The mayor said the new bridge would open in May, after two years of work.",
                           "Name", "Street 1", "Town", "a", "b"]


def test_an_element_page_builders_call_a_widget_is_kept_when_it_holds_prose(config):
    paragraph = ("The new library opens its doors on Saturday with a reading room, a children's corner and a "
                 "café run by volunteers from the neighbourhood association. ")
    markup = (f'<html><body><div class="site"><div class="elementor-widget"><p>{paragraph * 3}</p>'
              f'<p>{paragraph * 2}</p></div><div class="sidebar"><a href="/x">Archives</a></div>'
              "</div></body></html>")
    document = kept(clean("widget.html", markup.encode(), config))
    assert document.text.startswith("The new library opens its doors")
    assert {"text": "Archives", "rule": "hint-sidebar"}.items() <= next(
        entry for entry in document.metadata["removed"] if entry["text"] == "Archives").items()


def test_a_blog_post_hard_wrapped_in_its_source_is_an_article_not_a_rejection(config):
    sentence = ("When we moved the build farm to the new machines last spring we expected the usual teething\n"
                "problems, but the first week went by without a single failed job, which surprised everyone.")
    post = "".join(f"<p>{sentence}\n{sentence.replace('first week', f'week {n}')}</p>\n" for n in range(6))
    markup = f"<html><body><div class='post'>{post}</div><ul><li><a href='/'>Home</a></li></ul></body></html>"
    document = kept(clean("post.html", markup.encode(), config))
    assert len(document.text.split("\n")) == 6  # six paragraphs, not two dozen wrapped lines
    assert document.text.split("\n")[0] == f"{sentence} {sentence.replace('first week', 'week 0')}".replace("\n", " ")


PARAGRAPH = "<p>The harbour wall will be rebuilt next spring, the council said after a long debate on Tuesday.</p>"


def test_text_a_broken_page_puts_after_its_body_is_read():
    page = extract(f"<!DOCTYPE html><html><body><p>Menu</p></body></html><div>{PARAGRAPH * 2}</div>", MARKUP)
    assert sum("harbour wall" in block for block in page.blocks) == 2
    assert page.blocks[0] == "Menu"  # the doctype is markup, not text


def test_a_layout_table_does_not_hide_that_a_hinted_wrapper_holds_the_article():
    article = f'<div class="newsletter-email"><div class="post-body">{PARAGRAPH * 6}</div></div>'
    markup = (f"<html><body><table><tr><td><table><tr><td>{article}</td></tr></table></td></tr></table>"
              f"<div class='newsletter'><p>Sign up for our weekly letter, it is free.</p></div></body></html>")
    page = extract(markup, MARKUP)
    kept = [block for block, label in zip(page.blocks, page.labels, strict=True) if label is None]
    assert sum("harbour wall" in block for block in kept) == 6


def test_an_article_full_of_code_is_an_article_but_a_link_list_is_not(config):
    prose = "".join(f"<p>{'The query planner reads the statistics before it chooses an index for the join. ' * 2}"
                    f"Step {n}.</p>" for n in range(8))
    code = "\n".join(f"SELECT id, name FROM users WHERE id = {n} ORDER BY name" for n in range(120))
    code = f"<pre>{code}</pre>"
    document = kept(clean("code.html", f"<html><body><article>{prose}{code}</article></body></html>".encode(),
                          config))
    assert "SELECT id, name FROM users WHERE id = 7 ORDER BY name" in document.text
    links = "".join(f"<li><a href='/{n}'>Story number {n} of the day in the city news</a></li>" for n in range(60))
    listing = clean("list.html", f"<html><body><ul>{links}</ul></body></html>".encode(), config)
    assert isinstance(listing, Rejection)


def test_a_hidden_tab_that_holds_prose_is_kept_but_a_hidden_menu_is_not():
    tab = f'<div class="tab-panel" style="display:none">{PARAGRAPH * 5}</div>'
    answer = f'<div class="accordion-answer" hidden>{PARAGRAPH * 2}</div>'  # two sentences: still the article's
    menu = '<ul hidden><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul>'
    page = extract(f"<html><body><article>{PARAGRAPH}{tab}{answer}</article>{menu}</body></html>", MARKUP)
    kept = [block for block, label in zip(page.blocks, page.labels, strict=True) if label is None]
    assert sum("harbour wall" in block for block in kept) == 8
    assert [block for block, label in zip(page.blocks, page.labels, strict=True) if label == HIDDEN] == \
        ["Home", "News"]


def test_a_figure_wrapping_a_table_or_a_quotation_is_content_but_a_photo_caption_is_not(config):
    sentence = "The water company will raise its tariffs from April, the regulator confirmed on Monday afternoon."
    prose = "".join(f"<p>{sentence} Paragraph {n} of the report goes on with the details.</p>" for n in range(4))
    markup = (f"<html><body><article><h1>Water rates</h1>{prose}"
              "<figure class='wp-block-table'><table><tr><td>Tariff band one</td><td>12 pence a litre</td></tr>"
              "</table></figure><figure class='wp-block-pullquote'><blockquote><p>Nobody should choose between "
              "water and food this winter.</p></blockquote></figure>"
              "<figure><img src='dam.jpg'><figcaption>The dam at dusk, photographed last week</figcaption></figure>"
              f"{prose}</article></body></html>")
    document = kept(clean("rates.html", markup.encode(), config))
    assert "12 pence a litre" in document.text and "Nobody should choose between water and food" in document.text
    assert "The dam at dusk" not in document.text
    assert any(r["rule"] == "html-figure" and "dam at dusk" in r["text"] for r in document.metadata["removed"])


def test_the_articles_intro_above_its_main_element_is_kept_but_teasers_below_are_not(config):
    intro = ("<div class='intro'><p>Every spring the city council reviews its flood defences, and this year the "
             "engineers brought bad news about the harbour wall and the river banks.</p><p>The report, published "
             "on Monday, lists eleven places where the defences no longer meet the standard set in 2010.</p></div>")
    body = "".join(f"<p>{PARAGRAPH[3:-4]} The work on section {n} will take a month, the engineers said.</p>"
                   for n in range(5))
    teaser = ("<div class='more'><h3>In other news</h3><p>Elsewhere, the ferry company says its summer timetable "
              "will start a week early this year because of demand.</p><p>Tickets for the new route to the islands "
              "go on sale on Friday, the company said in a statement.</p></div>")
    markup = f"<html><body>{intro}<h2>What the report says</h2><article>{body}</article>{teaser}</body></html>"
    document = kept(clean("walls.html", markup.encode(), config))
    assert document.text.startswith("Every spring the city council reviews its flood defences")
    assert "eleven places" in document.text and "ferry" not in document.text


def test_a_category_menu_the_main_element_also_wraps_is_a_link_list(config):
    menu = "".join(f"<li><a href='/c/{n}'>{name}</a></li>" for n, name in enumerate(
        ("Politics", "Economy", "Health", "Culture", "Sport", "Weather", "Science", "Travel", "Food", "Cars",
         "Jobs", "Opinion")))
    sources = "".join(f"<li><a href='/s/{n}'>The council's report on the harbour wall, part {n}</a></li>"
                      for n in range(4))
    markup = (f"<html><body><div class='content'><h3>Categories</h3><ul>{menu}</ul><h1>Harbour wall</h1>"
              f"{PARAGRAPH * 6}<p>The documents behind this story:</p><ul>{sources}</ul></div></body></html>")
    document = kept(clean("cats.html", markup.encode(), config))
    assert "Economy" not in document.text and "Opinion" not in document.text
    assert "part 3" in document.text  # the article's own list of links stays


def test_a_table_row_is_one_line_with_its_cells_apart():
    page = extract("<html><body><table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>"
                   "<tr><td>1</td><td><a href='/busch'>Kyle  Busch</a></td><td>5040</td></tr>"
                   "<tr><td>2</td><td></td><td>5035</td></tr></table></body></html>", MARKUP)
    assert page.blocks == ["Pos.\tDriver\tPoints", "1\tKyle Busch\t5040", "2\t5035"]


def test_a_data_table_its_prose_introduces_is_an_article_but_a_bare_table_is_not(config):
    rows = "".join(f"<tr><td>{n}</td><td>Driver number {n}</td><td>{5000 - n * 37}</td><td>{n % 4}</td></tr>"
                   for n in range(1, 41))
    intro = ("<p>This page always has the championship standings after the latest race of the season.</p>"
             "<p>The final standings after all thirty-six rounds of the series are in the table below.</p>")
    document = kept(clean("standings.html", f"<html><body><article>{intro}<table>{rows}</table></article>"
                          "</body></html>".encode(), config))
    assert "17\tDriver number 17\t4371\t1" in document.text.split("\n")
    bare = clean("bare.html", f"<html><body><table>{rows}</table></body></html>".encode(), config)
    assert isinstance(bare, Rejection) and "not an article" in bare.reason


def test_a_table_of_dated_rows_is_data_not_a_list_of_stories(config):
    body = f"<p>{'Home prices rose again this year in most of the cities the survey covers, it found. ' * 3}</p>"
    rows = "".join(f"<tr><td>{month}/1/2024</td><td>+{month}.1%</td></tr>" for month in range(1, 13))
    page = f"<html><body><article><h1>Home prices</h1>{body}<table>{rows}</table>{body}</article></body></html>"
    document = kept(clean("t.html", page.encode(), config))
    assert "1/1/2024\t+1.1%" in document.text.split("\n") and "12/1/2024\t+12.1%" in document.text

