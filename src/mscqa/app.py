"""The web chat: a thin Gradio shell over the same Engine as the CLI."""

from __future__ import annotations

import html
import os
from typing import Any

from mscqa.answer import Answer
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.errors import MscqaError

NOTICE = (
    "Answers are quotes from summaries of research articles, not medical advice. "
    "Talk to your doctor about your own care."
)


def format_answer(answer: Answer) -> str:
    """Markdown for the chat; every piece of article or user text is HTML-escaped."""
    if not answer.answered:
        return html.escape(answer.message or "")
    parts = []
    for quote in answer.quotes:
        parts.append(
            f"> {html.escape(quote.quote)}\n\n"
            f"**{html.escape(quote.title)}**  \n{html.escape(quote.reference)}"
        )
    return "\n\n---\n\n".join(parts)


def build_app(engine: Engine) -> Any:
    import gradio as gr

    def respond(message: str, history: list[Any]) -> str:
        try:
            return format_answer(engine.ask(message))
        except MscqaError as exc:
            return html.escape(str(exc))

    with gr.Blocks(title="mscqa") as demo:
        gr.Markdown(f"## Ask the clinic's MSC research articles\n{NOTICE}")
        gr.ChatInterface(respond, api_name="chat")
    return demo


def serve(settings: Settings, host: str, port: int) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    engine = Engine(settings)
    engine.warm_up()
    build_app(engine).launch(server_name=host, server_port=port, share=False)
