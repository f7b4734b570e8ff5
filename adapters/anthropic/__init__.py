"""The language-model port on Anthropic's Messages API (the official ``anthropic`` SDK)."""
