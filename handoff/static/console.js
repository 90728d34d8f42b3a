// Baton agent console: the live queue, claims, and chats with customers over /ws/agent.
//
// The protocol is documented in handoff/channels/console.py. The page runs under a strict CSP: no inline
// script or style, and everything from the hub (customer text above all) goes into the page with
// textContent or createElement, never as HTML.
//
// An ES module; the session (whoAmI, logOut) and the DOM builder come from staff.js.
//
// Sections: 1 helpers · 2 state · 3 socket · 4 queue and my chats · 5 the open conversation ·
// 6 customer panel, suggestions, canned responses · 7 sending · 8 start.
import { $, badge, h, logOut, whoAmI } from "./staff.js";

// =============================================================================================
// 1. Helpers
// =============================================================================================

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
const TYPING_EVERY_MS = 2000; // "typing on" at most this often while the agent types
const TYPING_IDLE_MS = 3000; // then "typing off" after this long without a key
const CUSTOMER_TYPING_MS = 8000; // hide the customer's typing if no "on" refreshes it
const SESSION_ENDED = 4401; // the hub closes the socket with this code when the session ended

/** 75 -> "1:15", 3700 -> "1:01:40". */
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

const clock = new Intl.DateTimeFormat("en-GB", { timeStyle: "short" });
const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium" });

/** An http(s) link opened in a new tab; anything else is shown as text only. */
function safeLink(url, text) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return h("span", { text });
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text });
}

/** A random id; crypto.randomUUID needs a secure context, so fall back on plain http. */
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, "0")
  ).join("");
}

function showBanner(message) {
  ui.banner.textContent = message;
  ui.banner.hidden = false;
  clearTimeout(state.bannerTimer);
  state.bannerTimer = setTimeout(() => (ui.banner.hidden = true), 10000);
}

// =============================================================================================
// 2. State and the elements we use
// =============================================================================================

const state = {
  me: null, // {name, role, csrf} from whoAmI()
  languages: ["en"], // the agent's, from the hub's hello
  socket: null,
  ready: false, // the hub said hello on this socket
  attempt: 0,
  retryTimer: 0,
  bannerTimer: 0,
  queue: [],
  mine: [],
  seenInQueue: null, // conversation ids already announced (null until the first queue frame)
  conversations: new Map(), // id -> conversation (see conversation())
  selected: null, // the conversation shown
  requests: new Map(), // request id -> {kind, conversationId}
  nextRequest: 1,
  typingSentAt: 0,
  typingIdle: 0,
  searchQuery: "",
  audio: null,
};

const ui = {
  connection: $("connection"),
  notifications: $("notifications"),
  agentName: $("agent-name"),
  logout: $("logout"),
  logoutEverywhere: $("logout-everywhere"),
  banner: $("banner"),
  queue: $("queue"),
  queueCount: $("queue-count"),
  queueEmpty: $("queue-empty"),
  queueMore: $("queue-more"),
  mine: $("mine"),
  mineCount: $("mine-count"),
  mineEmpty: $("mine-empty"),
  chatEmpty: $("chat-empty"),
  chatBody: $("chat-body"),
  chatTitle: $("chat-title"),
  chatMeta: $("chat-meta"),
  claim: $("claim"),
  release: $("release"),
  transcript: $("transcript"),
  customerTyping: $("customer-typing"),
  suggestions: $("suggestions"),
  replyForm: $("reply-form"),
  reply: $("reply"),
  noteForm: $("note-form"),
  note: $("note"),
  transferForm: $("transfer-form"),
  transferTo: $("transfer-to"),
  closeForm: $("close-form"),
  closeTags: $("close-tags"),
  customer: $("customer"),
  customerFacts: $("customer-facts"),
  history: $("history"),
  records: $("records"),
  verification: $("verification"),
  transfers: $("transfers"),
  searchForm: $("search-form"),
  search: $("search"),
  articles: $("articles"),
};

/** The conversation with this id, created empty the first time. */
function conversation(id) {
  let found = state.conversations.get(id);
  if (!found) {
    found = {
      id,
      summary: { conversation_id: id, state: "", assignee: null },
      customer: null,
      history: [],
      records: null,
      entries: [],
      ids: new Set(),
      lastId: "0-0", // the newest entry seen: where a reconnect picks up
      outbox: [], // [{client_id, text, failed}] sent but not yet confirmed
      suggestions: [],
      typing: false,
      typingTimer: 0,
      draft: "", // the reply being written while another conversation is shown
    };
    state.conversations.set(id, found);
  }
  return found;
}

const isMine = (conv) =>
  conv.summary.state === "agent" && conv.summary.assignee === (state.me && state.me.name);

// =============================================================================================
// 3. The socket: connect, reconnect with backoff, frames in and out
// =============================================================================================

function setConnection(kind, text) {
  ui.connection.dataset.state = kind;
  ui.connection.textContent = text;
}

function connect() {
  state.retryTimer = 0;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(`${scheme}${location.host}/ws/agent`);
  state.socket = socket;
  socket.addEventListener("message", (event) => {
    if (socket === state.socket) handleFrame(event.data);
  });
  socket.addEventListener("close", (event) => {
    if (socket !== state.socket) return;
    state.socket = null;
    state.ready = false;
    setConnection("offline", "Reconnecting…");
    // 1008: refused, 4401: the session ended (logged out elsewhere, new password or role);
    // if the session ended, whoAmI() takes the agent to the login page.
    if (event.code === 1008 || event.code === SESSION_ENDED) whoAmI().catch(() => {});
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** state.attempt);
    state.attempt = Math.min(state.attempt + 1, 10);
    state.retryTimer = setTimeout(connect, base * (0.75 + Math.random() * 0.5));
  });
}

function send(frame) {
  if (!state.ready || state.socket.readyState !== WebSocket.OPEN) return false;
  state.socket.send(JSON.stringify(frame));
  return true;
}

/** Send a frame whose answer (done or error) we want to recognise; returns its id. */
function request(kind, frame, id) {
  const requestId = id || `r${state.nextRequest++}`;
  state.requests.set(requestId, { kind, conversationId: frame.conversation_id, text: frame.text });
  send({ ...frame, type: kind, request: requestId });
  return requestId;
}

function handleFrame(data) {
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    return;
  }
  const handlers = {
    hello: onHello,
    queue: onQueue,
    mine: onMine,
    conversation: onConversation,
    entry: onEntry,
    typing: onTyping,
    suggestions: onSuggestions,
    articles: onArticles,
    done: onDone,
    error: onError,
  };
  const handler = handlers[frame && frame.type];
  if (handler) handler(frame);
}

/** (Re)connected: re-open every conversation from the last entry seen, resend the unsent. */
function onHello(frame) {
  state.ready = true;
  state.attempt = 0;
  if (Array.isArray(frame.languages) && frame.languages.length) state.languages = frame.languages;
  setConnection("online", `Online · ${(frame.languages || []).join(", ")}`);
  for (const conv of state.conversations.values()) {
    send({ type: "open", conversation_id: conv.id, after: conv.lastId });
    for (const item of conv.outbox) {
      if (!item.failed) sendMessage(conv, item);
    }
  }
}

// =============================================================================================
// 4. The queue and my chats
// =============================================================================================

function onQueue(frame) {
  state.queue = Array.isArray(frame.items) ? frame.items : [];
  const fresh = state.queue.filter(
    (item) => state.seenInQueue && !state.seenInQueue.has(item.conversation_id)
  );
  state.seenInQueue = new Set([
    ...(state.seenInQueue || []),
    ...state.queue.map((item) => item.conversation_id),
  ]);
  if (fresh.length) announce(fresh);
  renderList(ui.queue, state.queue, "queue-item", true);
  // The hub sends the first pages of the queue and how many wait in all; "Show more" asks for
  // another page (it stays shown as the queue changes).
  const total = Number.isInteger(frame.total) ? frame.total : state.queue.length;
  ui.queueCount.textContent = String(total);
  ui.queueEmpty.hidden = total > 0;
  ui.queueMore.hidden = total <= state.queue.length;
  ui.queueMore.textContent = `Show more (${total - state.queue.length} not shown)`;
}

function onMine(frame) {
  state.mine = Array.isArray(frame.items) ? frame.items : [];
  for (const item of state.mine) {
    const conv = state.conversations.get(item.conversation_id);
    if (conv) conv.summary = { ...conv.summary, ...item };
  }
  renderList(ui.mine, state.mine, "mine-item", false);
  ui.mineCount.textContent = String(state.mine.length);
  ui.mineEmpty.hidden = state.mine.length > 0;
  renderHeader();
}

/** Rows of the queue or of my chats; a click opens the conversation. */
function renderList(list, items, testId, claimable) {
  list.replaceChildren(
    ...items.map((item) => {
      const id = item.conversation_id;
      const row = h(
        "li",
        {
          class: `row priority-${item.priority}${state.selected === id ? " selected" : ""}`,
          "data-testid": testId,
          "data-conversation-id": id,
          tabindex: "0",
        },
        h(
          "div",
          { class: "row-head" },
          badge(item.priority || "normal", `priority ${item.priority}`),
          badge(item.language, "lang"),
          badge(item.channel || "web"),
          item.reason ? h("span", { class: "reason", text: item.reason }) : null,
          item.intent
            ? h("span", { class: "muted", text: intentLabel(item.intent, item.confidence) })
            : null
        ),
        h("p", { class: "last", "data-testid": "last-message", text: item.last_message || "" }),
        h(
          "div",
          { class: "row-foot" },
          item.escalated_at ? timer("Waiting", item.escalated_at) : null,
          slaTimer(item),
          claimable
            ? h("button", {
                type: "button",
                class: "small primary",
                "data-testid": "queue-claim",
                "data-claim": id,
                text: "Claim",
              })
            : null
        )
      );
      return row;
    })
  );
}

const intentLabel = (intent, confidence) =>
  typeof confidence === "number" ? `${intent} ${Math.round(confidence * 100)}%` : intent;

/** "Waiting 2:31", counting up every second (see tick). */
function timer(label, since) {
  return h("span", { class: "timer", "data-since": since, "data-label": label });
}

/** The first-response deadline: counts down, red once breached. */
function slaTimer(item) {
  if (!item.sla_due_at || item.first_response_at) return null;
  const node = h("span", { class: "sla", "data-due": item.sla_due_at });
  if (item.sla_breached) node.classList.add("breached");
  return node;
}

/** Every second: waiting times up, SLA countdowns down. */
function tick() {
  const now = Date.now() / 1000;
  for (const node of document.querySelectorAll("[data-since]")) {
    node.textContent = `${node.dataset.label} ${duration(now - Number(node.dataset.since))}`;
  }
  for (const node of document.querySelectorAll("[data-due]")) {
    const left = Number(node.dataset.due) - now;
    if (left <= 0) node.classList.add("breached");
    node.textContent = left > 0 ? `SLA ${duration(left)}` : `SLA breached +${duration(-left)}`;
  }
}

/** A sound and, if allowed, a browser notification for conversations new in the queue. */
function announce(items) {
  beep();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  for (const item of items) {
    const notification = new Notification("A customer is waiting", {
      body: `${item.priority} · ${item.language} · ${item.last_message || item.reason || ""}`,
      tag: item.conversation_id,
    });
    notification.addEventListener("click", () => {
      window.focus();
      openConversation(item.conversation_id);
    });
  }
}

/** A short two-tone chime from an oscillator (browsers allow audio after the first click). */
function beep() {
  const audio = state.audio;
  if (!audio || audio.state !== "running") return;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  const now = audio.currentTime;
  oscillator.frequency.setValueAtTime(880, now);
  oscillator.frequency.setValueAtTime(1320, now + 0.12);
  gain.gain.setValueAtTime(0.2, now);
  gain.gain.exponentialRampToValueAtTime(0.001, now + 0.4);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(now);
  oscillator.stop(now + 0.4);
}

function unlockAudio() {
  if (!state.audio && window.AudioContext) state.audio = new AudioContext();
  if (state.audio && state.audio.state === "suspended") state.audio.resume();
}

function updateNotificationButton() {
  ui.notifications.hidden = !("Notification" in window) || Notification.permission !== "default";
}

// =============================================================================================
// 5. The open conversation: header, transcript, typing
// =============================================================================================

/** Show a conversation, following it over the socket the first time. */
function openConversation(id) {
  const previous = selected();
  if (previous) previous.draft = ui.reply.value;
  stopTyping();
  // A conversation we only looked at (not ours, nothing unsent) is not followed any further.
  if (previous && previous.id !== id && !isMine(previous) && !previous.outbox.length) {
    forget(previous.id);
  }
  const known = state.conversations.has(id);
  const conv = conversation(id);
  state.selected = id;
  if (!known) send({ type: "open", conversation_id: id, after: conv.lastId });
  ui.reply.value = conv.draft;
  renderConversation();
  for (const row of document.querySelectorAll(".rows .row")) {
    row.classList.toggle("selected", row.dataset.conversationId === id);
  }
}

/** Stop following a conversation: the hub stops sending its entries. */
function forget(id) {
  state.conversations.delete(id);
  send({ type: "leave", conversation_id: id });
}

/** Forget a conversation the agent no longer holds (closed, released, transferred). */
function drop(id, message) {
  forget(id);
  if (state.selected === id) {
    state.selected = null;
    renderConversation();
  }
  if (message) showBanner(message);
}

const selected = () => state.selected && state.conversations.get(state.selected);

function renderConversation() {
  const conv = selected();
  ui.chatEmpty.hidden = Boolean(conv);
  ui.chatBody.hidden = !conv;
  ui.customer.hidden = !conv || !conv.customer;
  if (!conv) return;
  renderHeader();
  ui.transcript.replaceChildren(...conv.entries.map(entryNode), ...conv.outbox.map(pendingNode));
  ui.customerTyping.hidden = !conv.typing;
  renderCustomer(conv);
  renderSuggestions(conv);
  scrollDown();
}

function renderHeader() {
  const conv = selected();
  if (!conv) return;
  const s = conv.summary;
  const mine = isMine(conv);
  ui.chatTitle.textContent = `Conversation ${conv.id.slice(0, 8)}`;
  ui.chatMeta.replaceChildren(
    badge(s.state || "…", `state ${s.state}`),
    badge(s.channel || "web", "channel"),
    s.priority ? badge(s.priority, `priority ${s.priority}`) : "",
    s.language ? badge(s.language, "lang") : "",
    s.reason ? ` escalated: ${s.reason}` : "",
    s.assignee ? ` · with ${s.assignee}` : ""
  );
  ui.claim.hidden = s.state !== "queued";
  // Only the holder (or an admin) releases or closes a conversation.
  const mayAct = mine || (state.me.role === "admin" && ["queued", "agent"].includes(s.state));
  ui.release.hidden = !mayAct;
  ui.transferForm.hidden = !mine;
  ui.closeForm.hidden = !mayAct;
  ui.reply.disabled = !mine;
  ui.replyForm.querySelector("button").disabled = !mine;
  ui.reply.placeholder = mine
    ? "Reply to the customer (Enter sends, Shift+Enter: new line)"
    : "Claim the conversation to reply.";
}

function scrollDown() {
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

const SENDER_NAMES = { customer: "Customer", bot: "Bot", system: "System" };

/** One transcript entry, with what the bot understood and why it escalated. */
function entryNode(entry) {
  const meta = entry.meta && typeof entry.meta === "object" ? entry.meta : {};
  const sender = ["customer", "bot", "agent"].includes(entry.sender) ? entry.sender : "system";
  const name = sender === "agent" ? entry.author || "Agent" : SENDER_NAMES[sender];
  const classes = [`entry`, `from-${sender}`];
  if (entry.internal) classes.push("internal");
  if (entry.event) classes.push("event");
  const notes = [];
  if (entry.internal) notes.push(badge("private note", "note"));
  if (entry.event && !entry.internal) notes.push(badge(entry.event, "event"));
  if (meta.intent) notes.push(badge(intentLabel(meta.intent, meta.confidence), "intent"));
  if (meta.reason) notes.push(badge(`reason: ${meta.reason}`, "reason"));
  if (meta.priority) notes.push(badge(meta.priority, `priority ${meta.priority}`));
  if (Array.isArray(meta.tags)) notes.push(badge(`tags: ${meta.tags.join(", ")}`));
  if (meta.to) notes.push(badge(`to ${meta.to}`));
  const link = meta.link && typeof meta.link === "object" ? meta.link : null;
  const buttons = Array.isArray(entry.buttons) && entry.buttons.length ? entry.buttons : null;
  const file = meta.attachment && typeof meta.attachment === "object" ? meta.attachment : null;
  return h(
    "li",
    {
      class: classes.join(" "),
      "data-testid": "entry",
      "data-sender": sender,
      "data-entry-id": entry.id,
    },
    h(
      "div",
      { class: "entry-head" },
      h("strong", { text: name }),
      typeof entry.ts === "number" ? h("time", { text: clock.format(entry.ts) }) : null,
      notes
    ),
    h("p", { class: "entry-text", "data-testid": "entry-text", text: String(entry.text ?? "") }),
    link
      ? h("p", { class: "entry-link" }, "Article: ", safeLink(link.url, link.title || link.url))
      : null,
    file ? attachmentNode(file) : null,
    buttons ? h("p", { class: "muted", text: `Buttons: ${buttons.join(" · ")}` }) : null
  );
}

/** A customer's file: a download link (only the agent holding the chat may fetch it). */
function attachmentNode(file) {
  const href = `/attachments/${encodeURIComponent(state.selected)}/${encodeURIComponent(file.id)}`;
  const size = `${Math.ceil(Number(file.size) / 1024)} KB`;
  return h(
    "p",
    { class: "entry-attachment", "data-testid": "attachment" },
    "File: ",
    h("a", { href, download: "", text: String(file.name ?? "file") }),
    ` (${String(file.type ?? "")}, ${size})`
  );
}

/** A reply sent but not yet confirmed by the hub (or refused). */
function pendingNode(item) {
  return h(
    "li",
    {
      class: `entry from-agent pending${item.failed ? " failed" : ""}`,
      "data-client-id": item.client_id,
    },
    h(
      "div",
      { class: "entry-head" },
      h("strong", { text: state.me.name }),
      h("span", { class: "muted", text: item.failed ? "not sent" : "sending…" })
    ),
    h("p", { class: "entry-text", text: item.text })
  );
}

function onConversation(frame) {
  const id = frame.conversation && frame.conversation.conversation_id;
  if (!state.conversations.has(id)) return; // dropped meanwhile
  const conv = conversation(id);
  conv.summary = { ...conv.summary, ...frame.conversation };
  conv.customer = frame.customer || null;
  conv.history = Array.isArray(frame.history) ? frame.history : [];
  conv.records = frame.records || null;
  if (state.selected === id) renderConversation();
}

function onEntry(frame) {
  const conv = state.conversations.get(frame.conversation_id);
  const entry = frame.entry;
  if (!conv || !entry || conv.ids.has(entry.id)) return; // unknown, or seen before a reconnect
  conv.ids.add(entry.id);
  conv.entries.push(entry);
  conv.lastId = entry.id;
  if (entry.state) followHolder(conv.summary, entry);
  const moved = MOVES[entry.event];
  if (moved) conv.summary.channel = moved;
  if (entry.sender === "customer") setCustomerTyping(conv, false);
  if (entry.client_id) confirm(conv, entry.client_id);
  if (state.selected !== conv.id) return;
  // New entries go above the replies still being sent.
  ui.transcript.insertBefore(entryNode(entry), ui.transcript.querySelector(".pending"));
  if (entry.state || moved) renderHeader();
  scrollDown();
}

/** The channel a conversation continues on after an event that moved it. */
const MOVES = { moved_to_telegram: "telegram", moved_to_web: "web" };

/** Who holds the conversation after an entry that moved it (the hub names the new state). */
function followHolder(summary, entry) {
  summary.state = entry.state;
  if (entry.event === "claimed") summary.assignee = entry.author;
  else if (entry.event === "transferred") summary.assignee = (entry.meta || {}).to;
  else if (summary.state !== "agent") summary.assignee = null;
}

function onTyping(frame) {
  const conv = state.conversations.get(frame.conversation_id);
  if (conv) setCustomerTyping(conv, frame.on === true);
}

function setCustomerTyping(conv, on) {
  clearTimeout(conv.typingTimer);
  conv.typing = on;
  if (on) conv.typingTimer = setTimeout(() => setCustomerTyping(conv, false), CUSTOMER_TYPING_MS);
  if (state.selected === conv.id) ui.customerTyping.hidden = !on;
}

// =============================================================================================
// 6. Customer panel, suggested articles, canned responses
// =============================================================================================

function renderCustomer(conv) {
  const customer = conv.customer;
  if (!customer) return;
  const fact = (label, value) => [h("dt", { text: label }), h("dd", { text: value })];
  ui.customerFacts.replaceChildren(
    ...fact("Channel", customer.channel || "?"),
    ...fact("Language", customer.language || "?"),
    ...fact("Verified", customer.verified ? "yes" : "no"),
    ...fact("Email", customer.email || "none left"),
    ...fact("Customer id", customer.id || "?"),
    ...fact("Linked ids", (customer.linked || []).join(", ") || "none")
  );
  ui.history.replaceChildren(
    ...(conv.history.length
      ? conv.history.map((past) =>
          h(
            "li",
            { "data-testid": "history-item" },
            h("span", { text: day.format(new Date(past.created_at * 1000)) }),
            badge(past.channel || "web", "channel"),
            badge(past.state, `state ${past.state}`),
            past.tags ? h("span", { class: "muted", text: `tags: ${past.tags}` }) : null,
            past.rating ? h("span", { class: "rating", text: `rated ${past.rating}/5` }) : null,
            openButton(past.conversation_id)
          )
        )
      : [h("li", { class: "muted", text: "None: a first conversation." })])
  );
  renderRecords(conv.records);
}

/** Opens a past conversation of the customer (read-only unless the agent holds it). */
const openButton = (id) =>
  h("button", {
    type: "button",
    class: "small",
    text: "Open",
    "data-testid": "history-open",
    onclick: () => openConversation(id),
  });

/** A verified customer's verification case and recent transfers, as the records say. */
function renderRecords(records) {
  ui.records.hidden = !records;
  if (!records) return;
  const fact = (label, value) => [h("dt", { text: label }), h("dd", { text: value })];
  const when = (iso) => (iso ? `${day.format(new Date(iso))} ${clock.format(new Date(iso))}` : "?");
  const verification = records.verification;
  ui.verification.replaceChildren(
    ...(!records.available
      ? fact("Records", "unavailable right now")
      : verification
        ? [
            ...fact("Verification", verification.status.replaceAll("_", " ")),
            ...fact("Submitted", when(verification.submitted_at)),
            ...(verification.reason_codes.length
              ? fact("Reasons", verification.reason_codes.join(", "))
              : []),
          ]
        : fact("Verification", "no case"))
  );
  ui.transfers.replaceChildren(
    ...records.transfers.map((transfer) =>
      h(
        "li",
        { "data-testid": "transfer-item" },
        h("strong", { text: transfer.reference }),
        badge(transfer.status.replaceAll("_", " "), `state ${transfer.status}`),
        h("span", { text: `${transfer.send_amount} ${transfer.send_currency}` }),
        h("span", { class: "muted", text: `to ${transfer.recipient} (${transfer.to_country})` }),
        transfer.expected_arrival
          ? h("span", { class: "muted", text: `due ${when(transfer.expected_arrival)}` })
          : null
      )
    )
  );
}

function onSuggestions(frame) {
  const conv = state.conversations.get(frame.conversation_id);
  if (!conv) return;
  conv.suggestions = Array.isArray(frame.articles) ? frame.articles : [];
  if (state.selected === conv.id) renderSuggestions(conv);
}

function renderSuggestions(conv) {
  ui.suggestions.hidden = !conv.suggestions.length || !isMine(conv);
  ui.suggestions.replaceChildren(
    h("span", { class: "muted", text: "Suggested:" }),
    ...conv.suggestions.map((article) => {
      const label = `${article.title} (${Math.round(article.confidence * 100)}%)`;
      const button = h("button", {
        type: "button",
        class: "small chip",
        "data-testid": "suggestion",
        title: article.short_answer,
        text: label,
      });
      button.addEventListener("click", () => insertArticle(article));
      return button;
    })
  );
}

/** Put an article's short answer and its link into the reply box, for the agent to edit. */
function insertArticle(article) {
  const text = `${article.short_answer}\n${article.url}`;
  ui.reply.value = ui.reply.value.trim() ? `${ui.reply.value.trimEnd()}\n\n${text}` : text;
  ui.reply.focus();
}

function search() {
  const query = ui.search.value.trim();
  if (!query) return;
  const conv = selected();
  const language = (conv && conv.summary.language) || state.languages[0];
  state.searchQuery = query;
  send({ type: "search", query, language });
}

function onArticles(frame) {
  if (frame.query !== state.searchQuery) return; // an older search
  const articles = Array.isArray(frame.articles) ? frame.articles : [];
  ui.articles.replaceChildren(
    ...(articles.length
      ? articles.map((article) => {
          const insert = h("button", {
            type: "button",
            class: "small",
            "data-testid": "canned-insert",
            text: "Insert",
          });
          insert.addEventListener("click", () => insertArticle(article));
          return h(
            "li",
            { "data-testid": "canned-item" },
            h("strong", { text: article.title }),
            h("p", { class: "muted", text: article.short_answer }),
            h("div", { class: "row-foot" }, safeLink(article.url, "Open article"), insert)
          );
        })
      : [h("li", { class: "muted", text: "No article matches." })])
  );
}

// =============================================================================================
// 7. Sending: replies (with an outbox), notes, typing, claim, transfer, release, close
// =============================================================================================

function sendMessage(conv, item) {
  const frame = { conversation_id: conv.id, text: item.text, client_id: item.client_id };
  request("message", frame, item.client_id);
}

/** The hub stored the reply: it leaves the outbox, and its "sending…" row the screen. */
function confirm(conv, clientId) {
  conv.outbox = conv.outbox.filter((item) => item.client_id !== clientId);
  if (state.selected !== conv.id) return;
  for (const row of ui.transcript.querySelectorAll(".pending")) {
    if (row.dataset.clientId === clientId) row.remove();
  }
}

function submitReply() {
  const conv = selected();
  const text = ui.reply.value.trim();
  if (!conv || !text || !isMine(conv)) return;
  const item = { client_id: uuid(), text, failed: false };
  conv.outbox.push(item);
  ui.transcript.append(pendingNode(item));
  scrollDown();
  sendMessage(conv, item); // if offline, onHello sends it
  ui.reply.value = "";
  stopTyping();
}

/** "typing on" at most every 2 s while the agent types; "off" after 3 s idle or on send. */
function agentTyped() {
  const conv = selected();
  if (!conv || !isMine(conv)) return;
  clearTimeout(state.typingIdle);
  state.typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  if (Date.now() - state.typingSentAt < TYPING_EVERY_MS) return;
  state.typingSentAt = Date.now();
  send({ type: "typing", conversation_id: conv.id, on: true });
}

function stopTyping() {
  clearTimeout(state.typingIdle);
  const conv = selected();
  if (!state.typingSentAt || !conv) return;
  state.typingSentAt = 0;
  send({ type: "typing", conversation_id: conv.id, on: false });
}

function onDone(frame) {
  const asked = state.requests.get(frame.request);
  if (!asked) return;
  state.requests.delete(frame.request);
  const conv = state.conversations.get(asked.conversationId);
  if (asked.kind === "message" && conv) {
    confirm(conv, frame.request);
  } else if (asked.kind === "close") {
    drop(asked.conversationId, "Conversation closed. The customer is asked to rate it.");
  } else if (asked.kind === "release") {
    drop(asked.conversationId, "The bot has the conversation again.");
  } else if (asked.kind === "transfer") {
    drop(asked.conversationId, "Conversation transferred.");
  }
}

function onError(frame) {
  const asked = frame.request && state.requests.get(frame.request);
  state.requests.delete(frame.request);
  showBanner(frame.message || frame.code || "The hub refused that."); // e.g. too_long
  if (asked && asked.kind === "note" && !ui.note.value && state.selected === asked.conversationId) {
    ui.note.value = asked.text; // refused: the agent gets the note back to shorten it
  }
  if (!asked || asked.kind !== "message") return;
  const conv = state.conversations.get(asked.conversationId);
  const item = conv && conv.outbox.find((i) => i.client_id === frame.request);
  if (!item) return;
  item.failed = true; // kept on screen, marked: the agent may copy it
  if (state.selected === conv.id) renderConversation();
}

function act(kind, extra) {
  const conv = selected();
  if (conv) request(kind, { conversation_id: conv.id, ...extra });
}

// =============================================================================================
// 8. Start
// =============================================================================================

function bind() {
  const listClick = (event) => {
    const claim = event.target.closest("[data-claim]");
    const row = event.target.closest(".row");
    if (!row) return;
    openConversation(row.dataset.conversationId);
    if (claim) request("claim", { conversation_id: claim.dataset.claim });
  };
  for (const list of [ui.queue, ui.mine]) {
    list.addEventListener("click", listClick);
    list.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.classList.contains("row")) listClick(event);
    });
  }
  ui.queueMore.addEventListener("click", () => send({ type: "queue_more" }));
  ui.claim.addEventListener("click", () => act("claim"));
  ui.release.addEventListener("click", () => act("release"));
  ui.replyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    submitReply();
  });
  ui.reply.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submitReply();
    }
  });
  ui.reply.addEventListener("input", agentTyped);
  ui.noteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = ui.note.value.trim();
    if (!text) return;
    act("note", { text });
    ui.note.value = "";
  });
  ui.transferForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const to = ui.transferTo.value.trim().toLowerCase();
    if (to) act("transfer", { to });
  });
  ui.closeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const tags = ui.closeTags.value.split(",").map((tag) => tag.trim()).filter(Boolean);
    act("close", { tags: tags.slice(0, 10) });
    ui.closeTags.value = "";
  });
  ui.searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  ui.logout.addEventListener("click", () => logOut());
  ui.logoutEverywhere.addEventListener("click", () => logOut({ everywhere: true }));
  ui.notifications.addEventListener("click", () =>
    Notification.requestPermission().then(updateNotificationButton)
  );
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, unlockAudio);
  }
}

async function start() {
  let me;
  try {
    me = await whoAmI();
  } catch (error) {
    showBanner(`${error.message} Reload the page to try again.`);
    return;
  }
  if (!me) return; // on the way to the login page
  if (me.role !== "agent" && me.role !== "admin") {
    setConnection("offline", "Not an agent");
    showBanner(`The console is for agents; ${me.name} is logged in as ${me.role}.`);
    return;
  }
  state.me = me;
  ui.agentName.textContent = `${me.name} · ${me.role} · customers see ${me.display_name}`;
  bind();
  updateNotificationButton();
  setInterval(tick, 1000);
  connect();
}

start();
