"""`cloudintel orgs --unknown`: names the timeline holds that the organization list lacks, with the
category their sentences give them, as entries an organizations file accepts."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from extractors.entities import OrganizationIndex
from tests.cli.test_cli import cloudintel
from tests.warehouse.test_ledger import event

SESTERCE = "Sesterce, a French GPU cloud provider, signed an agreement to supply Mistral AI with compute."
VERNE = "Polarise signed a 10-year lease with Verne, which operates data centers in Iceland."


def test_unknown_organizations_with_counts_examples_and_inferred_categories(
    tmp_path: Path, database_url: str
) -> None:
    event(database_url, "2025-03-01", ("Mistral AI", "Sesterce"), SESTERCE)
    event(database_url, "2025-05-01", ("Polarise", "Verne"), VERNE)
    event(
        database_url, "2025-07-01", ("Mistral AI", "Sesterce"), "Sesterce expanded its deal with Mistral AI."
    )
    env = {"CLOUDINTEL_DATABASE_URL": database_url}

    result = cloudintel("orgs", "--unknown", "--format", "json", home=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"Sesterce", "Polarise", "Verne"}  # Mistral AI is on the list
    assert (rows["Sesterce"]["events"], rows["Sesterce"]["category"], rows["Sesterce"]["cloud_provider"]) == (
        2,
        "gpu_cloud",
        True,
    )
    assert (rows["Verne"]["category"], rows["Verne"]["cloud_provider"]) == ("data_center_operator", False)
    assert rows["Polarise"]["example"] == VERNE

    pasted = tmp_path / "my-orgs.yaml"
    pasted.write_text(cloudintel("orgs", "--unknown", "--format", "yaml", home=tmp_path, **env).stdout)
    assert len(yaml.safe_load(pasted.read_text())["organizations"]) == 3
    merged = OrganizationIndex.load(extra=pasted)
    assert merged.is_cloud_provider("Sesterce") and not merged.is_cloud_provider("Verne")

    known = json.loads(cloudintel("orgs", "--format", "json", home=tmp_path, **env).stdout)
    assert [r["name"] for r in known] == ["Mistral AI"]
