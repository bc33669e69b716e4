"""Rules and structural signals, each on small real-looking examples, positive and negative."""

from __future__ import annotations

import json
import re
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cleaning import rules as rules_module
from pipeline.cleaning import text
from pipeline.cleaning.boilerplate import Label, classify
from pipeline.cleaning.clean import clean_lines
from pipeline.cleaning.rules import load_rules, match_rule, vet
from pipeline.cleaning.text import reflow
from pipeline.config import RULES

DATA = Path(__file__).parents[1] / "data"
PROSE = [
    "The finance minister presented the budget to parliament on Tuesday, promising lower taxes for families.",
    "Opposition parties said the plan relied on optimistic growth forecasts and would widen the deficit.",
    "The vote is expected next month after committee hearings in both chambers of the legislature.",
    "Economists were divided on whether the spending cuts would be enough to reassure bond investors.",
]


def varied(lines: list[str], who: str) -> list[str]:
    """The same prose told apart line by line: a page repeating a line word for word has a copy to drop."""
    return [f"{line[:-1]}, {who} said." for line in lines]


def removed_by(lines: list[str], rules) -> dict[str, str]:
    labels = classify(lines, rules)
    return {line: label.rule for line, label in zip(lines, labels, strict=True) if label}


def test_every_rule_loads_with_its_name_class_action_and_patterns():
    raw = tomllib.loads(RULES.read_text())["rule"]
    rules = load_rules(str(RULES))
    assert len({rule.name for rule in rules}) == len(rules) == len(raw)
    for rule, entry in zip(rules, raw, strict=True):
        assert (rule.name, rule.cls, rule.action) == (entry["name"], entry["class"], entry["action"])
        assert rule.max_words == entry.get("max_words", rules_module.DEFAULT_MAX_WORDS)
        for pattern in entry["patterns"]:
            assert re.compile(pattern, re.IGNORECASE).pattern in rule.pattern.pattern


def test_a_broken_rule_is_reported_by_name(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nname = "bad"\ndescription = "d"\nclass = "x"\naction = "drop"\n'
                    'patterns = ["(unclosed"]\n')
    with pytest.raises(ValueError, match="bad"):
        load_rules(str(path))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("[Skip to Content]", "skip-to-content"),
        ("Zum Inhalt springen", "skip-to-content"),
        ("Перейти к содержанию", "skip-to-content"),
        ("Subscribe to our web page", "subscribe"),
        ("Abonnez-vous", "subscribe"),
        ("Sign in", "sign-in"),
        ("Giriş yap", "sign-in"),
        ("Read more", "read-more"),
        ("Читать далее", "read-more"),
        ("Related Articles", "related-section"),
        ("Noticias relacionadas", "related-section"),
        ("Ilgili haberler", "related-section"),
        ("Comments", "comments-section"),
        ("No comments yet...", "comments-section"),
        ("Share", "share"),
        ("Paylaş", "share"),
        ("© 2024 Example Media Group. All rights reserved.", "copyright"),
        ("Tous droits réservés", "copyright"),
        ("Privacy Policy", "legal-links"),
        ("We use cookies to improve your experience on our site.", "cookies"),
        ("44 minutes ago", "time-ago"),
        ("vor 3 Stunden", "time-ago"),
        ("By Jane Smith", "byline"),
        ("Hashtags", "tags-section"),
        ("The website accessibility instruction", "accessibility"),
        ("Check price at Amazon (on sale!)", "shop-buttons"),
        ("+ More Info", "shop-buttons"),
        ("Disclaimer: this post is not financial advice.", "disclaimer"),
        ("This material is not intended to replace the advice of your doctor or health care provider.",
         "disclaimer"),
        ("The views expressed on this blog are those of the author and not of the firm.", "disclaimer"),
        ("By signing up, you agree to receive recurring marketing emails.", "form-consent"),
        ("This field is for validation purposes and should be left unchanged.", "form-consent"),
        ("Credit: Chris McNamara", "photo-credit"),
        ("Photo by Jane Doe/Reuters", "photo-credit"),
        ("Share this page to Facebook", "share"),
        ("Print This Page", "share"),
        ("Bluesky", "share"),
        ("Read less", "read-more"),
        ("Read This Next", "related-section"),
        ("Recent Articles", "related-section"),
        ("More Videos", "related-section"),
        ("About the Author", "author-bio"),
        ("Über den Autor", "author-bio"),
        ("View all posts by Maureen Salamon", "byline"),
        ("See Full Bio", "byline"),
        ("Written by:", "byline"),
        ("7 min read", "byline"),
        ("Learn More", "call-to-action"),
        ("Book a demo", "call-to-action"),
        ("Get started for free", "call-to-action"),
        ("Table of Contents", "contents-list"),
        ("Inhaltsverzeichnis", "contents-list"),
        ("Oops! Something went wrong while submitting the form.", "form-consent"),
        ("We and our partners process data to provide:", "cookies"),
        ("$129 at Amazon", "shop-buttons"),
        ("Like this:", "share"),
        ("Loading...", "menu-words"),
        ("Back to blog", "menu-words"),
        ("Lesen Sie auch", "read-also"),
        ("Lee también", "read-also"),
        ("Читайте также", "read-also"),
        ("Leggi anche", "read-also"),
        ("Lesezeit: 4 Min.", "byline"),
        ("Artigos relacionados", "related-section"),
        ("Você pode gostar...", "related-section"),
        ("Ti potrebbe interessare", "related-section"),
        ("Gerelateerde berichten", "related-section"),
        ("Podobne artykuły", "related-section"),
        ("Vous aimerez peut-être aussi", "related-section"),
        ("Deixe uma resposta", "comments-section"),
        ("Lascia un commento", "comments-section"),
        ("Geef een reactie", "comments-section"),
        ("Schreibe einen Kommentar", "comments-section"),
        ("12 comentários", "comments-section"),
        ("Your email address will not be published. Required fields are marked *", "comment-form"),
        ("O seu endereço de e-mail não será publicado.", "comment-form"),
        ("Deine E-Mail-Adresse wird nicht veröffentlicht.", "comment-form"),
        ("Il tuo indirizzo email non sarà pubblicato.", "comment-form"),
        ("Twój adres e-mail nie zostanie opublikowany.", "comment-form"),
        ("Cancelar resposta", "comment-form"),
        ("Leia mais", "read-more"),
        ("Lees verder", "read-more"),
        ("Compartilhe", "share"),
        ("Condividi", "share"),
        ("Voltar", "menu-words"),
        ("Strona główna", "menu-words"),
        ("Todos os direitos reservados.", "copyright"),
        ("Tutti i diritti riservati", "copyright"),
        ("Alle rechten voorbehouden", "copyright"),
        ("Este site usa cookies para melhorar a sua experiência.", "cookies"),
        ("Iscriviti alla newsletter", "subscribe"),
        ("Teilen Twittern Drucken", "share"),
        ("Поделиться ВКонтакте Telegram", "share"),
        ("Copy link", "share"),
        ("Wir verwenden Cookies, um Ihnen ein optimales Webseiten-Erlebnis zu bieten.", "cookies"),
    ],
)
def test_rule_matches_chrome_line(rules, line, rule):
    matched = match_rule(line, rules)
    assert matched is not None and matched.name == rule


@pytest.mark.parametrize(
    "line",
    [
        "Readers who subscribe to the newsletter will notice a change in format starting next week.",
        "Related talks are planned for the autumn, officials said.",
        "The comments made by the minister caused an uproar in parliament on Tuesday evening.",
        "Long-standing tension",
        "Home prices rose for the third month in a row, according to the national statistics office.",
        "More information will follow when the court rules.",
        "Credit card debt rose again in the third quarter, the central bank said.",
        "The views of the committee were split, and no vote was taken on Monday.",
        "Check the price before you buy: rates changed twice this month.",
        "About the author of the report, little is known.",
        "Share this page with your friends if you found the recipe useful, the cook said.",
        "Recent articles in the journal questioned the method.",
        "Lesen Sie auch die Hinweise des Ministeriums zur neuen Regelung.",
        "Learn more about how the council spends its budget in the annual report.",
        "Contents of the letter were not made public until Friday.",
        "By the end of the year, 7 min read the average delay.",
        "Os comentários do ministro sobre os artigos relacionados à reforma causaram polêmica.",
        "Leia mais sobre o orçamento no relatório anual da prefeitura, publicado ontem.",
        "I commenti del sindaco sono arrivati dopo la riunione di lunedì sera.",
        "De reacties op het voorstel waren gemengd, zei de minister dinsdag.",
        "Podobne artykuły ukazały się wcześniej w prasie regionalnej, dodał rzecznik.",
        "Your email address will be used only to confirm the booking, the council said.",
    ],
)
def test_rule_leaves_prose_and_headings_alone(rules, line):
    assert match_rule(line, rules) is None


def test_an_author_biography_after_the_article_goes_with_its_heading(rules):
    bio = ["About the Author", "Jane Doe is a reporter who has covered the economy and public finance since 2009."]
    labels = classify([*PROSE, *bio], rules)
    assert all(label is None for label in labels[:4])
    assert [label.rule for label in labels[4:]] == ["author-bio", "author-bio"]


def test_a_table_of_contents_at_the_head_goes_and_the_article_stays(rules):
    toc = ["Table of Contents", "What the Budget Means for Families", "How the Vote Will Work"]
    headings = ["What the Budget Means for Families", "How the Vote Will Work"]
    lines = [*toc, headings[0], PROSE[0], PROSE[1], headings[1], PROSE[2], PROSE[3]]
    labels = classify(lines, rules)
    assert [label and label.rule for label in labels[:3]] == ["contents-list"] * 3
    assert all(label is None for label in labels[4:7]) and labels[8] is None


def test_cut_marker_removes_the_tail_after_the_body(rules):
    lines = [*PROSE, "Related Articles", "Another outlet's story about something else entirely happened today.",
             "It was a long paragraph of news prose that is not part of this article at all, sadly."]
    labels = classify(lines, rules)
    assert all(label is None for label in labels[:4])
    assert all(label and label.rule == "related-section" for label in labels[4:])


def test_a_related_box_in_the_middle_of_an_article_loses_its_links_but_not_the_article(rules):
    resumed = varied(PROSE, "aides")
    lines = [*PROSE, "Related Articles", "What the budget means for pensioners", "Five charts that explain the deficit",
             "Why the pension fund may need another bailout before the next election in the spring...", *resumed]
    labels = classify(lines, rules)
    assert [label and label.rule for label in labels[4:8]] == ["related-section"] * 4  # a cut-short teaser too
    assert all(label is None for label in labels[:4] + labels[8:])


def test_a_comment_thread_longer_than_the_article_is_cut_by_its_marker(rules):
    article = [line + " " + line for line in [*PROSE, *varied(PROSE, "aides")]]  # about 250 words of body
    comment = ("I have read the whole budget and I think the growth forecast is far too optimistic, whatever the "
               "minister says about it in parliament, and the bond markets will soon notice the gap as well.")
    names = ("Ann Lee", "Bo Chen", "Cy Dunn", "Di Ito", "Ed Fox")
    thread = [line for name in names for line in (name, "Rating:", "12 votes", comment, comment)]
    lines = [*article, "Top Rated Comments", *thread]
    labels = classify(lines, rules)
    assert all(label is None for label in labels[: len(article)])
    assert all(label is not None for label in labels[len(article):])
    count_at_top = [*article[:1], "6 comments", "Best overall:", "Stitch Fix", *article[1:]]
    assert all(label is None for label in classify(count_at_top, rules)[2:])  # too early to be the thread


def test_cut_marker_before_the_body_only_drops_the_line(rules):
    lines = ["Comments", *PROSE]
    labels = classify(lines, rules)
    assert labels[0] is not None and all(label is None for label in labels[1:])


def test_foreign_script_banner_with_phone_is_removed_with_its_neighbour(rules):
    lines = ["Внимание участникам акции!", "Горячая линия +7 495 123 45 67", "", *PROSE]
    removed = removed_by(lines, rules)
    assert removed == {lines[0]: "foreign-script-banner", lines[1]: "foreign-script-banner"}


def test_foreign_script_line_without_phone_inside_body_is_kept(rules):
    lines = [PROSE[0], PROSE[1], "Многие держали плакаты с надписью «свобода», сообщили организаторы.", PROSE[2]]
    assert removed_by(lines, rules) == {}


def test_phone_in_main_script_is_not_a_banner(rules):
    lines = [PROSE[0], "Readers can call the helpline on +44 20 7946 0958 for advice about the scheme.", PROSE[1]]
    assert removed_by(lines, rules) == {}


def test_breadcrumb_and_dateline(rules):
    lines = ["News / World / Europe", "March 3, 2024 10:15 AM", *PROSE]
    removed = removed_by(lines, rules)
    assert removed[lines[0]] == "breadcrumb"
    assert removed[lines[1]] == "dateline"


def test_headline_and_date_list_inside_body_is_a_list(rules):
    lines = [PROSE[0], PROSE[1], "Floods hit the north", "June 2025", "Storm season starts early", "July 2025",
             PROSE[2], PROSE[3]]
    removed = removed_by(lines, rules)
    assert set(removed) == set(lines[2:6])
    assert removed["Floods hit the north"] == removed["Storm season starts early"] == "headline-list"


def test_menu_run_before_the_body_is_outside_the_main_block(rules):
    menu = ["World", "Business", "Sport", "Culture", "Travel", "Video"]
    removed = removed_by([*menu, *PROSE, "Contact", "Careers", "Advertise"], rules)
    assert set(menu) <= set(removed)
    assert {"Contact", "Careers", "Advertise"} <= set(removed)
    assert not set(PROSE) & set(removed)


def test_a_list_of_clauses_stays_in_the_article_where_a_list_of_headlines_goes(rules):
    things = ["caterer", "florist", "photographer", "band", "venue", "officiant", "bus", "hotel", "bakery", "stylist",
              "printer", "planner"]
    items = [f"what to ask the {thing}, and {when} to ask it;" for when in ("when", "how") for thing in things]
    # 24 items: were they counted against the block as menu lines are, they would outweigh the prose around them
    lines = [PROSE[0], "Before the day, the couple should settle these questions:", *items, PROSE[1], PROSE[2]]
    headlines = ["Ten Things Every Couple Forgets On The Big Day", "Why Summer Weddings Cost More Than You Think",
                 "The Best Venues Near The River This Year", "How One Bride Planned Everything In Six Weeks"]
    removed = removed_by([*lines, "More stories", *headlines], rules)
    assert not set(lines) & set(removed)
    assert set(headlines) <= set(removed)


def test_an_article_in_two_sections_with_a_gallery_between_keeps_both(rules):
    second = [*varied(PROSE, "officials"), PROSE[0].replace("Tuesday", "Friday")]
    gallery = [f"Photo {n}" for n in range(1, 31)]  # counts against the block more than either section weighs
    lines = [*PROSE, PROSE[2].replace("month", "week"), *gallery, *second, "Contact", "Careers"]
    removed = removed_by(lines, rules)
    assert not set(PROSE) & set(removed) and not set(second) & set(removed)
    assert {"Contact", "Careers"} <= set(removed)
    footer = ["Copyright notice: the material on this site is provided as is, without warranty of any kind at all."]
    removed = removed_by([*PROSE, PROSE[2].replace("month", "week"), *gallery, *footer], rules)
    assert set(footer) <= set(removed)  # one paragraph past a long run of chrome is no section of the article


def test_link_words_inside_a_sentence_do_not_split_the_article(rules):
    # a scrape's text nodes: each link on a line of its own
    pieces = ["The minister said the cuts would help", "families", "on", "low", "incomes", "and", "small", "firms",
              "in", "rural areas over the next two years."]
    removed = removed_by([PROSE[0], *pieces, PROSE[1], PROSE[2], PROSE[3]], rules)
    assert not {PROSE[0], *pieces} & set(removed)


def test_a_line_the_page_repeats_word_for_word_is_kept_once(rules):
    quote = "“We will not raise taxes on working families this year,” the minister told reporters."
    table = ["Pos.\tTeam\tPoints", "1\tLeeds United\t60", "1\tLeeds United\t60"]
    lines = [PROSE[0], quote, "Read the statement", PROSE[1], *table, PROSE[2], quote, "Read the statement",
             PROSE[3]]
    labels = classify(lines, rules)
    assert labels[1] is None and labels[8] == Label("repeated-line", "duplicate")  # the first stays, the copy goes
    assert labels[2] is None and labels[9] is None  # short lines: a subheading or a label may recur
    assert labels[5] is None and labels[6] is None  # table rows are data


def test_a_scrape_that_shows_a_paragraph_twice_keeps_it_once_and_records_the_copy(config):
    teaser = "Residents were told to move their cars to higher ground before the night."
    result = clean_lines([teaser, *PROSE, teaser, *varied(PROSE, "aides")], config)
    assert result.text.count(teaser) == 1
    assert [(entry.rule, entry.cls, entry.text) for entry in result.removed] == [
        ("repeated-line", "duplicate", teaser)]


def test_a_page_keeps_the_lines_its_markup_repeats(rules):
    question = "What inspired you to start cooking for a living, and when?"
    lines = [PROSE[0], question, PROSE[1], question, PROSE[2]]
    labels = classify(lines, rules, linked=[0.0] * len(lines))  # a page's lines: an interview asks each guest
    assert all(label is None for label in labels)


def test_short_fragments_inside_the_body_are_kept(rules):
    lines = [PROSE[0], "The", "company shelved its plans", "for an initial public offering in September.", PROSE[1]]
    assert removed_by(lines, rules) == {}


def test_byline_fragment_next_to_a_dateline(rules):
    lines = ["Budget Passes After Long Night", PROSE[0], "May 2, 2024Daily Wire", "", "DailyWire", PROSE[1],
             PROSE[2]]
    removed = removed_by(lines, rules)
    assert removed.get("DailyWire") == "byline-fragment"
    assert removed.get("May 2, 2024Daily Wire") == "dateline"


@pytest.mark.parametrize("case", json.loads((DATA / "must_not_change.json").read_text()), ids=lambda c: c["name"])
def test_must_not_change(config, case):
    result = clean_lines(case["text"].split("\n"), config)
    assert result.text == case["text"]
    assert result.removed == []


def test_script_detection():
    assert text.dominant(text.line_scripts("საერთო ცხელი ხაზი +995")) == "GEORGIAN"
    assert text.dominant(text.line_scripts("Hello world")) == "LATIN"
    assert text.dominant(text.line_scripts("Привет мир")) == "CYRILLIC"


def test_prose_shape():
    assert text.is_prose(PROSE[0], 8)
    assert not text.is_prose("Long-standing tension", 8)
    assert text.is_prose("The mayor said it would take a long time to rebuild the bridge.", 8)


def test_comments_recurring_with_dates_are_a_story_list(rules):
    comments = []
    for name, hour in (("alice", 6), ("bob", 7), ("carol", 8), ("dave", 9)):
        comments += [name, "says:", f"November 19, 2019 at {hour}:34 am",
                     "I think the coach should have been fired a long time ago, honestly, it is embarrassing."]
    removed = removed_by([*PROSE, *comments], rules)
    assert not set(PROSE) & set(removed)
    assert set(comments) <= set(removed)


def test_dated_timeline_inside_an_article_is_kept(rules):
    timeline = []
    for month, months in (("March 3, 2021", "six"), ("June 9, 2021", "three"), ("May 2, 2022", "two")):
        timeline += [month, f"The committee met again and agreed to extend the inquiry by another {months} months."]
    lines = [*timeline, *PROSE, *varied(PROSE, "aides")]
    removed = removed_by(lines, rules)
    assert not {line for line in timeline if "committee" in line} & set(removed)


def test_inline_related_box_drops_its_headlines_but_not_the_rest(rules):
    lines = [*PROSE[:2], "Related:", "Storm Damage Closes Coastal Road", *PROSE[2:], *varied(PROSE, "aides")]
    removed = removed_by(lines, rules)
    assert removed == {"Related:": "related-section", "Storm Damage Closes Coastal Road": "related-section"}


def test_a_byline_with_its_timestamp_is_a_dateline_though_it_ends_like_a_sentence(rules):
    lines = ["By Jane Smith March 12, 2024 2:30 p.m.", *PROSE]
    assert removed_by(lines, rules) == {lines[0]: "dateline"}


def test_a_read_also_teaser_near_the_end_keeps_the_paragraphs_after_it(rules):
    # "Read also" points at one other story from inside the article: it never ends the article, even with
    # only two paragraphs after it (a "Related" heading there would be the page's tail)
    headline, after = "Neue Regeln für den Grenzverkehr treten im Mai in Kraft", varied(PROSE[:2], "aides")
    lines = [*PROSE, "Lesen Sie auch", headline, *after]
    assert removed_by(lines, rules) == {"Lesen Sie auch": "read-also", headline: "read-also"}
    tail = [*PROSE, "Related Articles", headline, *after]
    assert removed_by(tail, rules)[after[-1]] == "related-section"


def test_button_group_repeated_under_teasers(rules):
    lines = [*PROSE]
    for _ in range(3):
        lines += ["Facebook", "Pin", "Download"]
    removed = removed_by(lines, rules)
    assert removed.get("Pin") == "repeated-in-page"


RULE_WORDS = sorted({word for rule in load_rules(str(RULES))
                     for word in re.findall(r"[^\W\d_]{2,}", rule.pattern.pattern)})


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(RULE_WORDS), st.sampled_from(list(" .:|-ıİIſKΣςσßẞ©")),
                          st.text(max_size=4)), max_size=8), st.booleans())
def test_the_combined_prefilter_never_hides_a_match(parts, upper):
    """match_rule searches all fitting rules' patterns at once before trying them one by one: it must find
    exactly the rule a search of each rule in order finds."""
    rules = load_rules(str(RULES))
    line = "".join(parts)
    line = line.upper() if upper else line
    key = line.strip(rules_module.EDGE_PUNCT).casefold()
    count = text.words(key)
    fitting = [rule for rule in rules if count <= rule.max_words] if key else []
    assert match_rule(line, rules) == next((rule for rule in fitting if rule.pattern.search(key)), None)


def test_recount_holds_every_letter_whose_folding_changes_word_splits():
    """match_rule counts a line's words instead of its key's unless RECOUNT finds a character that could
    make them differ: check every code point."""
    word = re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        folded = ch.casefold()
        changes = bool(word.match(ch)) != all(word.match(c) for c in folded) or (
            not word.match(ch) and any(word.match(c) for c in folded))
        assert not changes or rules_module.RECOUNT.match(ch), hex(code)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab _-.,:'“”İ\u0345ß Σσ中文")), max_size=30))
def test_line_and_key_word_counts_agree_without_recount_characters(line):
    key = line.strip(rules_module.EDGE_PUNCT).casefold()
    if not rules_module.RECOUNT.search(line):
        assert text.words(key) == text.words(line)


def test_a_scrape_that_broke_paragraphs_into_text_nodes_is_reflowed():
    lines = ["Menu", "Home", "News", "We announced a public beta of", "Debusine", "repositories", "recently (",
             "Freexian", "blog", ").", "Related", "sport", "weather"]
    out, origin = reflow(lines)
    assert out == ["Menu", "Home", "News",
                   "We announced a public beta of Debusine repositories recently ( Freexian blog ).",
                   "Related", "sport", "weather"]  # a join that does not end like a sentence is undone
    assert origin == [0, 1, 2, 3, 10, 11, 12]
    assert reflow(["Comments", "No comments yet..."])[0] == ["Comments", "No comments yet..."]
    fielded = ["Subscribe to our newsletter", "date 2025-07-10 The council met on Monday."]
    assert reflow(fielded)[0] == fielded  # a date field opens a record: nothing above joins it


GERMAN = ("Der Entwurf regelt nach Angaben zweier Diplomaten den Verlauf einer Grenze, die nie förmlich festgelegt "
          "wurde, die Wiedereröffnung von Straßen und Bahnstrecken sowie die Rückkehr von Menschen, die während der "
          "Kämpfe vertrieben wurden. Kritiker in beiden Hauptstädten werfen den Regierungen vor, zu langsam "
          "vorzugehen, und die Opposition beklagt, das Parlament sei nicht ausreichend beteiligt worden.")


def test_hard_wrapped_text_is_joined_whatever_the_next_line_starts_with():
    # html2text and lynx -dump break lines at one width: German nouns start lines in capitals, and a
    # compound breaks after its hyphen (Bahn-strecken)
    paragraph = GERMAN.replace("Bahnstrecken", "Bahn-strecken")
    wrapped = textwrap.wrap(paragraph, 55)
    assert any(line.endswith("Bahn-") for line in wrapped) and sum(line[0].isupper() for line in wrapped) > 2
    lines = ["Startseite", "", *wrapped, "", *textwrap.wrap(PROSE[0] + " " + PROSE[1], 55)]
    out, origin = reflow(lines)
    assert out == ["Startseite", "", paragraph, "", PROSE[0] + " " + PROSE[1]]
    assert origin == [0, 1, 2, len(wrapped) + 2, len(wrapped) + 3]
    assert text.wrap_width(lines) == max(map(len, lines))
    scrape = ["Home", "News", GERMAN, "Related stories", *PROSE]  # a scrape's lines are no wrap
    assert text.wrap_width(scrape) is None and reflow(scrape)[0] == scrape


def test_removals_of_reflowed_text_name_the_input_line(config):
    lines = ["Subscribe to our newsletter", *PROSE[:2], "The ministry said the new rules would apply",
             "from next year", "to all regions.", *PROSE[2:]]
    result = clean_lines(list(lines), config)
    assert "The ministry said the new rules would apply from next year to all regions." in result.text.split("\n")
    assert [(r.line, r.rule) for r in result.removed] == [(0, "subscribe")]


def test_the_markup_main_content_takes_in_the_paragraphs_that_touch_it(rules):
    lines = ["Home", "News", PROSE[0], *PROSE[1:], *PROSE, "Read more", "Related story headline here"]
    main = [False, False, False, *[True] * (len(PROSE) * 2 - 1), False, False]
    labels = classify(lines, rules, 8, [0.0] * len(lines), main, [None] * len(lines))
    assert labels[2] is None  # the standfirst just before the article element stays
    assert labels[0] is not None and labels[-1] is not None


def test_a_rule_flag_that_is_not_true_or_false_is_refused(tmp_path, config):
    broken = tmp_path / "rules.toml"
    broken.write_text(Path(config.rules).read_text().replace("subheading = true", 'subheading = "yes"', 1))
    with pytest.raises(ValueError, match="subheading must be true or false"):
        load_rules(str(broken))


def test_a_byline_is_still_a_byline_and_a_sentence_is_not(rules):
    assert match_rule("By Jane Doe, Reuters.", rules).name == "byline"
    assert match_rule("Published 10 July 2025.", rules).name == "byline"
    assert match_rule("By 2030 the fleet will be electric.", rules) is None


def test_every_shipped_rule_passes_the_vetting_user_rules_get():
    for rule in load_rules(str(RULES)):
        assert vet(rule.pattern) is None, rule.name
