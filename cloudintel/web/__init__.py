"""The read-only web app over the warehouse: a JSON API and the timeline pages (no Prefect)."""
