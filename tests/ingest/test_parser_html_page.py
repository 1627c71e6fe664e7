"""Saved HTML pages reduced to the text a reader sees."""

from __future__ import annotations

from ingest.parsers.html_page import html_to_text, read_page, sniff


def test_block_elements_become_lines_and_br_breaks_a_line() -> None:
    markup = "<div><h2>Heading</h2><p>First <b>bold</b> para</p><p>Line one<br>Line two</p></div>"

    assert html_to_text(markup) == "Heading\nFirst bold para\nLine one\nLine two"


def test_source_line_breaks_inside_a_paragraph_are_spaces() -> None:
    assert html_to_text("<p>To ask\n   His Majesty's\r\nGovernment</p>") == (
        "To ask His Majesty's Government"
    )


def test_entities_are_decoded() -> None:
    markup = (
        "<p>&pound;2 million for the Government&rsquo;s plan &amp; more&nbsp;now &#8212; ok</p>"
    )

    assert html_to_text(markup) == "£2 million for the Government\u2019s plan & more now \u2014 ok"


def test_scripts_styles_and_templates_are_dropped() -> None:
    markup = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<script>var s = 'Asked by: nobody';</script><noscript>Enable JavaScript</noscript>"
        "<template><p>Asked by: template</p></template><p>Kept</p></body></html>"
    )

    assert html_to_text(markup) == "Kept"


def test_site_navigation_header_footer_and_forms_are_dropped() -> None:
    markup = (
        "<body><header><a>Site name</a><nav><a>Home</a></nav></header>"
        "<form><label>Search</label><input></form><aside>Related</aside>"
        "<main><p>Kept</p></main><footer>&copy; 2024</footer></body>"
    )

    assert html_to_text(markup) == "Kept"


def test_an_articles_own_header_is_kept() -> None:
    markup = (
        "<body><article><header><h1>Human Trafficking</h1></header><p>Text</p></article></body>"
    )

    assert html_to_text(markup) == "Human Trafficking\nText"


def test_cookie_banners_share_links_and_spinners_are_dropped_by_class_or_id() -> None:
    markup = (
        '<div class="cookie-banner"><p>We use cookies.</p></div>'
        '<div id="gdpr-consent">Accept</div>'
        '<div class="share-links"><a>Tweet</a></div>'
        '<div class="loading-spinner">Reticulating Splines</div>'
        '<div class="shared-content"><p>Kept</p></div>'
    )

    assert html_to_text(markup) == "Kept"


def test_camel_case_ids_and_page_links_are_furniture_too() -> None:
    markup = (
        '<div id="cookieConsent"><div id="closeCookieConsent">x</div>'
        "This website is using cookies. <a>More info</a>.</div>"
        '<p class="sharedContent">Kept</p>'
        '<ul class="pagination"><li>\u00ab</li><li>1</li><li>2</li><li>\u00bb</li></ul>'
    )

    assert html_to_text(markup) == "Kept"


def test_hidden_and_screen_reader_only_elements_are_dropped() -> None:
    markup = (
        '<p hidden>a</p><p aria-hidden="true">b</p><p style="display: none">c</p>'
        '<h2 class="visually-hidden">Question</h2><span class="sr-only">d</span><p>Kept</p>'
    )

    assert html_to_text(markup) == "Kept"


def test_table_rows_are_lines_and_cells_are_spaced() -> None:
    markup = (
        "<table><tr><th>Force</th><th>Officers</th></tr><tr><td>Kent</td><td>412</td></tr></table>"
    )

    assert html_to_text(markup) == "Force Officers\nKent 412"


def test_read_page_returns_the_title_too() -> None:
    assert read_page("<html><head><title> Human  Trafficking </title></head><p>x</p></html>") == (
        "Human Trafficking",
        "x",
    )


def test_xhtml_with_an_xml_declaration_is_read() -> None:
    markup = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Kept</p></body></html>'
    )

    assert html_to_text(markup) == "Kept"


def test_deeply_nested_markup_keeps_its_text() -> None:
    # Deeper than libxml2's default limit (256) and than Python's recursion limit (1000).
    markup = "<div>" * 1500 + "<p>Kept</p>" + "</div>" * 1500

    assert "Kept" in html_to_text(markup)


def test_unclosed_list_items_nested_3000_deep_keep_every_item() -> None:
    # Unclosed list items nest each inside the last. Inserting break strings into the tree for
    # get_text took BeautifulSoup over 40 s on this; one walk of the tree takes well under 1 s.
    markup = "<ul><li>item" * 3000

    assert html_to_text(markup).count("item") == 3000


def test_nesting_past_libxml2s_tree_limit_keeps_what_follows_it() -> None:
    # libxml2 builds a tree no deeper than 2,048 elements and drops the rest of the page.
    markup = "<div><span>" * 1500 + "deep" + "</span></div>" * 1500 + "<p>After</p>"

    assert html_to_text(markup).split("\n")[-2:] == ["deep", "After"]


def test_markup_after_the_closing_html_tag_is_text_too() -> None:
    # Saved pages gain trailers after </html>; libxml2 puts them in a second root.
    markup = "<!-- saved --><html><body><p>Answer</p></body></html><p>Trailer</p><!-- end -->"

    assert read_page(markup) == ("", "Answer\nTrailer")
    deep = "<html><body>" + "<ul><li>item" * 3000 + "</body></html><p>Trailer</p>"
    assert html_to_text(deep).endswith("item\nTrailer")


def test_a_sidebar_is_a_member_card_by_its_shown_text_only() -> None:
    card = "<aside><p>Asked by</p><p>Jane Doe</p></aside>"
    scripted = "<aside><script>\nAsked by\n</script><template>\nAnswered by\n</template>Ad</aside>"

    assert html_to_text(f"<p>Question</p>{card}") == "Question\nAsked by\nJane Doe"
    assert html_to_text(f"<p>Question</p>{scripted}") == "Question"


def test_comments_doctype_and_processing_instructions_are_not_text() -> None:
    markup = "<!DOCTYPE html><?php echo 1 ?><p>Asked<!-- by: nobody --> by</p>"

    assert html_to_text(markup) == "Asked by"


def test_invisible_characters_are_not_visible_text() -> None:
    assert html_to_text("<p>Home\u200b Of\xadfice</p>") == "Home Office"


def test_lone_surrogate_from_json_is_replaced_not_fatal() -> None:
    assert html_to_text("<p>cost \ud800 £5</p>") == "cost ? £5"


def test_empty_markup_is_empty_text() -> None:
    assert html_to_text("") == ""
    assert read_page("   ") == ("", "")


def test_sniff_recognises_pages_and_fragments_but_not_xml_or_text() -> None:
    assert sniff("<!DOCTYPE html><html><body></body></html>")
    assert sniff("\n<p>Asked by: someone</p>")
    assert not sniff('<?xml version="1.0"?><publicwhip></publicwhip>')
    assert not sniff("Asked by: Baroness Doocey (Liberal Democrat - Life peer)")
