"""Cutting the inputs of a run into shards: pure functions over file descriptions."""

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from tasks.ids import stable_id
from tasks.io import MANY_PAGE_FORMATS, SINGLE_PAGE_FORMATS, InputFile, printable_path


@dataclass(frozen=True, slots=True)
class Shard:
    """A unit of work for one task: one archive file, or a batch of small files."""

    key: str  # stable: same files, same sizes and times, same key
    files: tuple[InputFile, ...]

    @property
    def label(self) -> str:
        """A short human name for logs and reports (printable, see io.printable_path)."""
        first = printable_path(Path(self.files[0].path).name)
        return first if len(self.files) == 1 else f"{first} (+{len(self.files) - 1} files)"


def _key(files: tuple[InputFile, ...]) -> str:
    return stable_id("shard", *(f"{f.path}|{f.size}|{f.mtime_ns}" for f in files))


def plan_shards(inputs: list[InputFile], files_per_shard: int) -> list[Shard]:
    """One shard per WARC, WACZ or JSONL file; single-page files batched per folder.

    Batching per folder keeps a new file in one folder from moving the batches of others.
    """
    shards = [Shard(_key((f,)), (f,)) for f in inputs if f.format in MANY_PAGE_FORMATS]
    singles = sorted((f for f in inputs if f.format in SINGLE_PAGE_FORMATS), key=lambda f: f.path)
    for _, group in groupby(singles, key=lambda f: str(Path(f.path).parent)):
        members = list(group)
        for start in range(0, len(members), files_per_shard):
            batch = tuple(members[start : start + files_per_shard])
            shards.append(Shard(_key(batch), batch))
    return sorted(shards, key=lambda s: s.files[0].path)
