"""The words a records answer is made of, in the customer's language: dates, amounts, and what
the records' codes mean (a code the company adds later is said generically, never shown raw)."""

from datetime import datetime
from decimal import Decimal

WORDS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "stage": {
            "funds_received": "we have received your money and are preparing to send it",
            "sent_to_partner": "it has been sent to our partner in the destination country",
            "ready_for_pickup": "it is ready for pickup",
            "": "it is being processed",
        },
        "delay_reason": {
            "bank_holiday": "a public holiday in the destination country",
            "partner_bank_delay": "the receiving bank is processing it slowly",
            "additional_check": "an extra security check",
            "": "a delay at the receiving end",
        },
        "failure_reason": {
            "recipient_account_closed": "the recipient's bank account is closed",
            "wallet_limit_exceeded": "it would have exceeded the recipient's wallet limit",
            "invalid_account": "the recipient's account details are not valid",
            "": "the receiving side could not accept it",
        },
        "payout_method": {
            "bank_deposit": "bank deposit",
            "cash_pickup": "cash pickup",
            "mobile_wallet": "mobile wallet",
        },
        "status": {
            "paid_out": "paid out",
            "in_progress": "on its way",
            "delayed": "delayed",
            "failed": "failed",
            "cancelled": "cancelled",
            "compliance_hold": "being checked",
        },
        "reason_code": {
            "document_expired": "the ID document had expired",
            "selfie_mismatch": "the selfie did not match the photo on the ID",
            "document_blurry": "the photo of the ID was not sharp enough to read",
            "name_mismatch": "the name on the ID is not the name on your account",
            "": "the documents could not be accepted",
        },
        "send_again": {
            "document_expired": "a photo of a valid, unexpired ID",
            "selfie_mismatch": "a new selfie in good light, without glasses or a hat",
            "document_blurry": "a sharp photo of the whole ID",
            "name_mismatch": "an ID in the name on your account",
            "": "your ID and a selfie",
        },
        "country": {"VN": "Viet Nam", "PH": "the Philippines", "KR": "Korea", "NP": "Nepal"},
    },
    "ko": {
        "stage": {
            "funds_received": "송금액을 받아 보낼 준비를 하고 있어요",
            "sent_to_partner": "수취 국가의 협력사로 보냈어요",
            "ready_for_pickup": "수령하실 수 있어요",
            "": "처리 중이에요",
        },
        "delay_reason": {
            "bank_holiday": "수취 국가의 공휴일",
            "partner_bank_delay": "수취 은행의 처리 지연",
            "additional_check": "추가 보안 확인",
            "": "수취 측의 지연",
        },
        "failure_reason": {
            "recipient_account_closed": "수취인의 계좌가 해지되었어요",
            "wallet_limit_exceeded": "수취인의 전자지갑 한도를 넘었어요",
            "invalid_account": "수취인의 계좌 정보가 올바르지 않아요",
            "": "수취 측에서 받을 수 없었어요",
        },
        "payout_method": {
            "bank_deposit": "계좌 입금",
            "cash_pickup": "현금 수령",
            "mobile_wallet": "모바일 지갑",
        },
        "status": {
            "paid_out": "지급 완료",
            "in_progress": "진행 중",
            "delayed": "지연",
            "failed": "실패",
            "cancelled": "취소",
            "compliance_hold": "확인 중",
        },
        "reason_code": {
            "document_expired": "신분증의 유효기간이 지났어요",
            "selfie_mismatch": "셀카가 신분증 사진과 일치하지 않았어요",
            "document_blurry": "신분증 사진이 선명하지 않아 읽을 수 없었어요",
            "name_mismatch": "신분증의 이름이 계정의 이름과 달라요",
            "": "제출하신 서류를 승인할 수 없었어요",
        },
        "send_again": {
            "document_expired": "유효기간이 남은 신분증 사진",
            "selfie_mismatch": "밝은 곳에서 안경과 모자 없이 찍은 새 셀카",
            "document_blurry": "신분증 전체가 선명하게 나온 사진",
            "name_mismatch": "계정과 같은 이름의 신분증",
            "": "신분증과 셀카",
        },
        "country": {"VN": "베트남", "PH": "필리핀", "KR": "한국", "NP": "네팔"},
    },
}
LIST_SEPARATOR = {"en": "; ", "ko": ", "}


def word(language: str, kind: str, code: str | None) -> str:
    """What a code means in the language; the kind's generic words for an unknown code."""
    words = WORDS.get(language, WORDS["en"])[kind]
    return words.get(code or "", words.get("", code or ""))


def words(language: str, kind: str, codes: list[str]) -> str:
    """Several codes' meanings, in one phrase."""
    meanings = dict.fromkeys(word(language, kind, code) for code in codes or [""])
    return LIST_SEPARATOR.get(language, "; ").join(meanings)


def when(language: str, iso: str | None) -> str:
    """A date and time from the records (ISO 8601), as the language writes it, in UTC."""
    if not iso:
        return "?"
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))  # Python 3.10 wants an offset
    if language == "ko":
        return f"{moment.year}년 {moment.month}월 {moment.day}일 {moment:%H:%M} (UTC)"
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def money(amount: str, currency: str) -> str:
    """An amount with its currency: 500,000 KRW."""
    value = Decimal(amount)
    digits = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{digits} {currency}"
