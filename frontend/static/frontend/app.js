// The workbench's only script: text selection → claim offsets, and keyboard shortcuts.
// Browsers count UTF-16 code units; the server counts Unicode code points: convert here.

const LABEL = ".claim-label";

function typing(target) {
  return target instanceof HTMLElement &&
    (target.isContentEditable || target.closest("input, textarea, select, [contenteditable]"));
}

// The body text as the server stores it: the text nodes of #article-body without the labels.
function textWithoutLabels(node) {
  const copy = node instanceof DocumentFragment ? node : node.cloneNode(true);
  copy.querySelectorAll(LABEL).forEach((el) => el.remove());
  return copy.textContent;
}

function utf16Offset(root, container, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(container, offset);
  return textWithoutLabels(range.cloneContents()).length;
}

export function codePoints(text, utf16) {
  return Array.from(text.slice(0, utf16)).length;
}

export function selectionSpan(root, selection) {
  if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const full = textWithoutLabels(root);
  let s = utf16Offset(root, range.startContainer, range.startOffset);
  let e = utf16Offset(root, range.endContainer, range.endOffset);
  while (s < e && /\s/.test(full[s])) s += 1;
  while (e > s && /\s/.test(full[e - 1])) e -= 1;
  if (s >= e) return null;
  return { start: codePoints(full, s), end: codePoints(full, e), quote: full.slice(s, e) };
}

function updateSelection() {
  const root = document.getElementById("article-body");
  const button = document.getElementById("claim-from-selection");
  if (!root || !button) return;
  const span = selectionSpan(root, document.getSelection());
  const hint = document.getElementById("selection-hint");
  button.disabled = !span;
  if (span) {
    document.getElementById("sel-start").value = span.start;
    document.getElementById("sel-end").value = span.end;
    document.getElementById("sel-quote").value = span.quote;
    if (hint) hint.textContent = `Selected ${span.end - span.start} characters: press a or the button.`;
  } else if (hint) {
    hint.textContent = "Select a passage of the text to add it as a claim.";
  }
}

function addFromSelection() {
  updateSelection();
  const button = document.getElementById("claim-from-selection");
  if (button && !button.disabled) button.form.requestSubmit(button);
}

let current = -1;

function moveClaim(step) {
  const marks = Array.from(document.querySelectorAll("#article-body mark[id^='claim-']"));
  if (!marks.length) return;
  current = Math.max(0, Math.min(marks.length - 1, current + step));
  document.querySelectorAll(".current").forEach((el) => el.classList.remove("current"));
  const mark = marks[current];
  const id = mark.dataset.claim;
  document.querySelectorAll(`#article-body mark[data-claim='${id}']`).forEach((m) => m.classList.add("current"));
  const item = document.getElementById(`item-${id}`);
  if (item) {
    item.classList.add("current");
    const link = item.querySelector(".claim-link");
    if (link) link.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }
  mark.scrollIntoView({ block: "center" });
}

function showShortcuts() {
  const dialog = document.getElementById("shortcuts");
  if (dialog && !dialog.open) dialog.showModal();
}

// Selection changes fire on every mouse move of a drag: measure at most once per frame.
let pending = false;
document.addEventListener("selectionchange", () => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; updateSelection(); });
});

document.addEventListener("click", (event) => {
  if (event.target.closest("#show-shortcuts")) showShortcuts();
  const mark = event.target.closest("#article-body mark[data-claim]");
  if (mark && document.getSelection().isCollapsed) {
    const item = document.getElementById(`item-${mark.dataset.claim}`);
    if (item) {
      document.querySelectorAll(".current").forEach((el) => el.classList.remove("current"));
      item.classList.add("current");
      item.scrollIntoView({ block: "nearest" });
    }
  }
});

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (event.key === "?") { event.preventDefault(); showShortcuts(); return; }
  if (!document.getElementById("article-body")) return;
  if (event.key === "j") { event.preventDefault(); moveClaim(1); }
  else if (event.key === "k") { event.preventDefault(); moveClaim(-1); }
  else if (event.key === "a") { event.preventDefault(); addFromSelection(); }
});

document.addEventListener("htmx:afterSwap", () => { current = -1; updateSelection(); });

// The verdict form's "claim in short": say as it is typed when it passes what search engines show.
document.addEventListener("input", (event) => {
  const field = event.target.closest?.("[data-advised-max]");
  if (!field) return;
  const note = document.getElementById(field.getAttribute("aria-describedby"));
  if (!note) return;
  const length = [...field.value.trim()].length;
  const max = Number(field.dataset.advisedMax);
  note.textContent = length > max
    ? `${length} characters: search engines may show only about ${max}. It is published whole, never cut.`
    : "";
  note.classList.toggle("warn", length > max);
});
