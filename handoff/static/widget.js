/*
 * Baton chat widget.
 *
 * Embed it on any page with one tag:
 *   <script src="https://HOST/static/widget.js" defer data-title="Support" data-language="auto"></script>
 * For a signed-in user, the site's server adds data-user-id="ID" and
 * data-user-hash="hex(HMAC-SHA256(BATON_IDENTITY_SECRET, ID))": the agent sees them as verified.
 * Each user's conversation token is kept apart (keyed by their id); the site calls
 * Baton.signOut() when the user signs out, and the widget forgets their conversation.
 *
 * What it does, in the order this file is written:
 *   1. Works out where it was loaded from (the hub's origin) and its settings.
 *   2. Builds its DOM inside an open shadow root, styled by widget.css from the same folder,
 *      so the host page's CSS cannot reach it (and ours cannot leak out).
 *   3. Renders transcript entries, pending messages, bot buttons, the typing dots, errors.
 *   4. Talks to the hub over a WebSocket (/ws/widget): hello -> welcome -> entries, and
 *      reconnects with exponential backoff when the connection drops. A new conversation
 *      starts with the customer's first message: the hub then sends its token ("conversation").
 *   5. Never loses a message: whatever the customer sends goes into an outbox (memory and
 *      localStorage) first, and leaves it only when the hub echoes the entry with the same
 *      client_id. Resending is safe because the hub stores a client_id once.
 *   6. The way to a person: "Talk to a person", the live place in the queue (or, with nobody
 *      available, an email address to be told of a reply), typing both ways while a person
 *      holds the chat, the rating after an agent closes it. Once closed, the next message
 *      starts a new conversation (hello with "new": true; the hub keeps the same customer).
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
  const USER_ID = script.dataset.userId || null; // a signed-in user, vouched for by USER_HASH
  const USER_HASH = script.dataset.userHash || null;

  const COUNTER_FROM = 0.75; // show the character counter from this share of the hub's limit on
  const MAX_ROWS = 6; // the textarea grows up to this many lines, then scrolls
  const ERROR_HIDE_MS = 8000;
  const TYPING_SAFETY_MS = 30000; // hide the dots if the hub never says "typing off"
  const TYPING_EVERY_MS = 2000; // "typing on" at most this often while the customer types
  const TYPING_IDLE_MS = 3000; // then "typing off" after this long without a key
  const HELLO_TIMEOUT_MS = 10000; // no welcome this long after opening: try again
  const BACKOFF_FIRST_MS = 500;
  const BACKOFF_MAX_MS = 15000;
  const LOADED_AT = Date.now();

  // A signed-in user's token and outbox are theirs alone: another user (or nobody, signed out)
  // on the same browser never resumes their conversation.
  const USER_KEY = USER_ID ? ".user." + encodeURIComponent(USER_ID) : "";
  const KEY_TOKEN = "baton.token" + USER_KEY; // localStorage: the signed conversation token
  const KEY_OUTBOX = "baton.outbox" + USER_KEY; // localStorage: messages not yet confirmed
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
      refused: "Unavailable",
      sending: "sending…",
      failed: "Not sent",
      dismiss: "Dismiss",
      typing: "Typing…",
      conversation: "Conversation",
      agent: "Support agent",
      readMore: "Read the full article",
      intro: "Hi! Ask us anything about sending money. We answer in English and Korean.",
      powered: "Powered by Baton",
      handoff: "Talk to a person",
      telegram: "Continue in Telegram",
      openTelegram: "Open Telegram to continue (the link works once, for 10 minutes)",
      place: "You are number {position} in the queue",
      waitMinutes: "about {minutes} minutes",
      waitMinute: "about a minute",
      noAgent: "No agent is available right now.",
      afterHours: "We are outside business hours: no agent is available right now.",
      emailOffer: "Leave your email and we will write to you as soon as an agent replies.",
      email: "Your email address",
      notify: "Notify me",
      rate: "Rate {score} out of 5",
      comment: "Anything to add? (optional)",
      sendRating: "Send rating",
    },
    ko: {
      open: "채팅 열기",
      close: "채팅 닫기",
      placeholder: "메시지를 입력하세요…",
      send: "보내기",
      online: "보통 바로 답변해 드려요",
      connecting: "연결하는 중…",
      reconnecting: "다시 연결하는 중…",
      refused: "사용할 수 없음",
      sending: "보내는 중…",
      failed: "보내지 못함",
      dismiss: "닫기",
      typing: "입력 중…",
      conversation: "대화",
      agent: "상담원",
      readMore: "도움말 전체 보기",
      intro: "안녕하세요! 송금에 관해 무엇이든 물어보세요. 한국어와 영어로 답변해 드려요.",
      powered: "Powered by Baton",
      handoff: "상담원 연결",
      telegram: "텔레그램으로 이어가기",
      openTelegram: "텔레그램을 열어 이어서 대화하세요 (링크는 10분 동안 한 번만 사용할 수 있습니다)",
      place: "대기 순서: {position}번째",
      waitMinutes: "약 {minutes}분 예상",
      waitMinute: "약 1분 예상",
      noAgent: "지금은 연결 가능한 상담원이 없습니다.",
      afterHours: "지금은 상담 시간이 아니어서 연결 가능한 상담원이 없습니다.",
      emailOffer: "이메일을 남겨 주시면 상담원이 답변하는 대로 알려 드릴게요.",
      email: "이메일 주소",
      notify: "알림 받기",
      rate: "5점 만점에 {score}점",
      comment: "더 하실 말씀이 있나요? (선택)",
      sendRating: "평가 보내기",
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

  /** A string with {name} placeholders filled in. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
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

  // The place in the queue, and the email offer when nobody can answer now.
  const queueText = el("p", { class: "baton-queue-text", "data-testid": "baton-queue-text" });
  const emailInput = el("input", {
    type: "email",
    class: "baton-email",
    "data-testid": "baton-email",
    placeholder: t.email,
    "aria-label": t.email,
    maxlength: "254",
    required: "",
  });
  const emailForm = el("form", { class: "baton-email-form" }, [
    el("p", { text: t.emailOffer }),
    emailInput,
    el("button", {
      type: "submit",
      class: "baton-choice",
      "data-testid": "baton-email-send",
      text: t.notify,
    }),
  ]);
  const queueBar = el(
    "div",
    { class: "baton-queue", role: "status", "data-testid": "baton-queue" },
    [queueText, emailForm]
  );
  queueBar.hidden = true;

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
  const handoffButton = el("button", {
    type: "button",
    class: "baton-handoff",
    "data-testid": "baton-handoff",
    text: t.handoff,
  });
  const telegramButton = el("button", {
    type: "button",
    class: "baton-handoff",
    "data-testid": "baton-telegram",
    text: t.telegram,
  });
  telegramButton.hidden = true; // until the hub says its Telegram channel is on
  const telegramLink = el("a", {
    class: "baton-telegram-link",
    "data-testid": "baton-telegram-link",
    target: "_blank",
    rel: "noopener noreferrer",
    text: t.openTelegram,
  });
  telegramLink.hidden = true;
  const footer = el("div", { class: "baton-footer" }, [
    handoffButton,
    telegramButton,
    telegramLink,
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
    [header, queueBar, list, errorBanner, composer, footer]
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
    conversationState: "bot", // bot | queued | agent | closed, from welcome and event entries
    refused: false, // the hub rejected this page's signed user id: stop reconnecting
    startNew: false, // the next hello asks for a new conversation (the last one is closed)
    wantHandoff: false, // send "handoff" once welcomed
    emailSaved: false,
    rating: null, // the rating form under the "closed" entry, until the customer rates
    typingSentAt: 0, // when we last sent "typing on" (0: the hub thinks we are not typing)
    typingIdle: 0,
    maxLength: 0, // the hub's limit on a message, from its welcome (0: not known yet)
  };

  const PERSON_STATES = ["queued", "agent"];

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
    status.dataset.state = kind; // "online" | "connecting" | "reconnecting" | "refused"
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
    if (sender === "agent") {
      // The agent's name over the first of their messages in a row.
      const name = typeof frame.author === "string" && frame.author ? frame.author : t.agent;
      row.dataset.author = name;
      if (!previous || previous.dataset.author !== name) {
        const label = { class: "baton-sender", "data-testid": "baton-author", text: name };
        row.prepend(el("span", label));
      }
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
    state.rating = null;
    state.emailSaved = false;
    queueBar.hidden = true;
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
        new: state.startNew,
        user_id: USER_ID,
        user_hash: USER_HASH,
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
      if (state.refused) setStatus("refused"); // retrying cannot fix a rejected identity
      else scheduleReconnect();
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
    else if (frame.type === "conversation") keepToken(frame);
    else if (frame.type === "entry") onEntry(frame);
    else if (frame.type === "typing") setTyping(frame.on === true);
    else if (frame.type === "queue") onPlace(frame);
    else if (frame.type === "telegram_link") onTelegramLink(frame);
    else if (frame.type === "error") onError(frame);
  }

  /** The token of our conversation: a resumed one's (welcome), or a new one's (conversation). */
  function keepToken(frame) {
    if (typeof frame.token === "string" && frame.token) save(local, KEY_TOKEN, frame.token);
  }

  /** A one-time t.me link that continues this chat in Telegram (only ever a t.me address). */
  function onTelegramLink(frame) {
    if (typeof frame.url !== "string" || !frame.url.startsWith("https://t.me/")) return;
    telegramLink.href = frame.url;
    telegramLink.hidden = false;
  }

  function onWelcome(frame) {
    clearTimeout(state.helloTimer);
    keepToken(frame);
    if (frame.resumed !== true) clearConversation();
    if (typeof frame.state === "string") state.conversationState = frame.state;
    if (Number.isInteger(frame.max_message_chars)) state.maxLength = frame.max_message_chars;
    telegramButton.hidden = frame.telegram !== true;
    updateCounter();
    state.startNew = false;
    state.welcomed = true;
    state.everWelcomed = true;
    state.attempt = 0;
    setStatus("online");
    // Resend everything not yet confirmed; the hub stores each client_id only once.
    for (const item of state.outbox) sendFrame(frameFor(item));
    if (state.wantHandoff) state.wantHandoff = !sendFrame({ type: "handoff" });
  }

  function onEntry(frame) {
    if (frame.id == null) return;
    const id = String(frame.id);
    if (typeof frame.client_id === "string") confirmPending(frame.client_id);
    if (state.rendered.has(id)) return; // already shown (e.g. replayed after a reconnect)
    const row = renderEntry({ ...frame, id });
    state.rendered.set(id, row);
    state.lastId = id;
    onEvent(frame, row);
    const fromSupport = frame.sender === "bot" || frame.sender === "agent";
    if (fromSupport && !state.open && (frame.ts || 0) >= LOADED_AT - 5000) {
      launcher.classList.add("has-unread");
    }
    updateIntro();
    scrollToBottom();
  }

  /** What an event entry changes: who holds the chat (the hub names the new state), the email
   * offer, the rating form, the Telegram link. */
  function onEvent({ event, state: moved }, row) {
    if (typeof moved === "string") state.conversationState = moved;
    if (event === "email_saved") {
      state.emailSaved = true;
      emailForm.hidden = true;
    } else if (event === "closed") {
      queueBar.hidden = true;
      state.rating = renderRating();
      row.after(state.rating);
    } else if (event === "rated" && state.rating) {
      state.rating.remove();
      state.rating = null;
    } else if (event === "moved_to_telegram") {
      telegramLink.hidden = true; // its code is used: the chat goes on there, or here if typed
    }
  }

  /** "You are number 2 in the queue, about 3 minutes"; with nobody to answer, the email offer. */
  function onPlace(frame) {
    queueBar.hidden = typeof frame.position !== "number";
    if (queueBar.hidden) return;
    const parts = [fill(t.place, { position: frame.position })];
    const available = frame.agents_online === true && frame.open !== false;
    if (available && typeof frame.wait_seconds === "number") {
      const minutes = Math.max(1, Math.round(frame.wait_seconds / 60));
      parts.push(minutes === 1 ? t.waitMinute : fill(t.waitMinutes, { minutes }));
    }
    let text = parts.join(", ") + ".";
    if (!available) text += " " + (frame.open === false ? t.afterHours : t.noAgent);
    queueText.textContent = text;
    queueBar.dataset.available = String(available);
    emailForm.hidden = available || state.emailSaved;
  }

  /** Five buttons (1 to 5), an optional comment, and "Send rating". */
  function renderRating() {
    const form = el("form", { class: "baton-row baton-rating", "data-testid": "baton-rating" });
    const stars = el("div", { class: "baton-stars" });
    let score = 0;
    for (let n = 1; n <= 5; n++) {
      const star = el("button", {
        type: "button",
        class: "baton-star",
        "data-testid": "baton-star",
        "data-score": String(n),
        "aria-label": fill(t.rate, { score: n }),
        "aria-pressed": "false",
        text: "★",
      });
      star.addEventListener("click", () => {
        score = n;
        for (const other of stars.children) {
          other.setAttribute("aria-pressed", String(Number(other.dataset.score) <= n));
        }
        submitButton.disabled = false;
      });
      stars.append(star);
    }
    const comment = el("textarea", {
      class: "baton-comment",
      "data-testid": "baton-comment",
      rows: "2",
      maxlength: "2000",
      placeholder: t.comment,
      "aria-label": t.comment,
    });
    const submitButton = el("button", {
      type: "submit",
      class: "baton-choice",
      "data-testid": "baton-rate",
      text: t.sendRating,
    });
    submitButton.disabled = true;
    form.append(stars, comment, submitButton);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (score) sendFrame({ type: "rating", score, comment: comment.value.trim() });
    });
    return form;
  }

  /** Leave the closed conversation: reconnect asking for a new one (same customer). */
  function startNewConversation() {
    state.startNew = true;
    const old = state.socket;
    state.socket = null; // its close event is then ignored
    state.welcomed = false;
    clearTimeout(state.helloTimer);
    if (old) old.close();
    connect();
  }

  function onError(frame) {
    if (frame.code === "closed") {
      // The chat was closed before our message got there: it opens the next conversation.
      state.conversationState = "closed";
      startNewConversation();
      return;
    }
    if (frame.code === "bad_identity") state.refused = true;
    const message = typeof frame.message === "string" ? frame.message : String(frame.code || "");
    if (message) showError(message);
    if (typeof frame.client_id !== "string") return;
    if (frame.code === "rate_limited") keepUnsent(frame.client_id);
    failPending(frame.client_id);
  }

  /** A message refused for now (sent too fast): its text goes back to the composer, after
   * anything typed since, so the customer can send it again when the error says. */
  function keepUnsent(clientId) {
    const item = state.outbox.find((queued) => queued.client_id === clientId);
    if (!item || item.type !== "message") return;
    input.value = input.value.trim() ? `${input.value}\n${item.text}` : item.text;
    autoGrow();
    updateCounter();
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
    if (state.conversationState === "closed") startNewConversation(); // welcome sends the outbox
    else if (!sendFrame(frameFor(item)) && !state.socket && !state.retryTimer) connect();
  }

  /** "Talk to a person": now, or as soon as a (new) conversation is open. */
  function requestHandoff() {
    if (state.conversationState === "closed") {
      state.wantHandoff = true;
      startNewConversation();
    } else if (!sendFrame({ type: "handoff" })) {
      state.wantHandoff = true;
      if (!state.socket && !state.retryTimer) connect();
    }
  }

  /** Tell a person holding the chat that we type: "on" every 2 s at most, "off" when idle. */
  function customerTyped() {
    if (!PERSON_STATES.includes(state.conversationState) || !input.value.trim()) {
      stopTyping();
      return;
    }
    clearTimeout(state.typingIdle);
    state.typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
    if (Date.now() - state.typingSentAt < TYPING_EVERY_MS) return;
    if (sendFrame({ type: "typing", on: true })) state.typingSentAt = Date.now();
  }

  function stopTyping() {
    clearTimeout(state.typingIdle);
    if (!state.typingSentAt) return;
    state.typingSentAt = 0;
    sendFrame({ type: "typing", on: false });
  }

  function submit() {
    const text = input.value.trim();
    if (!text) return; // nothing but whitespace: nothing to send
    stopTyping();
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

  /** "4012 / 4000", red when over, once the hub told its limit. Sending stays allowed: the hub
   * has the last word. */
  function updateCounter() {
    const length = lengthOf(input.value.trim());
    const limit = state.maxLength;
    counter.hidden = !limit || length < limit * COUNTER_FROM;
    counter.textContent = `${length} / ${limit}`;
    counter.classList.toggle("is-over", limit > 0 && length > limit);
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
    customerTyped();
  });
  handoffButton.addEventListener("click", requestHandoff);
  telegramButton.addEventListener("click", () => sendFrame({ type: "telegram_link" }));
  emailForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const address = emailInput.value.trim();
    if (address && sendFrame({ type: "email", address })) emailInput.value = "";
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

  /** The user signed out: forget their conversation and unsent messages, and hang up. */
  function signOut() {
    save(local, KEY_TOKEN, null);
    state.outbox = [];
    saveOutbox();
    for (const row of state.pending.values()) row.remove();
    state.pending.clear();
    const old = state.socket;
    state.socket = null; // its close event is then ignored
    state.welcomed = false;
    clearTimeout(state.helloTimer);
    clearTimeout(state.retryTimer);
    state.retryTimer = 0;
    if (old) old.close();
    clearConversation();
    close();
    setStatus("connecting");
  }

  const api = Object.freeze({
    open: () => open(),
    close: () => close(),
    signOut: () => signOut(),
  });
  window.Baton = api;
  window.BatonWidget = api; // the name pages used first

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
