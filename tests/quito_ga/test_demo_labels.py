"""A crawl of the public site in both languages: wherever demonstration data shows, the demo label is next to it.

Demonstration objects are found generically, by their `is_demo` flag, so the crawl keeps up with new models.
"Next to it" means: the nearest enclosing element that carries a `badge--demo` is the element (or the list
item, table row or card) that holds the demo text or link, not a sibling item of a list; a page whose main
heading carries the badge is about a demo object, and everything on it is covered by that label.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from quito_ga.sitemaps import StaticPagesSitemap
from tests.proposals.factories import ProposalFactory

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
IGNORED = {"head", "script", "style", "template"}
# Siblings inside these belong to other items: a badge in a neighbouring row does not label this one.
ITEMS = {"li", "tr", "article", "section", "aside", "dd", "details", "figure"}
HEADING_LINES = {"h1", "p", "span", "strong"}
TEXT_FIELDS = ("code", "title", "title_en", "short_title", "short_title_en", "name", "name_en", "acronym")
MIN_MARKER = 6
NOINDEX = '<meta name="robots" content="noindex">'


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def is_badge(self):
        return "badge--demo" in (self.attrs.get("class") or "").split()

    def has_badge(self, skip=None):
        return any(
            isinstance(child, Node) and child is not skip and (child.is_badge() or child.has_badge())
            for child in self.children
        )

    def text(self):
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def ancestors(self):
        node = self
        while node.parent is not None:
            yield node.parent
            node = node.parent


class Tree(HTMLParser):
    """A forgiving DOM: enough structure to tell which element a text or link sits in."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.stack = [self.root]
        self.texts, self.links = [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        if tag == "a" and node.attrs.get("href"):
            self.links.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs), self.stack[-1]))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        parent = self.stack[-1]
        parent.children.append(data)
        text = " ".join(data.split())
        if text and not any(node.tag in IGNORED for node in [parent, *parent.ancestors()]):
            self.texts.append((parent, text))

    def heading_is_labelled(self):
        """Whether the page's main heading carries the demo label: the page is about a demo object."""
        h1 = next((node for node in self.walk(self.root) if node.tag == "h1"), None)
        if h1 is None:
            return False
        siblings = [child for child in h1.parent.children if isinstance(child, Node)]
        position = siblings.index(h1)
        nearby = siblings[max(position - 2, 0) : position + 3]  # the heading and the lines around it
        return any(node.is_badge() or node.has_badge() for node in nearby if node.tag in HEADING_LINES)

    def walk(self, node):
        for child in node.children:
            if isinstance(child, Node):
                yield child
                yield from self.walk(child)


def is_labelled(node):
    """Whether a badge labels the element: in it, or in an enclosing element other than a sibling item."""
    if node.tag == "option" or any(ancestor.tag == "option" for ancestor in node.ancestors()):
        option = node if node.tag == "option" else next(a for a in node.ancestors() if a.tag == "option")
        return "demo" in option.text().lower()  # an option can only say it in words
    if node.is_badge() or node.has_badge():
        return True
    came_from = node
    for ancestor in node.ancestors():
        if ancestor.tag in {"main", "body", "#document"}:
            return False
        if came_from.tag not in ITEMS and ancestor.has_badge(skip=came_from):
            return True
        came_from = ancestor
    return False


def strings_of(obj):
    values = [getattr(obj, name, None) for name in TEXT_FIELDS]
    return {" ".join(value.split()) for value in values if isinstance(value, str) and len(value) >= MIN_MARKER}


def flagged_models():
    return [model for model in apps.get_models() if any(field.name == "is_demo" for field in model._meta.fields)]


def demo_world():
    """The texts that name demo objects (and no real one) and the detail pages of demo objects, by language."""
    markers, real = set(), set()
    pages = {"es": set(), "en": set()}
    for model in flagged_models():
        for obj in model.objects.all().iterator():
            if not obj.is_demo:
                real |= strings_of(obj)
                continue
            markers |= strings_of(obj)
            for language in pages:
                with translation.override(language):
                    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
                if url.startswith("/") and not {"#", "?"} & set(url):
                    pages[language].add(url)
    ambiguous = {marker for marker in markers if any(marker in text or text in marker for text in real)}
    return markers - ambiguous, pages


def sitemap_paths(client, language):
    index = client.get("/sitemap.xml").content.decode()
    paths = set()
    for section in re.findall(r"<loc>([^<]+)</loc>", index):
        content = client.get(urlsplit(section).path).content.decode()
        paths |= {urlsplit(url).path for url in re.findall(r'(?:<loc>|href=")(http[^<"]+)', content)}
    return {path for path in paths if path.startswith("/en/") == (language == "en")}


def list_paths(language):
    with translation.override(language):
        static = {reverse(name) for name in StaticPagesSitemap.pages}
        return static | {
            f"{reverse('commitments:commitment-list')}?page=2",
            f"{reverse('proposals:proposal-list')}?page=2",
        }


def unlabelled(html, markers, demo_paths):
    """Where the page shows a demo object's name or links to its page without the label."""
    tree = Tree(html)
    if tree.heading_is_labelled():
        return []
    found = []
    present = [marker for marker in markers if marker in html or marker in tree.root.text()]
    for parent, text in tree.texts:
        for marker in present:
            if marker in text and not is_labelled(parent):
                found.append(f"text “{marker}” in <{parent.tag}>: {text[:100]}")
    for link in tree.links:
        path = urlsplit(link.attrs["href"]).path
        if path in demo_paths and not is_labelled(link):
            found.append(f"link to {path}: {' '.join(link.text().split())[:100]}")
    return found


@pytest.fixture
def demo_portal():
    call_command("load_quito_plan")
    call_command("seed_demo", scale=1)


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_public_page_labels_the_demo_data_it_shows_and_demo_pages_are_not_indexed(client, demo_portal, language):
    markers, pages = demo_world()
    assert markers and pages[language], "the seeded world has demonstration objects with pages"
    demo_paths = pages["es"] | pages["en"]
    indexed = sitemap_paths(client, language)
    assert indexed and not indexed & demo_paths
    problems, crawled = {}, 0
    for path in sorted(list_paths(language) | indexed | pages[language]):
        response = client.get(path)
        if path in pages[language] or path in indexed:
            assert response.status_code == 200, path
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        crawled += 1
        html = response.content.decode()
        if path in pages[language]:
            assert NOINDEX in html, f"a demo page without noindex: {path}"
        if path in indexed:
            assert NOINDEX not in html, f"a page in the sitemap asks not to be indexed: {path}"
        found = unlabelled(html, markers, demo_paths)
        if found:
            problems[path] = found[:5]
    assert crawled > len(pages[language])
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_a_hidden_demo_proposal_still_says_it_is_demo(client):
    proposal = ProposalFactory(is_demo=True, is_hidden=True, hidden_reason="Contenido ofensivo.")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Contenido ofensivo." in html
    assert NOINDEX in html
    assert unlabelled(html, {proposal.code}, {proposal.get_absolute_url()}) == []


@pytest.mark.django_db(False)
def test_the_checker_tells_a_labelled_item_from_its_unlabelled_neighbour():
    html = """<html><head><title>Plan ficticio Uno</title></head><body><main><h1>Portal</h1><ul>
      <li><h3><a href="/planes/uno/">Plan ficticio Uno</a></h3><p><span class="badge badge--demo">demo</span></p></li>
      <li><h3><a href="/planes/dos/">Plan ficticio Dos</a></h3></li>
      </ul><select><option>Plan ficticio Uno (demo)</option><option>Plan ficticio Dos</option></select>
      </main></body></html>"""
    found = unlabelled(html, {"Plan ficticio Uno", "Plan ficticio Dos"}, {"/planes/uno/", "/planes/dos/"})
    assert found == [
        "text “Plan ficticio Dos” in <a>: Plan ficticio Dos",
        "text “Plan ficticio Dos” in <option>: Plan ficticio Dos",
        "link to /planes/dos/: Plan ficticio Dos",
    ]
    on_a_demo_page = html.replace("<h1>Portal</h1>", '<h1>Plan ficticio Dos</h1><p class="badge badge--demo">demo</p>')
    assert unlabelled(on_a_demo_page, {"Plan ficticio Dos"}, {"/planes/dos/"}) == []
