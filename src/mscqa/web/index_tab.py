"""The Index tab: what the index holds; behind the admin password, a rebuild and the gap
report."""

import hmac
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from mscqa.errors import MscqaError
from mscqa.staff.gaps import gap_report
from mscqa.web.chat import ChatService
from mscqa.web.markup import literal_markdown, status_html
from mscqa.web.staff_pages import gap_report_html

log = logging.getLogger("mscqa.app")


def password_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset admin password never matches."""
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class IndexTab:
    status: Any
    refresh: Callable[[], str]


def index_tab(service: ChatService, tab: Any) -> IndexTab:
    """What the index holds; with an admin password set, a rebuild and the gap report."""
    import gradio as gr

    engine = service.engine
    index_status = gr.HTML(elem_id="index-status")
    refresh = gr.Button("Refresh", size="sm", elem_id="index-refresh")

    def refresh_status() -> str:
        return status_html(engine.status(), engine)

    if service.settings.admin_password:
        admin_controls(service, index_status, refresh_status)
    else:
        gr.Markdown(
            "Rebuilding from this page is switched off. Start the server with "
            "`MSCQA_ADMIN_PASSWORD` set to switch it on, or run `mscqa index update`."
        )
    tab.select(refresh_status, outputs=index_status, api_visibility="private")
    refresh.click(refresh_status, outputs=index_status, api_visibility="private")
    return IndexTab(index_status, refresh_status)


def admin_controls(
    service: ChatService, index_status: Any, refresh_status: Callable[[], str]
) -> None:
    """Behind the admin password: rebuild the index, show what patients ask that is missing."""
    import gradio as gr

    password = gr.Textbox(label="Admin password", type="password", elem_id="admin-password")
    rebuild_button = gr.Button("Rebuild the index", elem_id="rebuild-button")
    rebuild_result = gr.Markdown(elem_id="rebuild-result")
    gaps_button = gr.Button("Show what patients ask that the articles miss", elem_id="gaps-button")
    gaps_result = gr.HTML(elem_id="gap-report")
    gaps_button.click(
        gap_page(service), inputs=password, outputs=gaps_result, api_visibility="private"
    )
    rebuild_button.click(
        rebuild_page(service, refresh_status),
        inputs=password,
        outputs=[rebuild_result, index_status],
        api_visibility="private",
    )


def gap_page(service: ChatService) -> Callable[[str], str]:
    settings = service.settings

    def show_gaps(password: str) -> str:
        if not password_ok(password, settings.admin_password):
            time.sleep(1.0)  # slows down guessing
            return '<p class="status-other">That password is not right.</p>'
        report = gap_report(
            settings.var_dir,
            settings.feedback_path,
            {a.id: a.title for a in service.engine.index.articles.values()},
        )
        return gap_report_html(report)

    return show_gaps


def rebuild_page(
    service: ChatService, refresh_status: Callable[[], str]
) -> Callable[..., Iterator[tuple[str, str]]]:
    import gradio as gr

    engine, settings = service.engine, service.settings

    # Gradio injects the progress tracker through this default argument.
    def rebuild(
        password: str,
        progress: Any = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Iterator[tuple[str, str]]:
        if not password_ok(password, settings.admin_password):
            time.sleep(1.0)  # slows down guessing
            log.info("index rebuild refused: wrong password")
            yield "That password is not right.", refresh_status()
            return
        serving = engine.index.manifest.version
        yield (
            f"Rebuilding: embedding the added and changed articles. Until the new index is "
            f"ready the chat keeps answering from version {serving}.",
            refresh_status(),
        )
        progress(0, desc="Embedding the added and changed articles")
        log.info("index rebuild started")
        try:
            report = engine.rebuild(incremental=True, progress=True)
        except MscqaError as exc:
            log.info("index rebuild failed (%s)", type(exc).__name__)
            yield (
                f"The rebuild failed and the chat keeps answering from version {serving}: "
                f"{literal_markdown(str(exc))}",
                refresh_status(),
            )
            return
        log.info("index rebuild finished in %.1fs", report.seconds)
        yield (
            f"Index version {report.version} is ready: {report.total_passages} passages, "
            f"{report.embedded_passages} embedded in {report.seconds:.1f}s. The chat switches "
            "to it with the next question.",
            refresh_status(),
        )

    return rebuild
