-- signatures: the MinHash index that new pages are compared against, one row per archived
-- article (position is null) and per tracked paragraph of it (position is set).
-- scheme: hashing, shingle words, permutations, seed and LSH bands x rows that made the row.
CREATE OR REPLACE VIEW signatures AS
SELECT
    article_id,
    position,
    first_seen_at,
    text_hash,
    scheme,
    minhash,
    bands
FROM read_parquet('${tables}/signatures/**/*.parquet', hive_partitioning = false);
