"""Page types: every kind of wall and teaser in HTML and as a text scrape, the model's types, and the settings."""

from __future__ import annotations

import dataclasses
import json

import pytest

from pipeline.cleaning import page_type
from pipeline.cleaning.clean import clean, read
from pipeline.cleaning.containers import Record
from pipeline.cleaning.rules import PAGE_CLASSES, RULE_CLASSES, page_signals, vet
from pipeline.config import PAGE_TYPES, RULES, Config, SettingsError
from pipeline.documents import Code, Document, Rejection

STORY = ("The city council voted on Tuesday to expand the tram network to the northern districts, a plan that "
         "has divided residents for more than a decade. Supporters said the line would cut commuting times in "
         "half, while opponents warned that construction would close dozens of shops along the route. The "
         "mayor, who campaigned on the project, said work could begin next spring if the regional government "
         "approves the funding. ")


def html_page(title: str, body: str, head: str = "") -> bytes:
    return f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>".encode()


def text_page(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def keep(config: Config, *types: str) -> Config:
    return dataclasses.replace(config, pages=dataclasses.replace(config.pages, keep=list(types)))


WALLS = {
    "404 served as 200": (
        html_page("Page not found - The Daily Courier",
                  "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><h1>Page not found</h1>"
                  "<p>Sorry, the page you are looking for does not exist or has been moved.</p>"
                  "<p>Try the search box or go back to the home page.</p>"),
        text_page("Home", "News", "Page not found",
                  "Sorry, the page you are looking for does not exist or has been moved.",
                  "Try the search box or go back to the home page."),
        "error"),
    "consent wall": (
        html_page("The Daily Courier",
                  "<div class='consent'><h2>Your privacy</h2><p>We use cookies and similar technologies to "
                  "personalise content and ads and to analyse our traffic. By clicking Accept all you agree to "
                  "this; you can change your choice at any time under Cookie settings.</p>"
                  "<button>Accept all</button><button>Manage cookie settings</button></div>"),
        text_page("Your privacy",
                  "We use cookies and similar technologies to personalise content and ads and to analyse our "
                  "traffic. By clicking Accept all you agree to this; you can change your choice at any time.",
                  "Accept all", "Manage cookie settings"),
        "wall"),
    "login wall": (
        html_page("Members area",
                  "<h1>Members area</h1><p>Please sign in to continue reading our members' stories and "
                  "newsletters.</p><form><input type='email'><input type='password'><button>Sign in</button>"
                  "</form><p>Forgot your password? We will send you a link to set a new one.</p>"),
        text_page("Members area", "Please sign in to continue reading our members' stories and newsletters.",
                  "Email", "Password", "Sign in", "Forgot your password? We will send you a link to set a new one."),
        "wall"),
    "JavaScript shell": (
        html_page("App", "<div id='root'></div><noscript>You need to enable JavaScript to run this app.</noscript>"
                  "<p>Please enable JavaScript in your browser settings to view this website and read our news.</p>"),
        text_page("Please enable JavaScript in your browser settings to view this website and read our news.",
                  "JavaScript is disabled in your browser."),
        "wall"),
}


@pytest.mark.parametrize("form", ["html", "text"])
@pytest.mark.parametrize("kind", list(WALLS))
def test_walls_and_error_pages_are_typed_and_rejected_with_their_type(config, kind, form):
    html, text, expected = WALLS[kind]
    path = "page.html" if form == "html" else "page.txt"
    found = clean(path, html if form == "html" else text, config)
    assert isinstance(found, Rejection), kind
    assert found.code == Code.PAGE_TYPE, (kind, found.reason)
    assert found.details["page_type"] == expected
    assert found.reason.startswith(f"{expected} page")


def teaser(form: str) -> bytes:
    opening = ("The regional bank cut its growth forecast on Monday, saying exports had fallen for a third "
               "quarter in a row and that it expected unemployment to rise before the end of the year. All...")
    if form == "html":
        return html_page("Bank cuts forecast", f"<article><h1>Bank cuts growth forecast</h1><p>{opening}</p>"
                         "<div class='paywall'><p>Subscribe to continue reading</p><p>Already a subscriber? "
                         "Log in</p></div></article>")
    return text_page("Bank cuts growth forecast", opening, "Subscribe to continue reading",
                     "Already a subscriber? Log in")


@pytest.mark.parametrize("form", ["html", "text"])
def test_a_paywalled_teaser_is_flagged_and_rejected_when_too_short(config, form):
    found = clean(f"page.{'html' if form == 'html' else 'txt'}", teaser(form), config)
    assert isinstance(found, Rejection)
    assert found.code == Code.TEASER, found.reason
    assert found.details["truncated"] is True
    assert "paywall" in found.reason


@pytest.mark.parametrize("form", ["html", "text"])
def test_a_long_teaser_is_kept_but_flagged_truncated(config, form):
    config = dataclasses.replace(config, pages=dataclasses.replace(config.pages, teaser_min_words=20))
    found = clean(f"page.{'html' if form == 'html' else 'txt'}", teaser(form), keep(config, "all"))
    assert isinstance(found, Document), found
    assert found.metadata["truncated"] is True


def test_a_whole_article_under_a_cookie_banner_and_a_subscribe_box_is_an_article(config):
    page = html_page("Tram line approved", "<div class='cookie-banner'><p>We use cookies to improve your "
                     "experience.</p><button>Accept all cookies</button></div><article><h1>Council approves tram "
                     f"line</h1><p>{STORY}</p><p>{STORY}</p><p>{STORY}</p></article><aside><p>Subscribe to "
                     "continue reading our best stories every morning.</p></aside>")
    found = clean("page.html", page, config)
    assert isinstance(found, Document), found
    assert found.metadata["page_type"] == "article"
    assert "truncated" not in found.metadata


PRODUCT = html_page(
    "Trailmaster 40 L Hiking Backpack | Outdoor Shop",
    "<h1>Trailmaster 40 L Hiking Backpack</h1><p class='price' itemprop='price'>$129.99</p><p>In stock</p>"
    "<p>SKU: TM-40-GRN</p><select><option>Green</option><option>Black</option></select><p>Quantity</p>"
    "<button>Add to cart</button><h2>Product details</h2><p>A light pack for long days on the trail, with a "
    "padded hip belt, a rain cover and room for a hydration bladder. Made from recycled nylon.</p>"
    "<h2>Specifications</h2><table><tr><td>Volume</td><td>40 L</td></tr><tr><td>Weight</td><td>1.2 kg</td>"
    "</tr></table><p>4.6 out of 5 stars</p><p>128 reviews</p><button>Write a review</button>"
    "<p>Free shipping on orders over $50.</p>",
    head='<script type="application/ld+json">{"@type": "Product", "name": "Trailmaster 40 L", "offers": '
         '{"@type": "Offer", "price": "129.99"}}</script><meta property="og:type" content="product">')


def test_a_product_page_is_a_product_and_is_rejected_by_default_with_its_signals(config):
    found = clean("shop/backpack.html", PRODUCT, config)
    assert isinstance(found, Rejection)
    assert found.code == Code.PAGE_TYPE
    assert found.details["page_type"] == "product"
    assert "declares Product" in found.reason


def test_keep_all_keeps_every_type_and_still_records_it(config):
    found = clean("shop/backpack.html", PRODUCT, keep(config, "all"))
    assert isinstance(found, Document)
    assert found.metadata["page_type"] == "product"
    assert 0 <= found.metadata["article_score"] < found.metadata["page_type_score"] <= 1


def test_a_news_article_is_an_article_in_html_and_as_text(config):
    dated = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves tram '
             'line", "datePublished": "2025-03-04"}</script>')
    page = html_page("Council approves tram line", f"<article><h1>Council approves tram line</h1><p>By Jane Roe"
                     f"</p><p>{STORY}</p><p>{STORY}</p></article>", head=dated)
    scrape = text_page("Home", "News", "Council approves tram line", "By Jane Roe", "4 March 2025", STORY, STORY,
                       "Share on Facebook")
    for path, data in (("news/tram.html", page), ("news/tram.txt", scrape)):
        found = clean(path, data, config)
        assert isinstance(found, Document), found
        assert found.metadata["page_type"] == "article", found.metadata["page_type_signals"]
        assert found.metadata["article_score"] > 0.5


def listing(count: int) -> bytes:
    cards = "".join(f"<article class='card'><h2><a href='/news/story-{n}'>Headline number {n} about the city"
                    f"</a></h2><time datetime='2025-03-{n % 28 + 1:02d}'>{n % 28 + 1} March 2025</time><p>A short "
                    f"summary of story {n}.</p><a href='/news/story-{n}'>Read more</a></article>"
                    for n in range(count))
    pages = "<nav class='pagination'><a>1</a> <a>2</a> <a>3</a> <a>4</a> <a>Next</a></nav>"
    return html_page("News - Page 2", f"<h1>Latest news</h1>{cards}{pages}",
                     head='<link rel="canonical" href="https://example.com/news/page/2/">')


def test_a_page_of_teaser_cards_is_not_an_article(config):
    found = clean("news/index.html", listing(24), keep(config, "all"))
    kind = found.metadata["page_type"] if isinstance(found, Document) else found.details["page_type"]
    assert kind in ("listing", "collection")


def test_the_model_reads_the_features_the_code_computes(config):
    model = json.loads(page_type.MODEL.read_text())
    seed = read(STORY.encode(), config, Record(None), "a.txt")
    names = sorted(page_type.features(seed.seen(None), config.rules)[0])
    for form in ("html", "text"):
        assert model[form]["features"] == names
        assert set(model[form]["classes"]) <= set(PAGE_TYPES)
        assert len(model[form]["coef"]) == len(model[form]["classes"])


def test_every_shipped_page_phrase_passes_the_vetting_and_names_a_known_class():
    signals = page_signals(str(RULES))
    assert {signal.cls for signal in signals.signals} == set(PAGE_CLASSES)
    assert set(RULE_CLASSES) <= set(PAGE_CLASSES)
    for signal in signals.signals:
        for pattern in (signal.anchored, signal.loose):
            assert pattern is None or vet(pattern) is None, signal.name


def test_a_user_page_phrase_in_upper_case_or_of_an_unknown_class_is_refused(tmp_path):
    for entry, problem in (("class = 'product'\npatterns = ['^Add To Cart$']", "lower case"),
                           ("class = 'recipe'\npatterns = ['^ingredients$']", "class must be")):
        rules = tmp_path / f"rules-{len(problem)}.toml"
        rules.write_text(f"[[page]]\nname = 'mine'\ndescription = 'x'\n{entry}\n")
        with pytest.raises(ValueError, match=problem):
            page_signals(str(rules))


def test_keep_refuses_a_type_it_does_not_know(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[pages]\nkeep = ["article", "recipes"]\n')
    with pytest.raises(SettingsError, match="unknown page types"):
        Config.load(settings)
