"""Settings: one typed object read from `CLOUDINTEL_*` environment variables at the edge (the CLI, or
the flow's entry point when a deployment runs it) and passed down as a value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError
from extractors.entities import OrganizationIndex


class Settings(BaseSettings):
    """Every setting of cloudintel; each is also an environment variable `CLOUDINTEL_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="CLOUDINTEL_", extra="ignore")

    home: Path = Field(
        default=Path("~/.cloudintel"),
        description="Folder for local state: the default SQLite warehouse and the demo's files.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL of the warehouse; default sqlite:///$CLOUDINTEL_HOME/warehouse.db. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/db.",
    )
    allow_loopback: bool = Field(
        default=False,
        description="Permit fetching from 127.0.0.0/8 and ::1 (the demo and tests need it). "
        "Private, link-local, multicast and reserved addresses are always refused.",
    )
    user_agent: str = Field(
        default="cloudintel/0.1 (+https://github.com/cloudintel/cloudintel; market-intelligence crawler)",
        description="User-Agent sent with every request and matched against robots.txt.",
    )
    connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for a TCP/TLS connection.")
    read_timeout: float = Field(
        default=15.0, gt=0, description="Seconds to wait between bytes of a response."
    )
    total_timeout: float = Field(
        default=60.0, gt=0, description="Seconds a whole response may take to arrive."
    )
    max_bytes: int = Field(default=5_000_000, ge=1, description="Largest response body accepted, in bytes.")
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed before a fetch fails.")
    retries: int = Field(default=2, ge=0, description="Extra attempts on timeouts, resets, 429 and 5xx.")
    retry_backoff: float = Field(
        default=0.5, ge=0, description="First retry delay in seconds; doubles each time."
    )
    per_host_concurrency: int = Field(
        default=4, ge=1, description="Requests in flight to one host at a time."
    )
    fetch_workers: int = Field(default=16, ge=1, description="Requests in flight in all, per batch.")
    batch_size: int = Field(
        default=100,
        ge=1,
        description="Articles per fetch task and stored batch; event extraction commits every 2 batches "
        "of documents, classification every 10 batches' worth of events.",
    )
    max_items_per_source: int = Field(
        default=500,
        ge=1,
        description="Article links followed per feed or newsroom and run (a page of 100,000 links is cut).",
    )
    organizations: Path | None = Field(
        default=None,
        description="A YAML file of extra organizations (same schema as extractors/data/organizations.yaml), "
        "merged with the bundled list; an entry with a bundled name replaces it.",
    )

    alerts: Path | None = Field(
        default=None,
        description="The alert rules and channels (YAML); default: the bundled flows/alerting/alerts.yaml "
        "(new cloud deals to the log and alerts.jsonl).",
    )
    alerts_max_age_days: int = Field(
        default=14,
        ge=0,
        description="A rule fires only for events dated within this many days before the run (0 = no limit); "
        "older events are stored and shown, never alerted. A rule's own `max_age_days` overrides it.",
    )
    alerts_jsonl: Path | None = Field(
        default=None,
        description="File the `jsonl` alert channel appends to; default $CLOUDINTEL_HOME/alerts.jsonl.",
    )
    web_token: SecretStr | None = Field(
        default=None,
        description="Token the web app and API require (Authorization: Bearer, or ?token= once in a browser); "
        "needed to serve beyond loopback (`cloudintel web --host 0.0.0.0`).",
    )
    web_hosts: str = Field(
        default="",
        description="Comma-separated extra Host names the web app answers to (beside loopback and the "
        "address it is bound to), e.g. intel.example.com behind a reverse proxy.",
    )
    model_dir: Path | None = Field(
        default=None,
        description="Folder of the trained impact model (default $CLOUDINTEL_HOME/models); without a usable "
        "model there, the rule baseline of the guide's §3 is used and flagged as such.",
    )

    @property
    def model_folder(self) -> Path:
        """Where `cloudintel model train` writes and the pipeline reads the impact model."""
        return (self.model_dir or self.home_dir / "models").expanduser()

    @property
    def alerts_file(self) -> Path:
        """The alert rules in force."""
        return (self.alerts or Path(__file__).resolve().parent / "alerting" / "alerts.yaml").expanduser()

    @property
    def alerts_log(self) -> Path:
        """Where the `jsonl` channel writes."""
        return (self.alerts_jsonl or self.home_dir / "alerts.jsonl").expanduser()

    def organization_index(self) -> OrganizationIndex:
        """The organization list: the bundled one plus the user's file, if set."""
        return OrganizationIndex.load(extra=self.organizations.expanduser() if self.organizations else None)

    @property
    def web_host_names(self) -> list[str]:
        """The extra Host names of CLOUDINTEL_WEB_HOSTS."""
        return [h.strip() for h in self.web_hosts.split(",") if h.strip()]

    @property
    def home_dir(self) -> Path:
        """The expanded home folder."""
        return self.home.expanduser()

    @property
    def warehouse_url(self) -> str:
        """The warehouse URL, defaulting to SQLite under the home folder."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home_dir / 'warehouse.db'}"


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (and `overrides`); a bad value is a `ConfigError` naming the
    variable, the value and the range it must be in."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "CLOUDINTEL_" + "_".join(str(part) for part in error["loc"]).upper()
            value = "" if name.endswith("DATABASE_URL") else f"={error.get('input')!r}"  # may hold a password
            problems.append(f"{name}{value}: {error['msg'].lower()}")
        raise ConfigError("bad setting " + "; ".join(problems)) from None
