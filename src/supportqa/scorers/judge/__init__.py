"""The LLM judge: any OpenAI-compatible model as an optional scorer."""
