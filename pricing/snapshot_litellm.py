"""Write pricing/litellm_bedrock_snapshot.json from a litellm wheel: its Bedrock chat and embedding entries,
trimmed to the per-token price fields the catalog is compared on.

    pip download litellm==1.110.2 --no-deps -d /tmp/ll
    python pricing/snapshot_litellm.py /tmp/ll/litellm-1.110.2-*.whl
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import zipfile
from pathlib import Path

MEMBER = "litellm/model_prices_and_context_window_backup.json"
PROVIDERS = ("bedrock", "bedrock_converse")
MODES = ("chat", "embedding")
KEEP = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost"
    r"|cache_creation_input_token_cost_above_1hr)(_above_\d+k_tokens)?$"
)


def snapshot(wheel: Path) -> dict[str, object]:
    """The trimmed snapshot of one wheel."""
    version = re.sub(r"^litellm-([^-]+)-.*$", r"\1", wheel.name)
    with zipfile.ZipFile(wheel) as archive:
        raw = archive.read(MEMBER)
    data = json.loads(raw)
    entries = {
        key: {"mode": value["mode"], "litellm_provider": value["litellm_provider"],
              **{f: v for f, v in sorted(value.items()) if KEEP.match(f)}}
        for key, value in sorted(data.items())
        if isinstance(value, dict) and value.get("litellm_provider") in PROVIDERS and value.get("mode") in MODES
    }
    dropped = sum(1 for v in data.values() if isinstance(v, dict) and v.get("litellm_provider") in PROVIDERS
                  and v.get("mode") not in MODES)
    return {
        "_meta": {
            "source": f"PyPI litellm {version} wheel, {MEMBER}",
            "litellm_version": version,
            "wheel": wheel.name,
            "member_sha256": hashlib.sha256(raw).hexdigest(),
            "extracted_on": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
            "kept": f"{len(entries)} entries with litellm_provider in {PROVIDERS} and mode in {MODES}",
            "dropped_other_modes": dropped,
            "fields": "mode, litellm_provider and the per-token price fields (USD per token): input, output, "
                      "cache read, cache write (5m) and cache write 1h, each also *_above_<N>k_tokens",
        },
        "entries": entries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("litellm_bedrock_snapshot.json"))
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(snapshot(args.wheel), indent=1, sort_keys=False) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
