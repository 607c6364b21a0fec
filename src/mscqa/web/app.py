"""The web app: a thin Gradio shell over the Engine, one function per tab (Ask, Check a
statement, Articles; the Index tab in index_tab.py) and the wiring between them."""

import html
from dataclasses import dataclass
from typing import Any

from mscqa.answers.quotes import Quote
from mscqa.engine import Engine
from mscqa.web.chat import ChatService, answer_text, session_of
from mscqa.web.index_tab import index_tab
from mscqa.web.markup import (
    article_html,
    articles_table_html,
    citations_text,
    literal_markdown,
    verdict_html,
)
from mscqa.web.replies import article_summaries
from mscqa.web.staff_pages import UPLOAD_TYPES, check_pasted_or_uploaded, draft_result_html
from mscqa.web.style import SCROLL_TO_MARK

TITLE = "Stem cell research: answers quoted from our articles"
NOTICE = (
    "Every answer is a word-for-word quote from a summary of a research article, with its source. "
    "It is not medical advice: talk to your doctor about your own care. "
    "In an emergency, call your local emergency number."
)
EXAMPLE_QUESTIONS = (
    "How were the stem cells given to people with hip osteoarthritis?",
    "How do mesenchymal stem cells calm an overactive immune system?",
    "What did the review of multiple sclerosis studies find?",
    "Why is chronic pain so hard to treat?",
    "What symptoms does ALS cause?",
)
EXAMPLE_STATEMENTS = (
    "Edaravone may slow down how fast ALS gets worse.",
    "Chronic pain is pain that lasts for more than 20 weeks.",
)


# The page


@dataclass(frozen=True)
class AskTab:
    chatbot: Any
    question: Any
    source_buttons: list[Any]  # "Show in article" under an answer, one per quote
    turns: Any  # per chat message: what a like/dislike refers to
    sources: Any  # the quotes of the latest answer
    pending: Any  # the question being answered


@dataclass(frozen=True)
class ArticlesTab:
    tab: Any
    picker: Any
    view: Any


def build_app(engine: Engine) -> Any:
    import gradio as gr

    service = ChatService(engine)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}")
        gr.Markdown(NOTICE, elem_classes=["notice"], elem_id="notice")
        # "wrap": on a phone the tabs that do not fit go to a second row, not into a menu.
        with gr.Tabs(elem_id="tabs", overflow_behavior="wrap") as tabs:
            with gr.Tab("Ask", id="ask", elem_id="tab-ask"):
                ask = ask_tab(service)
            with gr.Tab("Check a statement", id="check", elem_id="tab-check"):
                check_tab(service)
            with gr.Tab("Articles", id="articles", elem_id="tab-articles") as tab:
                articles = articles_tab(engine, tab)
            with gr.Tab("Index", id="index", elem_id="tab-index") as tab:
                index = index_tab(service, tab)
        open_sources(engine, ask, articles, tabs)
        demo.load(index.refresh, outputs=index.status, api_visibility="private")
        http_api(service)
    return demo


def article_choices(engine: Engine) -> list[tuple[str, str]]:
    return [(s.title, s.id) for s in article_summaries(engine.index)]


def source_buttons_for(quotes: tuple[Quote, ...], slots: int) -> list[Any]:
    import gradio as gr

    updates = []
    for slot in range(slots):
        if slot < len(quotes):
            label = f"Show in article: {quotes[slot].title}"
            updates.append(gr.Button(value=label, visible=True))
        else:
            updates.append(gr.Button(visible=False))
    return updates


def ask_tab(service: ChatService) -> AskTab:
    """The chat, its example questions, and a "Show in article" button per quote."""
    import gradio as gr

    chatbot = gr.Chatbot(
        elem_id="chatbot",
        height=640,
        latex_delimiters=[],
        buttons=["copy"],
        feedback_options=("Like", "Dislike"),
        placeholder="Ask about the clinic's stem cell research articles.",
        examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
        show_label=False,
    )
    question = gr.Textbox(
        elem_id="question",
        label="Your question",  # read out by screen readers; hidden on screen
        placeholder="Type your question and press Enter",
        show_label=False,
        submit_btn="Ask",
        max_lines=4,
        autofocus=True,
    )
    with gr.Row():
        source_buttons = [
            gr.Button(visible=False, size="sm", elem_id=f"show-source-{slot}")
            for slot in range(service.settings.top_k)
        ]
    tab = AskTab(chatbot, question, source_buttons, gr.State([]), gr.State([]), gr.State(None))
    answer_questions(service, tab)
    keep_feedback(service, tab)
    return tab


def answer_questions(service: ChatService, tab: AskTab) -> None:
    """A question is shown at once (step 1), then answered (step 2), so the page never looks
    stuck; a typed question and a clicked example go the same way."""
    import gradio as gr

    slots = service.settings.top_k

    def show_question(
        message: str, history: list[dict[str, Any]], turns: list[Any]
    ) -> tuple[Any, ...]:
        if not (message or "").strip():
            return gr.skip(), gr.skip(), gr.skip(), None
        # `turns` follows the chat message by message; a session forgotten while idle comes
        # back with none (web/sessions.py), so older messages get no feedback target.
        turns = [*turns[: len(history)], *[None] * (len(history) - len(turns)), None]
        history = [*history, {"role": "user", "content": literal_markdown(message)}]
        return "", history, turns, message

    def show_example(
        history: list[dict[str, Any]], turns: list[Any], evt: gr.SelectData
    ) -> tuple[Any, ...]:
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return show_question(str(value.get("text", "")), history, turns)

    def answer_question(
        message: str | None,
        history: list[dict[str, Any]],
        turns: list[Any],
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        if message is None:
            return tuple(gr.skip() for _ in range(3 + slots))
        reply = service.converse(message, session_of(request))
        history, turns = [*history], [*turns]
        record = {
            "answer": answer_text(reply.answer),
            "article_ids": [q.article_id for q in reply.quotes],
            "question": message,
        }
        for text in reply.messages:
            history.append({"role": "assistant", "content": text})
            turns.append(record)
        return (history, turns, list(reply.quotes), *source_buttons_for(reply.quotes, slots))

    shown = [tab.question, tab.chatbot, tab.turns, tab.pending]
    answered = [tab.chatbot, tab.turns, tab.sources, *tab.source_buttons]
    for shown_event in (
        tab.question.submit(
            show_question,
            inputs=[tab.question, tab.chatbot, tab.turns],
            outputs=shown,
            queue=False,
            api_visibility="private",
        ),
        tab.chatbot.example_select(
            show_example,
            inputs=[tab.chatbot, tab.turns],
            outputs=shown,
            queue=False,
            api_visibility="private",
        ),
    ):
        shown_event.then(
            answer_question,
            inputs=[tab.pending, tab.chatbot, tab.turns],
            outputs=answered,
            api_visibility="private",
        )


def keep_feedback(service: ChatService, tab: AskTab) -> None:
    """Likes and dislikes are saved; "clear" forgets the session's conversation."""
    import gradio as gr

    def on_like(turns: list[Any], data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        if data.liked in (True, "Like"):
            rating = "like"
        elif data.liked in (False, "Dislike"):
            rating = "dislike"
        else:
            return
        if 0 <= index < len(turns) and turns[index] is not None:
            service.rate(rating, turns[index])
            gr.Info("Thank you, your feedback was saved.")

    def forget_conversation(request: gr.Request | None = None) -> tuple[list[Any], list[Any]]:
        service.conversations.clear(session_of(request))
        return [], []

    tab.chatbot.like(on_like, inputs=tab.turns, api_visibility="private")
    tab.chatbot.clear(
        forget_conversation, outputs=[tab.turns, tab.sources], api_visibility="private"
    )


def check_tab(service: ChatService) -> None:
    """One statement: its verdict, evidence and a citation to copy; then a whole draft."""
    import gradio as gr

    gr.Markdown(
        "Paste a statement to see which article backs it, the sentence that does, "
        "and whether its numbers match."
    )
    statement = gr.Textbox(label="Statement", elem_id="statement", lines=3, max_lines=8)
    check_button = gr.Button("Check", variant="primary", elem_id="check-button")
    gr.Examples(list(EXAMPLE_STATEMENTS), inputs=statement, label="Try")
    check_result = gr.HTML(elem_id="check-result")
    citation_box = gr.Textbox(
        label="Citation (copy)",
        elem_id="citation",
        lines=3,
        interactive=False,
        buttons=["copy"],
    )

    def check_ui(statement: str) -> tuple[str, str]:
        result = service.check(statement)
        if isinstance(result, str):
            return f'<p class="status-other">{html.escape(result)}</p>', ""
        index = service.engine.index
        return verdict_html(result, index, service.settings), citations_text(result, index)

    for event in (check_button.click, statement.submit):
        event(
            check_ui,
            inputs=statement,
            outputs=[check_result, citation_box],
            api_visibility="private",
        )
    draft_check(service)


def draft_check(service: ChatService) -> None:
    """A pasted or uploaded draft: every statement in it checked, as a table and downloads."""
    import gradio as gr

    gr.Markdown(
        "### Check a whole draft\nPaste a newsletter, leaflet or email, or upload it. "
        "Every statement in it is checked; headings, greetings and questions are "
        "left out."
    )
    draft_text = gr.Textbox(label="Draft", elem_id="draft", lines=6, max_lines=20)
    draft_file = gr.File(
        label="Or upload a draft (.txt, .md, .html, .docx)",
        elem_id="draft-file",
        file_types=UPLOAD_TYPES,
        type="filepath",
    )
    draft_button = gr.Button("Check the draft", elem_id="draft-button")
    draft_downloads = gr.HTML(elem_id="draft-downloads")
    draft_result = gr.HTML(elem_id="draft-result")

    def check_draft_ui(pasted: str, upload: str | None) -> tuple[str, str, Any]:
        engine = service.engine
        table, links = draft_result_html(check_pasted_or_uploaded(engine, pasted, upload), engine)
        return table, links, None  # the upload was read and deleted

    draft_button.click(
        check_draft_ui,
        inputs=[draft_text, draft_file],
        outputs=[draft_result, draft_downloads, draft_file],
        api_visibility="private",
    )


def articles_tab(engine: Engine, tab: Any) -> ArticlesTab:
    """Every article with its passage count, and one article to read in full."""
    import gradio as gr

    articles_table = gr.HTML(
        articles_table_html(article_summaries(engine.index)), elem_id="articles"
    )
    picker = gr.Dropdown(
        choices=article_choices(engine),
        value=None,
        label="Open an article",
        elem_id="article-picker",
    )
    article_view = gr.HTML(elem_id="article-view")

    def open_article(article_id: str | None) -> str:
        if not article_id or article_id not in engine.index.articles:
            return ""
        return article_html(engine.index.articles[article_id])

    def refresh_articles() -> tuple[str, Any]:
        return (
            articles_table_html(article_summaries(engine.index)),
            gr.Dropdown(choices=article_choices(engine)),
        )

    picker.input(open_article, inputs=picker, outputs=article_view, api_visibility="private")
    tab.select(refresh_articles, outputs=[articles_table, picker], api_visibility="private")
    return ArticlesTab(tab, picker, article_view)


def open_sources(engine: Engine, ask: AskTab, articles: ArticlesTab, tabs: Any) -> None:
    """ "Show in article": the Articles tab opens on the quoted article, the quote marked."""
    import gradio as gr

    def open_source(quotes: list[Quote], slot: int) -> tuple[Any, Any, Any]:
        if slot >= len(quotes):  # the session was forgotten while idle
            return gr.skip(), gr.skip(), gr.skip()
        quote = quotes[slot]
        article = engine.index.articles.get(quote.article_id)
        if article is None:  # removed by a rebuild since the answer
            return gr.Tabs(selected="articles"), gr.Dropdown(value=None), ""
        # After a rebuild the article may have changed: highlight only a sentence still there.
        same = article.text[quote.start : quote.end] == quote.quote
        return (
            gr.Tabs(selected="articles"),
            gr.Dropdown(choices=article_choices(engine), value=article.id),
            article_html(article, quote.start, quote.end) if same else article_html(article),
        )

    for slot, button in enumerate(ask.source_buttons):
        button.click(
            lambda found, slot=slot: open_source(found, slot),
            inputs=ask.sources,
            outputs=[tabs, articles.picker, articles.view],
            api_visibility="private",
        ).then(None, js=SCROLL_TO_MARK)


def http_api(service: ChatService) -> None:
    """/chat and /check for HTTP clients (gradio_client), beside the page."""
    import gradio as gr

    def api_chat(message: str, request: gr.Request | None = None) -> str:
        """Answer a question with quotes from the articles (Markdown); a follow-up leans on
        the earlier questions of the same client session."""
        return service.converse(message, session_of(request)).markdown

    def api_check(statement: str) -> dict[str, Any]:
        """Check a statement against the articles: verdict, evidence, numbers."""
        result = service.check(statement)
        if isinstance(result, str):
            return {"statement": statement, "error": result}
        return result.to_dict()

    gr.api(api_chat, api_name="chat")
    gr.api(api_check, api_name="check")
