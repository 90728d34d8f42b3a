"""Rasa's WhitespaceTokenizer, keeping the Korean words it drops, for the NLU.

The WhitespaceTokenizer drops every token that its emoji pattern matches whole, and that
pattern's range U+24C2 to U+1F251 takes in all of Hangul. So DIET saw a Korean message as one
token of the whole text ("안녕하세요 송금 취소할래요" was one word, seen once), or saw only its
Latin words and numbers ("HR204918375 이거 취소해 주세요" was "HR204918375"): 776 and 15 of the
813 Korean NLU examples. Here a token with Hangul in it is never taken for an emoji.
"""

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

# knowledge_base/text.py has the same pattern, but the Rasa environment cannot import it (Kiwi,
# PyStemmer and the hub's packages are not installed there).
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class HangulTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, Korean words kept."""

    def remove_emoji(self, text: str) -> str:
        return text if HANGUL.search(text) else super().remove_emoji(text)
