"""The page's CSS, and the scripts that correct its accessible names and scroll to a quote."""

CSS = """
.notice { font-size: 0.95em; padding: 0.6em 0.9em; border-radius: 8px;
          background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
mark { background: #ffe27a; color: #1f1f1f; padding: 0 0.1em; border-radius: 3px; }
.article-text { white-space: pre-wrap; line-height: 1.6; max-height: 65vh; overflow-y: auto; }
.reference { color: var(--body-text-color-subdued); font-size: 0.92em; }
.verdict { font-size: 1.15em; padding: 0.5em 0.8em; border-radius: 8px; margin-bottom: 0.6em; }
.verdict-supported { background: #e3f5e6; color: #145a23; }
.verdict-contradicted { background: #fdecd8; color: #7a3e00; }
.verdict-not_found { background: #eceff3; color: #333; }
/* A dark page's bold and span text is light: not on these light boxes. */
.verdict strong, .verdict .reason { color: inherit; }
.evidence { border-left: 4px solid var(--border-color-primary); padding-left: 0.8em;
            margin: 1em 0; }
.status-fresh { color: #145a23; } .status-stale { color: #7a3e00; } .status-other { color: #a11; }
.dark .status-fresh { color: #4ade80; } .dark .status-stale { color: #fdba74; }
.dark .status-other { color: #fca5a5; }
table.articles { border-collapse: collapse; }
table.articles td, table.articles th { padding: 0.35em 0.6em; vertical-align: top;
                                       border: 1px solid var(--border-color-primary); }
/* Accessibility (WCAG 2.1 AA; audited by tests/browser/test_accessibility.py). Gradio takes
   the focus ring off its text boxes and leaves the browser's thin one, partly hidden, on the
   tabs, so keyboard users lose track of where they are: one clear ring for every control,
   shown for keyboard focus only. Its colour is fixed on the container: some components
   redefine the accent for their insides (white on the primary button: a white ring). */
.gradio-container { --focus-ring: var(--color-accent); }
/* The theme has one accent for both schemes; on a dark page orange-700 gives 3.7:1. */
.dark .gradio-container { --color-accent: var(--primary-400); }
.gradio-container :is(button, a, input, textarea, select, summary, [tabindex]):focus-visible {
  outline: 3px solid var(--focus-ring) !important; outline-offset: 2px !important; }
/* An upload area fills a block that hides what is drawn outside it: its ring goes inside. */
.gradio-container .upload-container:focus-visible { outline-offset: -4px !important; }
/* The footer's "Use via API" link is drawn at 1.9:1; the subdued text colour passes. */
footer .show-api { color: var(--body-text-color-subdued); }
/* The tab labels' contrast cannot be measured over the wrapped tabs' striped gradient or the
   line drawn under the tabs as a pseudo-element; a plain background and a border draw the same. */
#tabs .tab-container.wrap { background: var(--background-fill-primary); }
#tabs .tab-container::after { content: none; }
#tabs .tab-container { border-bottom: 1px solid var(--border-color-primary); }
"""
# Two Gradio components name things in ways screen readers get wrong, with no option to change
# it, so the page corrects them whenever Gradio draws them (again after "clear" or an upload):
# - the chatbot's example questions, which are buttons, sit in a role="list" without list items,
#   announced as a broken list (axe: aria-required-children, critical): a named group instead;
# - an upload area is a button called "Click to upload or drop files" that shows "Drop File Here
#   - or - Click to Upload", so a speech user cannot say what they see (WCAG 2.5.3; axe:
#   label-content-name-mismatch, serious), and it never says what the file is for: it is named
#   by its block's label and the words it shows.
ACCESSIBLE_NAMES = """() => {
  const set = (el, name, value) => {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  };
  const words = (el) => (el ? el.innerText.replace(/\\s+/g, ' ').trim() : '');
  const fix = () => {
    document.querySelectorAll('.examples[role="list"]').forEach((list) => {
      set(list, 'role', 'group');
      set(list, 'aria-label', 'Example questions');
    });
    document.querySelectorAll('button.upload-container').forEach((button) => {
      const label = words(button.closest('.block')?.querySelector('[data-testid="block-label"]'));
      const shown = words(button);
      if (shown) set(button, 'aria-label', label ? `${label}: ${shown}` : shown);
    });
  };
  fix();
  new MutationObserver(fix).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label', 'role'],
  });
}"""
# Scrolls the article view to its highlighted sentence after "show in article".
SCROLL_TO_MARK = (
    "() => { setTimeout(() => { const m = document.querySelector('#article-view mark');"
    " if (m) { m.scrollIntoView({block: 'center'}); } }, 150); }"
)
