// The workbench's only script: text selection → claim offsets, keyboard shortcuts, @mentions.
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

// After a swap, the claim cursor is wherever the current mark still is: a swap elsewhere (the
// inbox badge polls every 30 s) keeps it; one that re-rendered the article's marks starts over.
document.addEventListener("htmx:afterSwap", () => {
  const marks = Array.from(document.querySelectorAll("#article-body mark[id^='claim-']"));
  current = marks.findIndex((m) => m.classList.contains("current"));
  updateSelection();
});

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

// @mention autocomplete in a textarea[data-mentions] (an ARIA 1.2 combobox with a listbox):
// typing @ and the start of a name asks the server whom one may mention; ArrowDown/ArrowUp
// choose, Enter or Tab picks, Escape closes. The list is built with textContent, never HTML.
const MENTION_BEFORE_CARET = /(?:^|[^\w@.+-])@([\w.@+-]{0,150})$/u;
let mentionRequest = null;
let mentionTimer = 0;

function mentionParts(field) {
  return {
    list: document.getElementById(field.getAttribute("aria-controls")),
    status: document.getElementById(`${field.getAttribute("aria-controls")}-status`),
  };
}

function mentionClose(field) {
  const { list } = mentionParts(field);
  if (!list) return;
  list.hidden = true;
  list.replaceChildren();
  field.setAttribute("aria-expanded", "false");
  field.removeAttribute("aria-activedescendant");
}

function mentionActive(field, index) {
  const { list } = mentionParts(field);
  const options = [...list.querySelectorAll("[role=option]")];
  if (!options.length) return;
  const next = (index + options.length) % options.length;
  options.forEach((option, i) => option.setAttribute("aria-selected", String(i === next)));
  field.setAttribute("aria-activedescendant", options[next].id);
  options[next].scrollIntoView({ block: "nearest" });
}

function mentionPick(field, option) {
  const caret = field.selectionStart;
  const before = field.value.slice(0, caret);
  const match = before.match(MENTION_BEFORE_CARET);
  if (!match) return mentionClose(field);
  const start = caret - match[1].length;
  const insert = `${option.dataset.username} `;
  field.value = field.value.slice(0, start) + insert + field.value.slice(caret);
  field.selectionStart = field.selectionEnd = start + insert.length;
  mentionClose(field);
  const { status } = mentionParts(field);
  if (status) status.textContent = `Mentioned @${option.dataset.username}.`;
  field.focus();
}

function mentionShow(field, people) {
  const { list, status } = mentionParts(field);
  list.replaceChildren(...people.map((person, i) => {
    const option = document.createElement("li");
    option.id = `${list.id}-${i}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.dataset.username = person.username;
    option.append(`@${person.username}`);
    if (person.name) {
      const name = document.createElement("span");
      name.className = "muted";
      name.textContent = person.name;
      option.append(name);
    }
    return option;
  }));
  const open = people.length > 0;
  list.hidden = !open;
  field.setAttribute("aria-expanded", String(open));
  field.removeAttribute("aria-activedescendant");
  if (status) {
    status.textContent = open
      ? `${people.length} ${people.length === 1 ? "person" : "people"} to mention; arrow keys choose.`
      : "Nobody to mention by that name.";
  }
  if (open) mentionActive(field, 0);
}

function mentionLookup(field) {
  const match = field.value.slice(0, field.selectionStart).match(MENTION_BEFORE_CARET);
  if (!match) return mentionClose(field);
  clearTimeout(mentionTimer);
  mentionTimer = setTimeout(async () => {
    mentionRequest?.abort();
    mentionRequest = new AbortController();
    const url = `${field.dataset.mentions}?q=${encodeURIComponent(match[1])}`;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: mentionRequest.signal,
      });
      if (!response.ok) return mentionClose(field);
      mentionShow(field, (await response.json()).results);
    } catch (error) {
      if (error.name !== "AbortError") mentionClose(field);
    }
  }, 120);
}

document.addEventListener("input", (event) => {
  const field = event.target.closest?.("textarea[data-mentions]");
  if (field) mentionLookup(field);
});

document.addEventListener("keydown", (event) => {
  const field = event.target.closest?.("textarea[data-mentions]");
  if (!field || field.getAttribute("aria-expanded") !== "true") return;
  const { list } = mentionParts(field);
  const options = [...list.querySelectorAll("[role=option]")];
  const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    mentionActive(field, current + (event.key === "ArrowDown" ? 1 : -1));
  } else if ((event.key === "Enter" || event.key === "Tab") && current >= 0 && !event.shiftKey) {
    event.preventDefault();
    mentionPick(field, options[current]);
  } else if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    mentionClose(field);
  }
}, true);

document.addEventListener("mousedown", (event) => {
  const option = event.target.closest?.("ul.mentions [role=option]");
  if (!option) return;
  event.preventDefault(); // keep the focus (and the caret) in the textarea
  const field = document.querySelector(`[aria-controls="${option.closest("ul").id}"]`);
  if (field) mentionPick(field, option);
});

document.addEventListener("focusout", (event) => {
  const field = event.target.closest?.("textarea[data-mentions]");
  if (field) setTimeout(() => { if (document.activeElement !== field) mentionClose(field); }, 0);
});
