"""Run in the Rasa environment by test_hangul_tokenizer.py: the tokens of each message given by
Baton's NLU tokenizer (bot/hangul_tokenizer.py) and by Rasa's WhitespaceTokenizer, as JSON
([text, start, end] per token)."""

import json
import sys

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.hangul_tokenizer import HangulTokenizer


def tokens(tokenizer: WhitespaceTokenizer, text: str) -> list[list]:
    return [[t.text, t.start, t.end] for t in tokenizer.tokenize(Message({"text": text}), "text")]


if __name__ == "__main__":
    ours = HangulTokenizer(HangulTokenizer.get_default_config())
    rasas = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    texts = sys.argv[1:]
    seen = {text: {"ours": tokens(ours, text), "rasa": tokens(rasas, text)} for text in texts}
    print(json.dumps(seen, ensure_ascii=False))
