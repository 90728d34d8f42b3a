"""What the hub itself says to customers, in each supported language."""

SYSTEM_MESSAGES: dict[str, dict[str, str]] = {
    "escalated": {
        "en": "I'm connecting you to a person. You can keep writing: they will read everything.",
        "ko": "상담원에게 연결해 드리고 있습니다. 계속 메시지를 남기셔도 상담원이 모두 읽습니다.",
    },
    "agent_joined": {
        "en": "{name} from our support team joined the chat.",
        "ko": "상담원 {name}님이 대화에 참여했습니다.",
    },
    "released": {
        "en": "You're chatting with our assistant again. Ask anything, or ask for a person.",
        "ko": "다시 상담 봇과 대화합니다. 무엇이든 물어보시거나 상담원 연결을 요청하세요.",
    },
    "requeued": {
        "en": "Your agent was disconnected. You keep your place in the queue for the next person.",
        "ko": "상담원의 연결이 끊어졌습니다. 대기 순서는 그대로이며 다음 상담원이 이어받습니다.",
    },
    "closed": {
        "en": "This conversation is closed. How would you rate the help you got, from 1 to 5?",
        "ko": "상담이 종료되었습니다. 받으신 도움을 1점에서 5점 사이로 평가해 주시겠어요?",
    },
    "rated": {
        "en": "Thank you for your feedback.",
        "ko": "소중한 의견 감사합니다.",
    },
    "email_saved": {
        "en": "Thanks: we'll email {email} as soon as an agent replies.",
        "ko": "감사합니다. 상담원이 답변하면 {email}(으)로 바로 알려 드리겠습니다.",
    },
    "bad_email": {
        "en": "That is not one email address we can write to. Please check it.",
        "ko": "보낼 수 있는 이메일 주소가 아닙니다. 주소를 확인해 주세요.",
    },
    "conversation_closed": {
        "en": "This conversation is closed: your message starts a new one.",
        "ko": "종료된 상담입니다. 새 상담을 시작합니다.",
    },
    "assistant_unavailable": {
        "en": "Sorry, our assistant is unavailable right now. Your message is saved.",
        "ko": "죄송합니다. 지금은 상담 봇을 사용할 수 없습니다. 메시지는 저장되었습니다.",
    },
    "empty": {
        "en": "Please type a message before sending.",
        "ko": "메시지를 입력한 뒤 보내 주세요.",
    },
    "too_long": {
        "en": "That message is too long: please keep it under {limit} characters.",
        "ko": "메시지가 너무 깁니다. {limit}자 이내로 보내 주세요.",
    },
    "bad_identity": {
        "en": "This chat could not confirm who you are. Please sign in again and reload the page.",
        "ko": "본인 확인을 할 수 없습니다. 다시 로그인한 뒤 페이지를 새로고침해 주세요.",
    },
    "too_many_sockets": {
        "en": "Too many chats are open from your network. Close one and try again.",
        "ko": "같은 네트워크에서 열린 채팅이 너무 많습니다. 하나를 닫고 다시 시도해 주세요.",
    },
    "bad_frame": {
        "en": "The chat could not read that message. Please try again.",
        "ko": "메시지를 읽을 수 없습니다. 다시 시도해 주세요.",
    },
    "rate_limited": {
        "en": "You're sending faster than we can read. Please try again in {seconds} s.",
        "ko": "너무 빠르게 보내고 있습니다. {seconds}초 뒤에 다시 시도해 주세요.",
    },
    "telegram_welcome": {
        "en": "Hello! I'm the support assistant. Ask me anything, or send /human to talk to a "
        "person.",
        "ko": "안녕하세요! 고객 지원 봇입니다. 무엇이든 물어보시거나 /human 을 보내 상담원과 "
        "대화하세요.",
    },
    "talk_to_person": {"en": "Talk to a person", "ko": "상담원 연결"},
    "read_more": {"en": "Read the full article", "ko": "도움말 전체 보기"},
    "text_only": {
        "en": "I can only read text messages here for now. Please write your question.",
        "ko": "지금은 텍스트 메시지만 읽을 수 있습니다. 질문을 글로 적어 주세요.",
    },
    "files_unreadable": {
        "en": "Thanks, I have kept your file for our support team, but I can't read files "
        "myself. Write your question, or talk to a person.",
        "ko": "파일을 상담팀에 전달할 수 있도록 보관했습니다. 다만 저는 파일을 읽을 수 없습니다. "
        "질문을 적어 주시거나 상담원과 대화하세요.",
    },
    "file_refused": {
        "en": "I can't accept that file: please send a photo, a PDF or a PNG/JPEG/WebP image of "
        "at most {megabytes} MB.",
        "ko": "이 파일은 받을 수 없습니다. {megabytes}MB 이하의 사진, PDF 또는 PNG/JPEG/WebP "
        "이미지를 보내 주세요.",
    },
    "queue_place": {
        "en": "You are number {position} in the queue",
        "ko": "대기 순서: {position}번째",
    },
    "queue_wait_minutes": {"en": "about {minutes} minutes", "ko": "약 {minutes}분 예상"},
    "queue_wait_minute": {"en": "about a minute", "ko": "약 1분 예상"},
    "queue_no_agent": {
        "en": "No agent is available right now: we will answer you here.",
        "ko": "지금은 연결 가능한 상담원이 없습니다. 이곳으로 답변해 드리겠습니다.",
    },
    "queue_after_hours": {
        "en": "We are outside business hours: we will answer you here when we open.",
        "ko": "지금은 상담 시간이 아닙니다. 상담 시간이 되면 이곳으로 답변해 드리겠습니다.",
    },
    "telegram_off": {
        "en": "Continuing in Telegram is not available right now.",
        "ko": "지금은 텔레그램으로 이어서 대화할 수 없습니다.",
    },
    "link_invalid": {
        "en": "That link has expired or was already used. Ask for a new one on the website, or "
        "write your question here.",
        "ko": "링크가 만료되었거나 이미 사용되었습니다. 웹사이트에서 새 링크를 받으시거나 여기에 "
        "질문을 적어 주세요.",
    },
    "telegram_linked": {
        "en": "Your Telegram is now linked to your account. Ask me anything here.",
        "ko": "텔레그램이 계정에 연결되었습니다. 여기에서 무엇이든 물어보세요.",
    },
    "moved_to_web": {
        "en": "The conversation continues here on the website: we answer here now.",
        "ko": "상담이 웹사이트에서 이어집니다. 이제 여기에서 답변드립니다.",
    },
    "moved_to_telegram": {
        "en": "The conversation moved to Telegram: we continue there.",
        "ko": "상담이 텔레그램으로 옮겨졌습니다. 텔레그램에서 이어서 대화합니다.",
    },
    "recap": {
        "en": "We continue your conversation from the website here. Where we left off:",
        "ko": "웹사이트에서 나누던 대화를 여기에서 이어갑니다. 지난 대화:",
    },
    "recap_you": {"en": "You", "ko": "나"},
    "recap_assistant": {"en": "Assistant", "ko": "상담 봇"},
    "button_expired": {
        "en": "That button is no longer available. Please write your question.",
        "ko": "더 이상 사용할 수 없는 버튼입니다. 질문을 글로 적어 주세요.",
    },
    "customer_blocked": {
        "en": "The customer blocked the bot on Telegram: nothing more is delivered to them "
        "until they write again.",
        "ko": "고객이 텔레그램에서 봇을 차단했습니다. 고객이 다시 메시지를 보낼 때까지 "
        "전달되지 않습니다.",
    },
    "email_subject": {"en": "An agent replied to you", "ko": "상담원이 답변했습니다"},
    "email_body": {
        "en": "An agent replied to your conversation with us:\n\n{text}\n\n"
        "Continue the chat: {url}\n",
        "ko": "상담원이 답변을 남겼습니다:\n\n{text}\n\n상담 이어가기: {url}\n",
    },
}


def system_message(key: str, language: str, **values: object) -> str:
    """The system message in the language, falling back to English."""
    texts = SYSTEM_MESSAGES[key]
    return texts.get(language, texts["en"]).format(**values)
