"""Words for lexical search: English lowercased, stemmed, stopwords dropped; Korean content
morphemes from Kiwi (particles and endings split off); adjacent terms joined as bigrams; pairs of
adjacent Hangul syllables (marked "~") beside them."""

import pytest

from knowledge_base.text import Tokenizer


def morphemes(terms: list[str]) -> list[str]:
    """The terms but the syllable pairs."""
    return [term for term in terms if not term.startswith("~")]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    """One tokenizer for the module: Kiwi takes a second to load."""
    return Tokenizer()


def test_english_is_lowercased_stemmed_and_stripped_of_stopwords(tokenizer: Tokenizer) -> None:
    assert tokenizer.terms("How do I Reset my Passwords?") == [
        "reset",
        "password",
        "reset+password",
    ]


def test_english_inflections_share_a_stem(tokenizer: Tokenizer) -> None:
    assert tokenizer.terms("Transfers") == tokenizer.terms("transferring") == ["transfer"]


def test_digits_and_words_with_digits_are_terms(tokenizer: Tokenizer) -> None:
    assert tokenizer.terms("2FA code 123456") == [
        "2fa",
        "code",
        "123456",
        "2fa+code",
        "code+123456",
    ]


def test_a_text_of_stopwords_or_punctuation_has_no_terms(tokenizer: Tokenizer) -> None:
    assert tokenizer.terms("How do I do it?") == []
    assert tokenizer.terms("?! ...") == []


def test_korean_particles_and_endings_are_split_off(tokenizer: Tokenizer) -> None:
    # 송금을 (remittance + object particle), 취소하고 싶어요 (cancel + endings)
    assert morphemes(tokenizer.terms("송금을 취소하고 싶어요")) == ["송금", "취소", "송금+취소"]


def test_a_korean_word_with_or_without_its_particle_gives_the_same_terms(
    tokenizer: Tokenizer,
) -> None:
    terms = [morphemes(tokenizer.terms(text)) for text in ("계좌가", "계좌를", "계좌")]
    assert terms[0] == terms[1] == terms[2] == ["계좌"]


def test_verb_stems_stand_for_their_conjugations(tokenizer: Tokenizer) -> None:
    terms = morphemes(tokenizer.terms("제 계좌에서 돈이 빠져나갔어요"))
    assert terms == ["계좌", "돈", "빠져나가", "계좌+돈", "돈+빠져나가"]


def test_mixed_text_gives_each_english_word_once_and_no_bigram_across_languages(
    tokenizer: Tokenizer,
) -> None:
    terms = tokenizer.terms("OTP 인증이 안 돼요")
    assert terms.count("otp") == 1
    assert "인증" in terms
    assert "이" not in terms  # the subject particle
    assert not [t for t in terms if t.startswith("otp+") or t.endswith("+otp")]


def test_uppercase_latin_inside_korean_text_is_lowercased(tokenizer: Tokenizer) -> None:
    terms = tokenizer.terms("APP에서 로그인이 안 돼요")
    assert "app" in terms
    assert "APP" not in terms


def test_korean_syllable_pairs_match_a_word_written_without_its_spaces(
    tokenizer: Tokenizer,
) -> None:
    assert tokenizer.terms("돈이") == ["돈", "~돈이"]
    spaced, unspaced = tokenizer.terms("로그인이 안 돼요"), tokenizer.terms("로그인이안돼요")
    assert {"~로그", "~그인", "~돼요"} <= set(spaced) & set(unspaced)
    assert "~인이" in spaced and "~이안" not in spaced  # no pair across a space
