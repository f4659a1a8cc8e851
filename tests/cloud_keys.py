"""Stand-in API keys for the built-in catalogue's cloud providers. `forge route explain`, like `forge run` and
`forge ask`, routes only to models that can be called here, so a test about its choices among the built-in
models gives it their keys; explain calls no model, so nothing is ever sent with them."""

KEYS = {"GROQ_API_KEY": "test-groq-key", "OPENROUTER_API_KEY": "test-openrouter-key",
        "ANTHROPIC_API_KEY": "test-anthropic-key"}
