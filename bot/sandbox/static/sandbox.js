// The HireDesk sandbox page. The server renders everything (from the fake Slack's
// store); this script only reports what the person does and swaps in the
// fragments the server sends back whenever something changed.
"use strict";

const page = document.body.dataset;
const user = page.user;
const channel = page.channel;
const thread = page.thread;
let version = Number(page.version);
const shown = {};  // fragment name -> the HTML on screen, so unchanged parts are left alone

// ---- talking to the sandbox server ------------------------------------------------
async function post(path, data = {}) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({as: user, ...data}),
    });
  } catch (error) {
    notify("The sandbox is not answering. Is `python app.py` still running?");
    return {};
  }
  if (!response.ok) {
    notify(`The sandbox could not do that (HTTP ${response.status}). The terminal running app.py shows why.`);
    return {};
  }
  const answer = await response.json();
  if (answer.notice) notify(answer.notice);
  return answer;
}

let noticeTimer;
function notify(text) {
  const notice = document.getElementById("notice");
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, 7000);
}

// One request per button at a time. The button stays enabled (and focused, for keyboard users);
// a second press while the first is under way is ignored.
async function busy(button, work) {
  if (button.getAttribute("aria-busy") === "true") return {};
  button.setAttribute("aria-busy", "true");
  try { return await work(); } finally {
    button.removeAttribute("aria-busy");
  }
}

// ---- live updates -----------------------------------------------------------------------
async function refresh(waitForChange) {
  const query = new URLSearchParams({as: user, c: channel});
  if (thread) query.set("thread", thread);
  if (waitForChange) query.set("since", String(version));
  const response = await fetch("/sandbox/screen?" + query);
  if (!response.ok) throw new Error(`screen: HTTP ${response.status}`);
  show(await response.json());
}

function show(fragments) {
  version = fragments.version;
  swap("surface", fragments.main, true);
  const threadPane = document.getElementById("thread");
  if (swap("thread", fragments.thread, true)) threadPane.hidden = !fragments.thread;
  swap("clock", fragments.clock, false);
  markUnread(fragments.counts || {});
  const modalRoot = document.getElementById("modal-root");
  if (modalRoot.dataset.key !== fragments.modal_key) {  // only when the app changed the modal
    const viewId = (key) => (key || "").split(":")[0];
    const opening = !modalRoot.dataset.key;
    const updated = !opening && viewId(modalRoot.dataset.key) === viewId(fragments.modal_key);
    if (opening) modalRoot.returnFocus = document.activeElement;
    const typed = updated ? entries(modalRoot) : new Map();
    const focusedId = updated && modalRoot.contains(document.activeElement) ? document.activeElement.id : "";
    modalRoot.innerHTML = fragments.modal;
    modalRoot.dataset.key = fragments.modal_key;
    restoreEntries(modalRoot, typed);
    if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
    else if (fragments.modal && !updated) focusFirstField(modalRoot);
    else if (!fragments.modal && modalRoot.returnFocus && document.contains(modalRoot.returnFocus)) modalRoot.returnFocus.focus();
  }
}

// "N new" beside a conversation: what arrived since this person last looked at it (kept in this browser).
function markUnread(counts) {
  for (const link of document.querySelectorAll("[data-count-for]")) {
    const key = `seen:${user}:${link.dataset.countFor}`;
    const count = counts[link.dataset.countFor] || 0;
    if (link.dataset.countFor === channel) localStorage.setItem(key, String(count));
    const unseen = count - Number(localStorage.getItem(key) || 0);
    const badge = link.querySelector(".unread");
    badge.hidden = unseen <= 0;
    badge.textContent = unseen > 0 ? `${unseen} new` : "";
  }
}

function swap(id, html, keepScrolledDown) {
  if (shown[id] === html) return false;
  shown[id] = html;
  const element = document.getElementById(id);
  const scroller = element.querySelector(".thread-messages") || element;
  const atBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  const focusedId = element.contains(document.activeElement) ? document.activeElement.id : "";
  const openMenus = [...element.querySelectorAll("details[open][id]")].map((menu) => menu.id);
  element.innerHTML = html;
  for (const id of openMenus) if (document.getElementById(id)) document.getElementById(id).open = true;
  const newScroller = element.querySelector(".thread-messages") || element;
  if (keepScrolledDown && atBottom) newScroller.scrollTop = newScroller.scrollHeight;
  if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
  return true;
}

// Slack keeps what the person entered in a modal's inputs when the app updates the
// view with the same block and action ids; so does the page.
function entries(root) {
  const kept = new Map();
  for (const block of root.querySelectorAll(".sb-input")) {
    for (const control of block.querySelectorAll("input, select, textarea")) {
      if (!control.id && !control.name) continue;
      const key = control.type === "checkbox" || control.type === "radio" ? `${control.name}=${control.value}` : control.id;
      kept.set(key, control.type === "checkbox" || control.type === "radio" ? control.checked
        : control.tagName === "SELECT" ? [...control.selectedOptions].map((o) => o.value) : control.value);
    }
  }
  return kept;
}

function restoreEntries(root, kept) {
  for (const block of root.querySelectorAll(".sb-input")) {
    for (const control of block.querySelectorAll("input, select, textarea")) {
      const key = control.type === "checkbox" || control.type === "radio" ? `${control.name}=${control.value}` : control.id;
      if (!kept.has(key)) continue;
      const value = kept.get(key);
      if (control.type === "checkbox" || control.type === "radio") control.checked = value;
      else if (control.tagName === "SELECT") {
        // A choice the updated list no longer offers leaves the app's own selection.
        if ([...control.options].some((o) => o.value && value.includes(o.value))) {
          for (const option of control.options) option.selected = value.includes(option.value);
        }
      }
      else control.value = value;
    }
  }
}

function focusFirstField(root) {
  const first = root.querySelector(".modal-body :is(input:not([type=hidden]), select, textarea)")
    || root.querySelector("button[type=submit]") || root.querySelector("button");
  if (first) first.focus();
}

async function live() {
  for (;;) {
    try {
      await refresh(true);
    } catch (error) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

// ---- what an element holds -------------------------------------------------------------
function rawValues(field) {
  if (field.tagName === "SELECT") return [...field.selectedOptions].map((o) => o.value).filter((v) => v !== "");
  if ("choices" in field.dataset) return [...field.querySelectorAll("input:checked")].map((i) => i.value);
  return field.value === "" ? [] : [field.value];
}

function collect(surface) {
  const form = {};
  for (const field of surface.querySelectorAll("[data-field]")) {
    (form[field.dataset.blockId] ??= {})[field.dataset.actionId] = rawValues(field);
  }
  return form;
}

function where(element) {
  const surface = element.closest("[data-surface]");
  if (surface.dataset.surface === "view") return {view_id: surface.dataset.viewId, form: collect(surface)};
  return {channel: surface.dataset.channel, ts: surface.dataset.ts};
}

async function act(element, values) {
  await post("/sandbox/act", {
    block_id: element.dataset.blockId, action_id: element.dataset.actionId, values, ...where(element),
  });
}

// ---- confirm dialogs -----------------------------------------------------------------------
function confirmed(templateId) {
  const template = document.getElementById(templateId);
  const dialog = document.getElementById("confirm-dialog");
  if (!template) return Promise.resolve(true);
  dialog.replaceChildren(template.content.cloneNode(true));
  const title = dialog.querySelector("h2");
  if (title) title.id = "confirm-dialog-title";
  return new Promise((resolve) => {
    dialog.onclick = (event) => {
      const answer = event.target.closest("[data-answer]");
      if (!answer) return;
      dialog.close();
      resolve(answer.dataset.answer === "yes");
    };
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
    dialog.querySelector('[data-answer="no"]').focus();
  });
}

// ---- modals -----------------------------------------------------------------------------------
function clearErrors(form) {
  for (const error of form.querySelectorAll(".field-error, .modal-problem")) { error.hidden = true; error.textContent = ""; }
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
}

function showErrors(form, errors) {
  let first = null;
  for (const [blockId, message] of Object.entries(errors)) {
    const block = [...form.querySelectorAll(".sb-input")].find((b) => b.dataset.block === blockId);
    const target = block ? block.querySelector(".field-error") : form.querySelector(".modal-problem");
    target.textContent = message;
    target.hidden = false;
    const field = block && block.querySelector("[data-field], [data-combo-input]");
    if (field) field.setAttribute("aria-invalid", "true");
    first = first || (block && block.querySelector("input:not([type=hidden]), select, textarea"));
  }
  if (first) first.focus();
}

function missingRequired(form) {
  const errors = {};
  for (const block of form.querySelectorAll(".sb-input[data-required]")) {
    const field = block.querySelector("[data-field]");
    if (field && rawValues(field).length === 0) errors[block.dataset.block] = "Please fill out this field.";
  }
  return errors;
}

async function submitModal(form) {
  clearErrors(form);
  const missing = missingRequired(form);
  if (Object.keys(missing).length) return showErrors(form, missing);
  const button = form.querySelector("button[type=submit]");
  const answer = await busy(button, () => post("/sandbox/submit", {view_id: form.dataset.viewId, form: collect(form)}));
  if (answer.errors && Object.keys(answer.errors).length) showErrors(form, answer.errors);
  await refresh(false);
}

async function closeModal(form) {
  await post("/sandbox/close", {view_id: form.dataset.viewId});
  await refresh(false);
}

// ---- external selects (options come from the app as the person types) ----------------------
let suggestTimer;
async function suggest(input) {
  const combo = input.closest("[data-combo]");
  const field = combo.querySelector("[data-field]");
  const list = combo.querySelector("[role=listbox]");
  field.value = "";
  if (input.value.length < Number(combo.dataset.minQuery)) { list.hidden = true; return; }
  const surface = combo.closest("[data-surface]");
  const answer = await post("/sandbox/suggest", {
    view_id: surface.dataset.viewId, block_id: field.dataset.blockId, action_id: field.dataset.actionId, query: input.value,
  });
  const options = answer.options || [];
  list.replaceChildren(...options.map((option, index) => {
    const item = document.createElement("li");
    item.setAttribute("role", "option");
    item.id = `${list.id}-${index}`;
    item.tabIndex = -1;
    item.textContent = option.text.text;
    item.dataset.option = JSON.stringify(option);
    return item;
  }));
  if (!options.length) {
    const none = document.createElement("li");
    none.textContent = "No matches";
    none.setAttribute("aria-disabled", "true");
    list.append(none);
  }
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
}

function choose(item) {
  const combo = item.closest("[data-combo]");
  const field = combo.querySelector("[data-field]");
  const input = combo.querySelector("[data-combo-input]");
  field.value = item.dataset.option;
  input.value = item.textContent;
  closeList(combo);
  input.focus();
  if ("dispatch" in field.dataset) act(field, [field.value]);
}

function closeList(combo) {
  combo.querySelector("[role=listbox]").hidden = true;
  combo.querySelector("[data-combo-input]").setAttribute("aria-expanded", "false");
}

// ---- events -----------------------------------------------------------------------------------
document.addEventListener("click", async (event) => {
  const target = event.target;
  const press = target.closest("[data-press]");
  if (press) {
    if (press.tagName !== "A") event.preventDefault();
    const details = press.closest("details");
    if (details) details.open = false;
    if (press.dataset.confirm && !(await confirmed(press.dataset.confirm))) return;
    return busy(press, () => act(press, press.dataset.value !== undefined ? [press.dataset.value] : []));
  }
  const close = target.closest("[data-close]");
  if (close) return closeModal(close.closest("form"));
  const message = target.closest("[data-surface=message]");
  if (target.closest("[data-dismiss]")) return post("/sandbox/dismiss", {channel: message.dataset.channel, ts: message.dataset.ts});
  const shortcut = target.closest("[data-shortcut]");
  if (shortcut) {
    shortcut.closest("details").open = false;
    return post("/sandbox/shortcut", {channel: message.dataset.channel, ts: message.dataset.ts, callback_id: shortcut.dataset.shortcut});
  }
  const reaction = target.closest("[data-react]");
  if (reaction && message) {
    const details = reaction.closest("details");
    if (details) details.open = false;
    return busy(reaction, () => post("/sandbox/react", {channel: message.dataset.channel, ts: message.dataset.ts, name: reaction.dataset.react}));
  }
  const option = target.closest("[role=option][data-option]");
  if (option) return choose(option);
  const clock = target.closest("[data-clock]");
  if (clock) return busy(clock, () => post("/sandbox/clock", {seconds: Number(clock.dataset.clock)}));
  const job = target.closest("[data-job]");
  if (job) return busy(job, () => post("/sandbox/job", {name: job.dataset.job}));
  const seed = target.closest("[data-seed]");
  if (seed) return busy(seed, () => post("/sandbox/seed"));
});

document.addEventListener("change", (event) => {
  if (event.target.id === "acting-as") {
    const next = event.target.value;
    const where = channel === `D${user}` ? `D${next}` : channel;
    window.location.assign(`/?${new URLSearchParams({as: next, c: where})}`);
    return;
  }
  const field = event.target.closest("[data-field][data-dispatch]");
  if (field && field.type !== "hidden") act(field, rawValues(field));
});

document.addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.matches("form.modal")) return submitModal(form);
  const input = form.querySelector("input[name=text]");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  await post("/sandbox/send", {channel, text, thread_ts: form.dataset.threadTs || null});
  await refresh(false);
});

document.addEventListener("input", (event) => {
  if (!event.target.matches("[data-combo-input]")) return;
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(() => suggest(event.target), 250);
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  const combo = target.closest && target.closest("[data-combo]");
  if (combo) {
    const items = [...combo.querySelectorAll("[role=option][data-option]")];
    const index = items.indexOf(target);
    if (event.key === "ArrowDown" && items.length) { event.preventDefault(); items[Math.min(index + 1, items.length - 1)].focus(); return; }
    if (event.key === "ArrowUp" && index >= 0) { event.preventDefault(); (items[index - 1] || combo.querySelector("[data-combo-input]")).focus(); return; }
    if (event.key === "Enter" && index >= 0) { event.preventDefault(); choose(target); return; }
    if (event.key === "Escape" && !combo.querySelector("[role=listbox]").hidden) { event.preventDefault(); closeList(combo); combo.querySelector("[data-combo-input]").focus(); return; }
  }
  const modal = document.querySelector("#modal-root form.modal");
  if (!modal || document.getElementById("confirm-dialog").open) return;
  if (event.key === "Escape") closeModal(modal);
  if (event.key === "Tab") keepFocusIn(modal, event);
});

// Tab and Shift+Tab cycle inside an open modal, as in Slack, instead of wandering to the page behind.
function keepFocusIn(modal, event) {
  const focusable = [...modal.querySelectorAll("button, select, textarea, input:not([type=hidden]), summary, a[href]")]
    .filter((element) => !element.disabled && element.offsetParent !== null);
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && (document.activeElement === first || !modal.contains(document.activeElement))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (document.activeElement === last || !modal.contains(document.activeElement))) {
    event.preventDefault();
    first.focus();
  }
}

// ---- start --------------------------------------------------------------------------------------
for (const id of ["surface", "thread", "clock"]) shown[id] = null;
if (channel === "home") post("/sandbox/home");
refresh(false).then(() => {
  const surface = document.getElementById("surface");
  surface.scrollTop = surface.scrollHeight;
}).finally(live);
