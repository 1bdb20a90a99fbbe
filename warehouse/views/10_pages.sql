-- pages: one row per input page and what became of it.
-- status: article | duplicate | error_page | not_article | failed; reason: a short code.
-- page_type: article | listing | product | forum (null for pages archived before it existed,
-- hence union_by_name: their files have no such column).
CREATE OR REPLACE VIEW pages AS
SELECT
    page_id,
    url,
    site,
    source,
    fetched_at,
    http_status,
    content_hash,
    status,
    reason,
    page_type,
    article_id,
    similarity,
    run_id
FROM read_parquet('${tables}/pages/**/*.parquet', hive_partitioning = false, union_by_name = true);
