-- pages: one row per input page and what became of it.
-- status: article | duplicate | error_page | not_article | failed; reason: a short code.
-- page_type: article | listing | product | forum; title: the page's headline, whatever became of
-- it; containment: for duplicates, the share of the page's words found in the article it copies
-- (all three null in files written before they existed, hence union_by_name).
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
    title,
    article_id,
    similarity,
    containment,
    run_id
FROM read_parquet('${tables}/pages/**/*.parquet', hive_partitioning = false, union_by_name = true);
