-- runs: one row per pipeline run, with its counts.
CREATE OR REPLACE VIEW runs AS
SELECT
    run_id,
    started_at,
    finished_at,
    status,
    inputs,
    shards,
    shards_skipped,
    pages_read,
    pages_known,
    records_skipped,
    articles_added,
    duplicates,
    exact_duplicates,
    near_duplicates,
    boilerplate_paragraphs,
    articles_recleaned,
    reused_paragraphs,
    error_pages,
    not_articles,
    failed,
    seconds
FROM read_parquet('${tables}/runs/*.parquet', hive_partitioning = false);
