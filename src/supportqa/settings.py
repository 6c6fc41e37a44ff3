"""All settings in one pydantic-settings class (`SUPPORTQA_` env prefix), passed explicitly."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Defaults for a fresh working directory; the CLI exposes the same settings as flags."""

    model_config = SettingsConfigDict(env_prefix="SUPPORTQA_", extra="ignore")

    db: str = "supportqa.db"
    """SQLAlchemy URL or a SQLite file path."""

    scorecard: str | None = None
    """Path of a scorecard YAML to use instead of the packaged default."""

    sqlite_busy_timeout_ms: int = 30_000
    """How long a SQLite connection waits for another writer's lock (`PRAGMA busy_timeout`) before
    failing "database is locked": an import and a scoring run at once queue instead of failing."""

    pg_dump: str = "pg_dump"
    """The `pg_dump` program `supportqa backup` runs for a PostgreSQL database (a name on PATH or a
    path; use the server's major version or newer)."""

    csv_max_field_lines: int = 200
    """A quoted CSV field still open after this many physical lines is taken for a stray quote: the row
    is reported (`file:line: unterminated quoted field starting here`) and reading goes on from the
    line after the one it started on, instead of one field swallowing the rest of the file."""

    csv_max_field_bytes: int = 1 << 20
    """The same bound in bytes (1 MiB); also the largest CSV field accepted on one line (a bigger one
    rejects its row, not the file)."""

    batch_size: int = 500
    """Conversations scored and written per transaction (a killed run loses at most one batch)."""

    # --- the optional LLM judge (`score --llm`); nothing is sent anywhere without --llm -----------
    llm_base_url: str = "http://localhost:11434/v1"
    """An OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, a hosted API); Anthropic's with
    `llm_provider=anthropic`."""

    llm_api_key: str | None = None
    llm_model: str | None = None
    """Used when the scorecard's `llm.model` is not set."""

    llm_provider: str = "openai"
    """`openai` (chat completions, the protocol every local server speaks) or `anthropic` (Messages)."""

    llm_timeout_s: float = 120.0
    """Per request (an attempt never runs past its conversation's deadline either)."""

    llm_conversation_deadline_s: float = 120.0
    """The time one conversation may take, retries and waits included. A back-off or `Retry-After`
    that would end past it is not waited for: the conversation fails as retryable at once (its
    criteria stay owed, `judge_pending`, and the next `score --llm` asks again)."""

    llm_run_deadline_s: float | None = None
    """The time a whole `--llm` run may spend asking (none by default). Past it nothing more is sent:
    the remaining conversations fail as retryable, as above (cached answers are still used)."""

    llm_max_retries: int = 4
    """Retries after a timeout, 429 or 5xx, with exponential back-off that honours Retry-After."""

    llm_backoff_s: float = 1.0
    """The first back-off; doubled after each retry, capped at 60 s."""

    llm_concurrency: int = 8
    """Requests in flight at once."""

    llm_price_input_per_mtok: float = 0.0
    """Price per million prompt tokens, for the cost line of each run (0: not priced)."""

    llm_price_output_per_mtok: float = 0.0
    llm_redact: bool = True
    """Replace emails, phones, card numbers, addresses and known names before sending."""

    llm_cache: str | None = None
    """SQLite file of judged answers (default: beside the database), so nothing is paid twice."""
    llm_response_format: str = "json_schema"
    """`json_schema` (structured outputs), `json_object` (older servers) or `none` (prompt only)."""

    show_personal_data: bool = False
    """Show customers' e-mails, phones, card numbers, IBANs, addresses and names verbatim in the HTML
    report's quotes and in import error lines (`--show-personal-data`); by default they are replaced
    by placeholders such as `[EMAIL_1]`, with the LLM judge's detectors."""

    analytics_snapshot: bool = True
    """Keep the analytics frames as Parquet beside a SQLite database (`supportqa-analytics/`),
    brought up to date from the change log (only the reviews written since are read again): the
    report reads 1M reviews in 0.3 s instead of ~30 s."""

    analytics_max_lag_s: float = 60.0
    """How old the analytics a long-running process (the server) serves may be: within this many
    seconds of its last look at the database it answers from memory; the first read after that
    applies the writes made since (re-reading only the reviews they touched) before answering."""
    analytics_min_peer_agents: int = 3
    """An agent sees team and overall figures only when they aggregate at least this many other
    agents (fewer would let them work out a colleague's scores)."""

    claim_lease_s: float = 60.0
    """How long a scoring run's claim on a batch holds without a heartbeat: a killed run's work is
    free again (and the run shows as `interrupted`) this long after its last beat."""
    claim_heartbeat_s: float = 15.0
    """How often a live scoring run renews its claims."""

    # --- background jobs (`supportqa worker`, `supportqa jobs`; docs/jobs.md) ----------------------
    job_max_attempts: int = 3
    """Runs a job gets, its first included: a failure or a worker killed mid-job is retried until
    then, and the job is `failed` with its last error after that."""
    job_retry_wait_s: float = 30.0
    """The wait before retrying a failed job; doubled after each failure."""
    job_lease_s: float = 60.0
    """How long a worker's heartbeat holds: after this much silence the SQLite job loop's lease may
    be taken over by another process, and a job its runner stopped beating for is retried
    (PostgreSQL: procrastinate's stalled-worker timeout)."""
    job_heartbeat_s: float = 10.0
    """How often a worker renews its heartbeat (and a running job's), well inside the lease."""
    job_poll_s: float = 2.0
    """How often an idle worker looks for new jobs (and a waiting SQLite loop for the lease)."""

    # --- `supportqa serve`: sessions, tokens, throttling (docs/serve.md) ---------------------------
    secret_key: str | None = None
    """Signs the login form's CSRF cookie. Unset, one is generated once into the database, so every
    process serving it shares the same key."""
    public_url: str | None = None
    """Where users reach the server (e.g. https://qa.example.com): https makes cookies `Secure`."""
    session_idle_s: float = 8 * 3600
    """A session unused this long has ended (8 h)."""
    session_absolute_s: float = 7 * 86400
    """A session ends this long after its login however much it is used (7 days)."""
    login_window_s: float = 15 * 60
    """Failed logins are counted over this window (15 minutes)."""
    login_max_failures_pair: int = 5
    """Failures of one e-mail from one client address in the window before logins answer 429."""
    login_max_failures_address: int = 20
    """Failures from one client address (any e-mails) in the window before logins answer 429."""
    agent_team_min_agents: int = 3
    """An agent sees a team figure only when it aggregates at least this many other agents."""
