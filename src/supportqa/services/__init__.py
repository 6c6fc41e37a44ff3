"""Use cases: one function per thing a person does with supportqa.

The CLI, the API, the pages and background jobs are adapters over these functions: they parse, call a
service and render. Services are the only layer that opens repositories; the engine, calibration and
analytics below them take records and frames as arguments (see ARCHITECTURE.md and the import-linter
contracts in pyproject.toml)."""
