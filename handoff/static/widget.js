/*
 * Baton chat widget.
 *
 * Embed it on any page with one tag:
 *   <script src="https://HOST/static/widget.js" defer data-title="Support" data-language="auto"></script>
 *
 * What it does, in the order this file is written:
 *   1. Works out where it was loaded from (the hub's origin) and its settings.
 *   2. Builds its DOM inside an open shadow root, styled by widget.css from the same folder,
 *      so the host page's CSS cannot reach it (and ours cannot leak out).
 *   3. Renders transcript entries, pending messages, bot buttons, the typing dots, errors.
 *   4. Talks to the hub over a WebSocket (/ws/widget): hello -> welcome -> entries, and
 *      reconnects with exponential backoff when the connection drops.
 *   5. Never loses a message: whatever the customer sends goes into an outbox (memory and
 *      localStorage) first, and leaves it only when the hub echoes the entry with the same
 *      client_id. Resending is safe because the hub stores a client_id once.
 *
 * Security: the page runs under a strict Content-Security-Policy. Nothing here uses innerHTML,
 * inline styles or eval; everything from the hub or the customer is set with textContent, so a
 * message like <img src=x onerror=alert(1)> is shown literally.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------
  // 1. Settings
  // ---------------------------------------------------------------------------------------

  // document.currentScript only exists while this file first runs, so capture it now.
  const script =
    document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || !script.src || window.BatonWidget) return; // not found, or loaded twice

  const SCRIPT_URL = new URL(script.src, document.baseURI);
  const CSS_URL = new URL("widget.css" + SCRIPT_URL.search, SCRIPT_URL).href;
  const SOCKET_URL =
    (SCRIPT_URL.protocol === "https:" ? "wss://" : "ws://") + SCRIPT_URL.host + "/ws/widget";
  const TITLE = (script.dataset.title || "").trim() || "Support";
  const LANGUAGE = chooseLanguage(script.dataset.language);

  const MAX_LENGTH = 4000; // the hub refuses longer messages; we only warn (see updateCounter)
  const COUNTER_FROM = 3000; // show the character counter from this length on
  const MAX_ROWS = 6; // the textarea grows up to this many lines, then scrolls
  const ERROR_HIDE_MS = 8000;
  const TYPING_SAFETY_MS = 30000; // hide the dots if the hub never says "typing off"
  const HELLO_TIMEOUT_MS = 10000; // no welcome this long after opening: try again
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 15000;
  const LOADED_AT = Date.now();

  const KEY_TOKEN = "baton.token"; // localStorage: the signed conversation token
  const KEY_OUTBOX = "baton.outbox"; // localStorage: messages not yet confirmed by the hub
  const KEY_OPEN = "baton.open"; // sessionStorage: whether the panel is open

  const STRINGS = {
    en: {
      open: "Open chat",
      close: "Close chat",
      placeholder: "Type your message…",
      send: "Send",
      online: "Typically replies instantly",
      connecting: "Connecting…",
      reconnecting: "Reconnecting…",
      sending: "sending…",
      failed: "Not sent",
      dismiss: "Dismiss",
      typing: "Typing…",
      conversation: "Conversation",
      agent: "Support agent",
      readMore: "Read the full article",
      intro: "Hi! Ask us anything about sending money. We answer in English and Korean.",
      powered: "Powered by Baton",
    },
    ko: {
      open: "채팅 열기",
      close: "채팅 닫기",
      placeholder: "메시지를 입력하세요…",
      send: "보내기",
      online: "보통 바로 답변해 드려요",
      connecting: "연결하는 중…",
      reconnecting: "다시 연결하는 중…",
      sending: "보내는 중…",
      failed: "보내지 못함",
      dismiss: "닫기",
      typing: "입력 중…",
      conversation: "대화",
      agent: "상담원",
      readMore: "도움말 전체 보기",
      intro: "안녕하세요! 송금에 관해 무엇이든 물어보세요. 한국어와 영어로 답변해 드려요.",
      powered: "Powered by Baton",
    },
  };
  const t = STRINGS[LANGUAGE];

  /** "en" or "ko": the data-language attribute if it names one, else the browser's language. */
  function chooseLanguage(attribute) {
    const wanted = (attribute || "").toLowerCase();
    if (wanted === "en" || wanted === "ko") return wanted;
    return (navigator.language || "").toLowerCase().startsWith("ko") ? "ko" : "en";
  }

  // Storage can be missing or throw (privacy modes, blocked cookies): then we live in memory.
  function storage(name) {
    try {
      return window[name];
    } catch {
      return null;
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  function load(store, key) {
    try {
      return store ? store.getItem(key) : null;
    } catch {
      return null;
    }
  }

  function save(store, key, value) {
    try {
      if (!store) return;
      if (value === null) store.removeItem(key);
      else store.setItem(key, value);
    } catch {
      // Full or blocked: the in-memory state still works for this page.
    }
  }

  /** A random UUID; crypto.randomUUID needs a secure context, so fall back on plain http. */
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Length in code points, as the hub (Python's len) counts it. */
  function lengthOf(text) {
    return Array.from(text).length;
  }

  // ---------------------------------------------------------------------------------------
  // 2. DOM
  // ---------------------------------------------------------------------------------------

  /** document.createElement with attributes; "text" sets textContent (never HTML). */
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    if (children) node.append(...children);
    return node;
  }

  const SVG_NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    // A speech bubble with three dots cut out (fill-rule evenodd).
    chat:
      "M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3H10l-5 4v-4a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z" +
      "M6.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z" +
      "M10.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z" +
      "M14.5 10.5a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0z",
    send: "M3.4 20.4 21 12 3.4 3.6v6.5L15 12 3.4 13.9z",
    close: "M6 6l12 12M18 6 6 18",
  };

  /** An inline SVG icon, built node by node (no markup strings). */
  function icon(name) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", `baton-icon baton-icon-${name}`);
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", ICONS[name]);
    if (name === "chat") path.setAttribute("fill-rule", "evenodd");
    svg.append(path);
    return svg;
  }

  // The host element and its shadow root. The root stays hidden until widget.css has loaded,
  // so the widget never flashes unstyled.
  const host = document.createElement("baton-widget");
  const shadow = host.attachShadow({ mode: "open" });
  const stylesheet = el("link", { rel: "stylesheet", href: CSS_URL });
  const root = el("div", { class: "baton-root", lang: LANGUAGE });
  root.hidden = true;
  const reveal = () => (root.hidden = false);
  stylesheet.addEventListener("load", reveal);
  stylesheet.addEventListener("error", reveal); // unstyled beats invisible
  shadow.append(stylesheet, root);

  const unreadDot = el("span", { class: "baton-unread", "aria-hidden": "true" });
  const launcher = el(
    "button",
    {
      type: "button",
      class: "baton-launcher",
      "data-testid": "baton-launcher",
      "aria-label": t.open,
      "aria-expanded": "false",
      "aria-controls": "baton-panel",
    },
    [icon("chat"), unreadDot]
  );

  const status = el("p", { class: "baton-status", "data-testid": "baton-status" });
  const closeButton = el(
    "button",
    { type: "button", class: "baton-close", "aria-label": t.close },
    [icon("close")]
  );
  const header = el("header", { class: "baton-header" }, [
    el("div", { class: "baton-avatar", "aria-hidden": "true", text: TITLE.charAt(0) }),
    el("div", { class: "baton-heading" }, [
      el("h2", { class: "baton-title", id: "baton-title", text: TITLE }),
      status,
    ]),
    closeButton,
  ]);

  // The message list. Rows go in this order: confirmed entries, pending messages, typing dots.
  const intro = el("p", { class: "baton-intro", text: t.intro });
  const typing = el(
    "div",
    { class: "baton-row baton-from-bot baton-typing-row", "data-testid": "baton-typing" },
    [
      el("div", { class: "baton-typing", "aria-hidden": "true" }, [
        el("span"),
        el("span"),
        el("span"),
      ]),
      el("span", { class: "baton-sr", text: t.typing }),
    ]
  );
  typing.hidden = true;
  const list = el(
    "div",
    {
      class: "baton-messages",
      "data-testid": "baton-messages",
      role: "log",
      "aria-live": "polite",
      "aria-label": t.conversation,
      tabindex: "0",
    },
    [intro, typing]
  );

  const errorText = el("p", { class: "baton-error-text" });
  const errorClose = el(
    "button",
    { type: "button", class: "baton-error-close", "aria-label": t.dismiss },
    [icon("close")]
  );
  const errorBanner = el(
    "div",
    { class: "baton-error", role: "alert", "data-testid": "baton-error" },
    [errorText, errorClose]
  );
  errorBanner.hidden = true;

  const input = el("textarea", {
    class: "baton-input",
    "data-testid": "baton-input",
    rows: "1",
    placeholder: t.placeholder,
    "aria-label": t.placeholder,
    enterkeyhint: "send",
  });
  const sendButton = el(
    "button",
    { type: "submit", class: "baton-send", "data-testid": "baton-send", "aria-label": t.send },
    [icon("send")]
  );
  const counter = el("span", { class: "baton-counter", "data-testid": "baton-counter" });
  counter.hidden = true;
  const composer = el("form", { class: "baton-composer" }, [input, sendButton]);
  const footer = el("div", { class: "baton-footer" }, [
    counter,
    el("span", { class: "baton-powered", text: t.powered }),
  ]);

  const panel = el(
    "section",
    {
      class: "baton-panel",
      id: "baton-panel",
      role: "dialog",
      "aria-labelledby": "baton-title",
      "data-testid": "baton-panel",
    },
    [header, list, errorBanner, composer, footer]
  );
  panel.hidden = true;
  root.append(panel, launcher);

  // ---------------------------------------------------------------------------------------
  // 3. State and rendering
  // ---------------------------------------------------------------------------------------

  const state = {
    socket: null, // the current WebSocket, or null while disconnected
    welcomed: false, // the hub answered our hello: frames may be sent
    everWelcomed: false,
    attempt: 0, // reconnect attempts since the last welcome (drives the backoff)
    retryTimer: 0,
    helloTimer: 0,
    errorTimer: 0,
    typingTimer: 0,
    lastId: null, // id of the last entry rendered in this page life (sent in hello)
    rendered: new Map(), // entry id -> row, so each entry is rendered once
    pending: new Map(), // client_id -> row of a message not yet confirmed
    outbox: loadOutbox(), // [{type, text, client_id, title?, payload?}] in sending order
    liveChoices: null, // the buttons under the last bot entry
    open: false,
  };

  function loadOutbox() {
    try {
      const items = JSON.parse(load(local, KEY_OUTBOX) || "[]");
      return Array.isArray(items)
        ? items.filter((i) => i && typeof i.client_id === "string" && typeof i.text === "string")
        : [];
    } catch {
      return [];
    }
  }

  function saveOutbox() {
    save(local, KEY_OUTBOX, state.outbox.length ? JSON.stringify(state.outbox) : null);
  }

  function setStatus(kind) {
    status.textContent = t[kind];
    status.dataset.state = kind; // "online" | "connecting" | "reconnecting"
  }

  function scrollToBottom() {
    list.scrollTop = list.scrollHeight;
  }

  function updateIntro() {
    intro.hidden = list.querySelector(".baton-row:not(.baton-typing-row)") !== null;
  }

  /** One row: a bubble (text only, so its text is exactly the message) plus extras after it. */
  function makeRow(sender, text) {
    const row = el("div", { class: `baton-row baton-from-${sender}` });
    const bubble = el("div", {
      class: "baton-bubble",
      "data-testid": "baton-message",
      "data-sender": sender,
    });
    bubble.textContent = text;
    row.append(bubble);
    return { row, bubble };
  }

  /** Where new confirmed entries go: before the first pending message (or the typing dots). */
  function insertionPoint() {
    const firstPending = state.pending.values().next().value;
    return firstPending || typing;
  }

  function renderEntry(frame) {
    const known = ["customer", "bot", "agent", "system"];
    const sender = known.includes(frame.sender) ? frame.sender : "system";
    const { row, bubble } = makeRow(sender, String(frame.text ?? ""));
    bubble.dataset.entryId = frame.id;
    if (typeof frame.ts === "number") {
      bubble.title = new Date(frame.ts).toLocaleString(LANGUAGE === "ko" ? "ko-KR" : "en-GB");
    }
    const before = insertionPoint();
    const previous = before.previousElementSibling;
    if (sender === "agent" && !(previous && previous.classList.contains("baton-from-agent"))) {
      row.prepend(el("span", { class: "baton-sender", text: t.agent }));
    }
    const link = articleLink(frame.link);
    if (link) row.append(link);
    if (sender === "bot" || sender === "agent") {
      // Only the newest bot entry keeps its buttons.
      if (state.liveChoices) state.liveChoices.remove();
      state.liveChoices = null;
      const buttons = Array.isArray(frame.buttons) ? frame.buttons : [];
      if (buttons.length) state.liveChoices = renderChoices(buttons);
      if (state.liveChoices) row.append(state.liveChoices);
    }
    list.insertBefore(row, before);
    return row;
  }

  /** "Read the full article" under a bot answer; only http(s) links, opened in a new tab. */
  function articleLink(link) {
    const url = link && typeof link.url === "string" ? link.url : "";
    if (!/^https?:\/\//i.test(url)) return null;
    const label = `${t.readMore}${link.title ? `: ${link.title}` : ""}`;
    return el("a", {
      class: "baton-link",
      href: url,
      target: "_blank",
      rel: "noopener noreferrer",
      "data-testid": "baton-link",
      text: label,
    });
  }

  /** The bot's quick replies, as real buttons; a click sends what the customer "said". */
  function renderChoices(buttons) {
    const box = el("div", { class: "baton-choices" });
    for (const choice of buttons) {
      if (!choice || choice.title == null) continue;
      const title = String(choice.title);
      const payload = choice.payload == null ? "" : String(choice.payload);
      const button = el("button", {
        type: "button",
        class: "baton-choice",
        "data-testid": "baton-button",
        text: title,
      });
      button.addEventListener("click", () => {
        for (const other of box.querySelectorAll("button")) other.disabled = true;
        button.classList.add("is-chosen");
        enqueue({ type: "button", text: title, title, payload, client_id: uuid() });
      });
      box.append(button);
    }
    return box.childElementCount ? box : null;
  }

  /** Shows an outbox message at once, dimmed, until the hub confirms it. */
  function renderPending(item) {
    const { row, bubble } = makeRow("customer", item.text);
    bubble.dataset.pending = "true";
    row.classList.add("is-pending");
    row.append(el("span", { class: "baton-meta", text: t.sending }));
    list.insertBefore(row, typing);
    state.pending.set(item.client_id, row);
  }

  /** The hub stored our message: drop it from the outbox; its entry replaces the bubble. */
  function confirmPending(clientId) {
    const row = state.pending.get(clientId);
    if (row) row.remove();
    state.pending.delete(clientId);
    forget(clientId);
  }

  /** The hub refused our message (too long, empty...): keep it visible, marked as not sent. */
  function failPending(clientId) {
    const row = state.pending.get(clientId);
    forget(clientId);
    if (!row) return;
    state.pending.delete(clientId);
    row.classList.replace("is-pending", "is-failed");
    const bubble = row.querySelector(".baton-bubble");
    delete bubble.dataset.pending;
    bubble.dataset.failed = "true";
    row.querySelector(".baton-meta").textContent = t.failed;
    // Pending rows stay last: move the failed one above them, where it was sent.
    list.insertBefore(row, insertionPoint());
  }

  function forget(clientId) {
    const before = state.outbox.length;
    state.outbox = state.outbox.filter((item) => item.client_id !== clientId);
    if (state.outbox.length !== before) saveOutbox();
  }

  /** A new conversation (welcome with resumed=false): clear everything but the outbox. */
  function clearConversation() {
    for (const row of list.querySelectorAll(".baton-row:not(.is-pending):not(.baton-typing-row)")) {
      row.remove();
    }
    state.rendered.clear();
    state.lastId = null;
    state.liveChoices = null;
    updateIntro();
  }

  function showError(message) {
    errorText.textContent = message;
    errorBanner.hidden = false;
    clearTimeout(state.errorTimer);
    state.errorTimer = setTimeout(hideError, ERROR_HIDE_MS);
  }

  function hideError() {
    clearTimeout(state.errorTimer);
    errorBanner.hidden = true;
  }

  function setTyping(on) {
    clearTimeout(state.typingTimer);
    typing.hidden = !on;
    if (on) {
      state.typingTimer = setTimeout(() => setTyping(false), TYPING_SAFETY_MS);
      scrollToBottom();
    }
  }

  // ---------------------------------------------------------------------------------------
  // 4. Connection
  // ---------------------------------------------------------------------------------------

  function connect() {
    clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    if (state.socket) return;
    setStatus(state.everWelcomed || state.attempt > 0 ? "reconnecting" : "connecting");
    let socket;
    try {
      socket = new WebSocket(SOCKET_URL);
    } catch {
      scheduleReconnect(); // e.g. blocked by the host page's CSP
      return;
    }
    state.socket = socket;
    socket.addEventListener("open", () => {
      const hello = {
        type: "hello",
        token: load(local, KEY_TOKEN),
        last_id: state.lastId,
        language: LANGUAGE,
      };
      socket.send(JSON.stringify(hello));
      state.helloTimer = setTimeout(() => socket.close(), HELLO_TIMEOUT_MS);
    });
    socket.addEventListener("message", (event) => {
      if (socket === state.socket) handleFrame(event.data);
    });
    // An "error" event is always followed by "close", so reconnecting happens only there.
    socket.addEventListener("close", () => {
      if (socket !== state.socket) return;
      clearTimeout(state.helloTimer);
      state.socket = null;
      state.welcomed = false;
      setTyping(false);
      scheduleReconnect();
    });
  }

  /** Try again after 0.5 s, 1, 2, 4... capped at 15 s, each ±25 % so clients don't stampede. */
  function scheduleReconnect() {
    setStatus("reconnecting");
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** state.attempt);
    const delay = Math.min(BACKOFF_MAX_MS, base * (0.75 + Math.random() * 0.5));
    state.attempt = Math.min(state.attempt + 1, 10);
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(connect, delay);
  }

  /** Back online or back to the tab: don't wait for the backoff. */
  function reconnectNow() {
    if (state.socket || !state.retryTimer) return;
    state.attempt = 0;
    connect();
  }

  function sendFrame(frame) {
    if (!state.welcomed || !state.socket || state.socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    try {
      state.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  function frameFor(item) {
    return item.type === "button"
      ? { type: "button", title: item.title, payload: item.payload, client_id: item.client_id }
      : { type: "message", text: item.text, client_id: item.client_id };
  }

  function handleFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    if (frame.type === "welcome") onWelcome(frame);
    else if (frame.type === "entry") onEntry(frame);
    else if (frame.type === "typing") setTyping(frame.on === true);
    else if (frame.type === "error") onError(frame);
  }

  function onWelcome(frame) {
    clearTimeout(state.helloTimer);
    if (typeof frame.token === "string" && frame.token) save(local, KEY_TOKEN, frame.token);
    if (frame.resumed !== true) clearConversation();
    state.welcomed = true;
    state.everWelcomed = true;
    state.attempt = 0;
    setStatus("online");
    // Resend everything not yet confirmed; the hub stores each client_id only once.
    for (const item of state.outbox) sendFrame(frameFor(item));
  }

  function onEntry(frame) {
    if (frame.id == null) return;
    const id = String(frame.id);
    if (typeof frame.client_id === "string") confirmPending(frame.client_id);
    if (state.rendered.has(id)) return; // already shown (e.g. replayed after a reconnect)
    state.rendered.set(id, renderEntry({ ...frame, id }));
    state.lastId = id;
    const fromSupport = frame.sender === "bot" || frame.sender === "agent";
    if (fromSupport && !state.open && (frame.ts || 0) >= LOADED_AT - 5000) {
      launcher.classList.add("has-unread");
    }
    updateIntro();
    scrollToBottom();
  }

  function onError(frame) {
    const message = typeof frame.message === "string" ? frame.message : String(frame.code || "");
    if (message) showError(message);
    if (typeof frame.client_id === "string") {
      failPending(frame.client_id);
    } else if (frame.code === "too_long") {
      // An older hub that does not name the message: fail whatever is too long.
      for (const item of [...state.outbox]) {
        if (lengthOf(item.text) > MAX_LENGTH) failPending(item.client_id);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // 5. Sending, the composer, opening and closing
  // ---------------------------------------------------------------------------------------

  /** Outbox first (memory + localStorage), then on screen, then on the wire if we can. */
  function enqueue(item) {
    state.outbox.push(item);
    saveOutbox();
    renderPending(item);
    updateIntro();
    scrollToBottom();
    if (!sendFrame(frameFor(item)) && !state.socket && !state.retryTimer) connect();
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return; // nothing but whitespace: nothing to send
    enqueue({ type: "message", text, client_id: uuid() });
    input.value = "";
    autoGrow();
    updateCounter();
    input.focus();
  }

  /** Grow the textarea with its content by setting rows (no inline styles under our CSP). */
  function autoGrow() {
    input.rows = 1;
    const style = getComputedStyle(input);
    const lineHeight = parseFloat(style.lineHeight) || 20;
    const padding = (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
    const lines = Math.round((input.scrollHeight - padding) / lineHeight);
    input.rows = Math.max(1, Math.min(MAX_ROWS, lines));
  }

  /** "4012 / 4000", red when over. Sending stays allowed: the hub has the last word. */
  function updateCounter() {
    const length = lengthOf(input.value.trim());
    counter.hidden = length < COUNTER_FROM;
    counter.textContent = `${length} / ${MAX_LENGTH}`;
    counter.classList.toggle("is-over", length > MAX_LENGTH);
    composer.classList.toggle("is-empty", length === 0);
  }

  function open(options = {}) {
    if (!state.open) {
      state.open = true;
      panel.hidden = false;
      root.classList.add("is-open");
      launcher.setAttribute("aria-expanded", "true");
      launcher.classList.remove("has-unread");
      save(session, KEY_OPEN, "1");
      if (!state.socket && !state.retryTimer) connect();
      autoGrow();
      scrollToBottom();
    }
    if (options.focus !== false) input.focus();
  }

  function close() {
    if (!state.open) return;
    const focusWasInside = panel.contains(shadow.activeElement);
    state.open = false;
    panel.hidden = true;
    root.classList.remove("is-open");
    launcher.setAttribute("aria-expanded", "false");
    save(session, KEY_OPEN, "0");
    if (focusWasInside) launcher.focus();
  }

  // The launcher only opens (clicking it while open focuses the input); the header's button
  // and Escape close.
  launcher.addEventListener("click", () => open());
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
  });
  errorClose.addEventListener("click", () => {
    hideError();
    input.focus();
  });
  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter is a new line; never while an IME (Korean!) is composing.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submit();
  });
  input.addEventListener("input", () => {
    autoGrow();
    updateCounter();
  });
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });

  // ---------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------

  function start() {
    document.body.append(host);
    setStatus("connecting");
    updateCounter();
    for (const item of state.outbox) renderPending(item); // left over from before a reload
    updateIntro();
    if (load(session, KEY_OPEN) === "1") open({ focus: false });
    // Connect now for a returning visitor or unsent messages; a new visitor connects on open,
    // so merely viewing a page does not create a conversation.
    if (!state.socket && (load(local, KEY_TOKEN) || state.outbox.length)) connect();
  }

  window.BatonWidget = Object.freeze({
    open: () => open(),
    close: () => close(),
  });

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
